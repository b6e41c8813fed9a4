"""`assistant mcp` as a process: no network socket, nothing but protocol on stdout, a clean exit when the
client goes, and a word on stderr for someone who starts it by hand."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp_types.version import LATEST_HANDSHAKE_VERSION

from assistant.api import Assistant
from tests.integration.mcp_client import non_unix_sockets, server_command, server_env
from tests.integration.mcp_store import filled_store
from tests.procs import stop
from tests.robustness.netwatch import listening_sockets


@pytest.fixture
def store(app: Assistant, data_dir: Path) -> Path:
    return filled_store(app)


def _rpc(proc: subprocess.Popen[str], message: dict[str, Any]) -> dict[str, Any] | None:
    """Send one JSON-RPC message; for a request, return its response (every stdout line must be JSON-RPC)."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(message) + "\n")
    proc.stdin.flush()
    if "id" not in message:
        return None
    while True:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the server did not answer within 60 s"
        line = proc.stdout.readline()
        reply = json.loads(line)  # a stray print would fail here
        assert reply["jsonrpc"] == "2.0"
        if reply.get("id") == message["id"]:
            return dict(reply)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process's sockets from Linux /proc")
def test_it_opens_no_network_socket_and_stdout_carries_only_protocol(store: Path, tmp_path: Path) -> None:
    program, args = server_command(store)
    with (tmp_path / "stderr.txt").open("w") as err:
        proc = subprocess.Popen(
            [program, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env={**os.environ, **server_env()},
        )
    try:
        init = _rpc(
            proc,
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": LATEST_HANDSHAKE_VERSION,
                    "capabilities": {},
                    "clientInfo": {"name": "test", "version": "1"},
                },
            },
        )
        assert init is not None and init["result"]["serverInfo"]["name"] == "memory-assistant"
        _rpc(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        for number, (tool, arguments) in enumerate(
            [
                ("search_memory", {"query": "Pestana"}),
                ("ask_memory", {"question": "which hotel?"}),
                ("timeline", {"date": "2024-05-02"}),
            ],
            start=2,
        ):
            reply = _rpc(
                proc,
                {
                    "jsonrpc": "2.0",
                    "id": number,
                    "method": "tools/call",
                    "params": {"name": tool, "arguments": arguments},
                },
            )
            assert reply is not None and reply["result"].get("isError") is not True, reply
        # Serving, after every tool ran: no TCP/UDP socket at all (asyncio's wake-up pair is AF_UNIX).
        assert listening_sockets(proc.pid) == []
        assert non_unix_sockets(proc.pid) == []
        assert proc.stdin is not None
        proc.stdin.close()  # the client goes away: the server ends cleanly
        assert proc.wait(timeout=60) == 0
        assert proc.stdout is not None and proc.stdout.read() == ""
    finally:
        stop(proc, 10)


def test_the_socket_check_can_fail() -> None:
    """The witness above sees a TCP listener and a bound UDP socket in a process (this one)."""
    import socket

    with socket.socket() as tcp, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen()
        udp.bind(("127.0.0.1", 0))
        assert len(non_unix_sockets(os.getpid())) >= 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="drives a pseudo-terminal (Linux pty)")
def test_started_by_hand_it_says_what_it_is_on_stderr_and_ends_at_ctrl_d(store: Path) -> None:
    import pty

    master, slave = pty.openpty()
    program, args = server_command(store)
    proc = subprocess.Popen(
        [program, *args],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **server_env()},
    )
    os.close(slave)
    try:
        assert proc.stderr is not None
        assert select.select([proc.stderr], [], [], 60)[0], "no word on stderr"
        assert "for an MCP client to start" in proc.stderr.readline()
        os.write(master, b"\x04")  # Ctrl+D: end of input
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0 and out == ""  # stdout stays the protocol's
    finally:
        os.close(master)
        stop(proc, 10)
