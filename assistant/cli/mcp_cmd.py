"""`assistant mcp`: serve the store to MCP clients over stdio, or print the entry that configures one."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from assistant.api import Assistant


def cmd_mcp(args: argparse.Namespace) -> int:
    app = Assistant(args.data_dir)
    if args.print_config:
        print(json.dumps(app.integrations.mcp_client_config(), indent=2, ensure_ascii=False))
        return 0
    from assistant.mcp_server.server import serve

    if sys.stdin.isatty():  # started by hand: say what it waits for (on stderr: stdout is the protocol's)
        print(
            "assistant mcp: serving the Model Context Protocol on stdin/stdout, for an MCP client to start; "
            "`assistant mcp --print-config` prints the entry to give one. Ctrl+D ends it.",
            file=sys.stderr,
        )

    serve(app)  # unlocks read-only by itself: stdin is the protocol, so no passphrase prompt here
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "mcp",
        help="serve your memory read-only to other local AI apps (Model Context Protocol over stdin/stdout)",
        description="Serve the store read-only over MCP on stdin/stdout (no port). Unlocks with "
        "ASSISTANT_PASSPHRASE or the OS keyring (if you opted in).",
    )
    p.add_argument(
        "--print-config",
        action="store_true",
        help="print the JSON entry to paste into an MCP client's configuration, and exit",
    )
    p.set_defaults(func=cmd_mcp)
