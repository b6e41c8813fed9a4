"""`app.integrations`: what other programs need to use this store (an MCP client's configuration).

Serving is not here: the MCP server is a front end on the facade, as the CLI is (`mcp_server/server.py`).
"""

from __future__ import annotations

from typing import Any

from assistant.app.core import Core


class IntegrationsManager:
    def __init__(self, core: Core) -> None:
        self._core = core

    def mcp_client_config(self) -> dict[str, Any]:
        """What to paste into an MCP client's configuration to give it this store (Settings > Integrations,
        `assistant mcp --print-config`); needs no unlock."""
        from assistant.mcp_server.config import client_config, keyring_opted_in

        paths = self._core.paths
        return client_config(paths, keyring_unlock=keyring_opted_in(paths))
