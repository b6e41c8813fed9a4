"""The facade's MCP methods (a part of `Assistant`): the client entry to show, and serving."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from assistant.paths import DataPaths

if TYPE_CHECKING:
    from assistant.api import Assistant


class McpIntegration:
    paths: DataPaths

    def mcp_client_config(self) -> dict[str, Any]:
        """What to paste into an MCP client's configuration to give it this store (Settings > Integrations,
        `assistant mcp --print-config`); needs no unlock."""
        from assistant.mcp_server.config import client_config, keyring_opted_in

        return client_config(self.paths, keyring_unlock=keyring_opted_in(self.paths))

    def serve_mcp(self) -> None:
        """Serve this store read-only to an MCP client on stdin/stdout until the client closes stdin."""
        from assistant.mcp_server.server import serve

        serve(cast("Assistant", self))
