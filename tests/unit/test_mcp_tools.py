"""The MCP tools' arguments and the client entry, in process (the end-to-end runs are in
tests/integration/test_mcp_server.py)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.errors import AssistantError
from assistant.mcp_server.access import MemoryAccess, session_bus_address
from assistant.mcp_server.config import client_config
from assistant.mcp_server.tools import MemoryTools, parse_when
from assistant.paths import DataPaths
from assistant.values import RawEvent


def test_a_bare_date_as_an_end_includes_that_day_and_a_time_keeps_its_zone() -> None:
    assert parse_when("2024-05-02", "until", end_of_day=True) == datetime(2024, 5, 3, tzinfo=UTC)
    assert parse_when("2024-05-02", "since") == datetime(2024, 5, 2, tzinfo=UTC)
    assert parse_when("2024-05-02T10:00+02:00", "until", end_of_day=True).utcoffset() == timedelta(hours=2)
    with pytest.raises(AssistantError, match=r"since='yesterday' is not a date: use YYYY-MM-DD"):
        parse_when("yesterday", "since")


def test_timeline_spans(app: Assistant) -> None:
    now = datetime.now(UTC)
    app.memories.add_events(
        [
            RawEvent(
                kind="screen", occurred_at=now - timedelta(hours=1), app="Editor", title="notes", text="today's words"
            )
        ]
    )
    tools = MemoryTools(MemoryAccess(app, env={}))
    today = tools.timeline().data
    assert today["start"] == now.date().isoformat() + "T00:00:00+00:00" and today["blocks"][0]["app"] == "Editor"
    since = tools.timeline(since=(now - timedelta(days=3)).date().isoformat()).data
    assert since["blocks"] and datetime.fromisoformat(since["end"]) >= now - timedelta(minutes=1)
    until = tools.timeline(until="2024-05-02").data
    assert (until["start"], until["end"]) == ("2024-05-02T00:00:00+00:00", "2024-05-03T00:00:00+00:00")
    with pytest.raises(AssistantError, match="is not after since"):
        tools.timeline(since="2024-05-03", until="2024-05-01")
    for bad in ({"query": " "}, {"query": "x", "limit": 0}, {"query": "x", "limit": 51}):
        with pytest.raises(AssistantError):
            tools.search_memory(**bad)  # type: ignore[arg-type]


def test_the_client_entry_runs_the_assistant_program_beside_this_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = DataPaths(tmp_path / "store")
    bare = tmp_path / "bin" / "python3"
    bare.parent.mkdir()
    monkeypatch.setattr(sys, "executable", str(bare))
    entry = client_config(paths, keyring_unlock=False)["mcpServers"]["memory-assistant"]
    assert entry == {
        "command": str(bare),
        "args": ["-m", "assistant", "--data-dir", str(paths.root.resolve()), "mcp"],
        "env": {"ASSISTANT_PASSPHRASE": "<your passphrase>"},
    }
    (bare.parent / "assistant").write_text("#!/bin/sh\n")
    entry = client_config(paths, keyring_unlock=True)["mcpServers"]["memory-assistant"]
    assert entry["command"] == str(bare.parent / "assistant") and entry["args"][0] == "--data-dir"
    assert entry["env"] == {}  # the keyring unlocks it: no passphrase in the client's file


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Secret Service keyring speaks D-Bus on Linux")
def test_the_keyring_finds_the_session_bus_a_client_did_not_pass_on(tmp_path: Path) -> None:
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) is None  # no bus there
    (tmp_path / "bus").touch()
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) == f"unix:path={tmp_path / 'bus'}"
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path), "DBUS_SESSION_BUS_ADDRESS": "unix:x"}) is None
