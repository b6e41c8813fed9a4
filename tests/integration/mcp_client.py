"""Driving `assistant mcp` as a real MCP client would: the official SDK's stdio client starts the server
as a subprocess and talks to it over its stdin/stdout."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


def server_env(passphrase: str | None = PASSPHRASE) -> dict[str, str]:
    env = {"ASSISTANT_TESTING": "1", "PYTHONPATH": str(ROOT)}
    if passphrase is not None:
        env["ASSISTANT_PASSPHRASE"] = passphrase
    return env


def server_command(data_dir: Path) -> tuple[str, list[str]]:
    return sys.executable, ["-m", "assistant", "--data-dir", str(data_dir), "mcp"]


@dataclass
class Called:
    """One tool call's outcome: the text the client's model reads, the structured data, the error flag."""

    text: str
    data: dict[str, Any] | None
    error: bool

    def everything(self) -> str:
        return self.text + "\n" + json.dumps(self.data, ensure_ascii=False)


class Client:
    def __init__(self, session: ClientSession) -> None:
        self.session = session

    async def call(self, tool: str, **arguments: Any) -> Called:
        result = await self.session.call_tool(tool, arguments)
        text = "\n".join(getattr(block, "text", "") for block in result.content)
        return Called(text, result.structured_content, bool(result.is_error))

    async def ok(self, tool: str, **arguments: Any) -> Called:
        called = await self.call(tool, **arguments)
        assert not called.error, f"{tool}({arguments}) failed: {called.text}"
        return called

    async def resource(self, uri: str) -> str:
        result = await self.session.read_resource(uri)
        return "\n".join(getattr(c, "text", "") for c in result.contents)


@asynccontextmanager
async def connect(
    data_dir: Path, errlog: Path, *, env: dict[str, str] | None = None, command: tuple[str, list[str]] | None = None
) -> AsyncIterator[Client]:
    """A client session with `assistant mcp` on `data_dir`; the server's stderr goes to `errlog`."""
    program, args = command or server_command(data_dir)
    params = StdioServerParameters(command=program, args=args, env=server_env() if env is None else env, cwd=ROOT)
    with errlog.open("a", encoding="utf-8") as err:
        async with stdio_client(params, errlog=err) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            yield Client(session)


def non_unix_sockets(pid: int) -> list[str]:
    """The sockets process `pid` holds that are not AF_UNIX (TCP, UDP, raw...), as "socket:[inode]"."""
    unix = {line.split()[6] for line in Path(f"/proc/{pid}/net/unix").read_text().splitlines()[1:]}
    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:[") and target[8:-1] not in unix:
            found.append(target)
    return found
