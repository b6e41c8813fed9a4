"""The facade's MCP method (a part of `Assistant`): the entry an MCP client needs, for the UI and the CLI.

Serving is not here: the server is a front end on the facade, as the CLI is (`mcp_server/server.py`).
"""

from __future__ import annotations

from typing import Any

from assistant.paths import DataPaths


class McpIntegration:
    paths: DataPaths

    def mcp_client_config(self) -> dict[str, Any]:
        """What to paste into an MCP client's configuration to give it this store (Settings > Integrations,
        `assistant mcp --print-config`); needs no unlock."""
        from assistant.mcp_server.config import client_config, keyring_opted_in

        return client_config(self.paths, keyring_unlock=keyring_opted_in(self.paths))
