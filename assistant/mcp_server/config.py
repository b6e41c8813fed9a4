"""The entry an MCP client (Claude Desktop, LM Studio, an IDE agent...) needs to start `assistant mcp`.

Shown by Settings > Integrations and printed by `assistant mcp --print-config`, in the `mcpServers`
shape most clients read. The passphrase is a placeholder: the user types it into their client's file,
or needs none when the store unlocks from the OS keyring.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from assistant.paths import DataPaths

PASSPHRASE_ENV = "ASSISTANT_PASSPHRASE"  # noqa: S105 (the variable's name, not a secret)
PASSPHRASE_PLACEHOLDER = "<your passphrase>"  # noqa: S105
SERVER_NAME = "memory-assistant"


def client_config(paths: DataPaths, *, keyring_unlock: bool) -> dict[str, Any]:
    """{"mcpServers": {"memory-assistant": {"command", "args", "env"}}} for the store in `paths`."""
    command, prefix = _command()
    env = {} if keyring_unlock else {PASSPHRASE_ENV: PASSPHRASE_PLACEHOLDER}
    entry = {"command": command, "args": [*prefix, "--data-dir", str(paths.root.resolve()), "mcp"], "env": env}
    return {"mcpServers": {SERVER_NAME: entry}}


def keyring_opted_in(paths: DataPaths) -> bool:
    """Whether the store unlocks from the OS keyring (then the client entry needs no passphrase)."""
    from assistant.crypto.keys import KeyFile
    from assistant.store.opened import is_initialized

    return is_initialized(paths) and KeyFile.load(paths.keyfile).keyring


def _command() -> tuple[str, list[str]]:
    """The program that runs `assistant`, and the arguments before its own: the `assistant` program
    beside this interpreter (an installed bundle, or a virtualenv's script), else `python -m assistant`."""
    here = Path(sys.executable)
    name = "assistant.exe" if sys.platform == "win32" else "assistant"
    for folder in (here.parent, here.parent / "Scripts"):
        if (folder / name).is_file():
            return str(folder / name), []
    return str(here), ["-m", "assistant"]
