"""Reading commands beside a running writer: real processes, the real lock, the real CLI.

A writer process (as the desktop app or `assistant capture run` would be) holds the store and keeps
committing events. Beside it, `status`, `search`, `timeline`, `memory list/show`, `vault reveal`, `export`
and `ask` work read-only; commands that change the store keep failing with the "in use" message; nothing a
reader does writes the database; and once the writer exits, writing works again.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.store.readonly import ReadOnlyStore
from assistant.values import RawEvent, VaultEntry
from tests.conftest import FIXTURES, PASSPHRASE, run_cli
from tests.integration.embedding_model import converted_minilm
from tests.robustness.helpers import StoreProcess, plaintext_hits, snapshot

MARKER = "Quillfeather marzipan obelisk 48213"  # imported, then searched and asked for by the readers
SECRET = "vault-value-7f3a9c"

# Commits pairs of chat events, one transaction per pair, until its stdin closes; then says how many.
WRITER = """
import select, sys
from datetime import UTC, datetime
from assistant.api import Assistant
from assistant.values import RawEvent
app = Assistant(sys.argv[1])
app.unlock(sys.argv[2])
print("ready", flush=True)
pairs = 0
while not select.select([sys.stdin], [], [], 0.02)[0]:
    now = datetime.now(UTC)
    app.memories.add_events([RawEvent(kind="chat", occurred_at=now, text=f"tick {pairs} first", session="ticks"),
                    RawEvent(kind="chat", occurred_at=now, text=f"tick {pairs} second", session="ticks")])
    pairs += 1
app.close()
print(f"wrote {pairs}", flush=True)
"""


class Writer(StoreProcess):
    """A process holding the store for writing and committing all the time; `stop()` returns its pair count."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(WRITER, data_dir)

    def stop(self) -> int:
        out, err = self.proc.communicate("", timeout=60)
        assert self.proc.returncode == 0, err[-2000:]
        return int(out.split()[-1])


@pytest.fixture
def filled(app: Assistant, data_dir: Path) -> Path:
    """A closed store with the chat fixture, a marker message and one vault entry."""
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app.memories.add_events(
        [
            RawEvent(
                kind="chat",
                occurred_at=datetime(2024, 5, 3, 10, tzinfo=UTC),
                speaker="carol",
                text=f"The code name is {MARKER}.",
            )
        ]
    )
    app.memories.add(
        VaultEntry(entry_type="password", source="chat", sensitivity="high", caption="router login"), secret=SECRET
    )
    app.close()
    return data_dir


@pytest.fixture
def writer(filled: Path) -> Iterator[Writer]:
    running = Writer(filled)
    yield running
    running.kill()


def _json(done: subprocess.CompletedProcess[str]) -> Any:
    """The JSON a command printed, after checking it succeeded."""
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_read_commands_work_beside_a_writer_and_write_commands_say_it_is_in_use(writer: Writer, filled: Path) -> None:
    hits = _json(run_cli(filled, "search", "Pestana", "--json"))
    assert "Pestana" in hits[0]["text"]
    status = _json(run_cli(filled, "status", "--json"))
    assert status["events"]["chat"] >= 5
    assert status["read_only_reason"] == f"another process (pid {writer.pid}) has it open for writing"
    timeline = _json(run_cli(filled, "timeline", "--date", "2024-05-02", "--json"))
    assert sum(b["events"] for b in timeline["blocks"]) == 4
    vault = _json(run_cli(filled, "memory", "list", "--type", "vault", "--json"))
    assert [m["fields"]["caption"] for m in vault] == ["router login"]
    shown = _json(run_cli(filled, "memory", "show", hits[0]["id"], "--json"))
    assert "Pestana" in shown["text"]
    revealed = run_cli(filled, "vault", "reveal", vault[0]["id"])
    assert revealed.returncode == 0 and revealed.stdout.strip() == SECRET

    asked = run_cli(filled, "ask", "which hotel is it?", "--json")
    answer = _json(asked)
    assert "Pestana" in answer["text"] and answer["recorded"] is False
    assert f"another process (pid {writer.pid})" in asked.stderr and "not recorded" in asked.stderr

    for command in (
        ["import", str(FIXTURES / "chatgpt_conversations.json"), "--format", "chatgpt"],
        ["consolidate"],
        ["forget", hits[0]["id"]],
    ):
        refused = run_cli(filled, *command)
        assert refused.returncode == 1, command
        assert refused.stderr.strip() == (
            f"assistant: the store is in use by another process (pid {writer.pid}): close the other assistant "
            f"window or command using {filled} and try again; nothing was changed"
        )

    pairs = writer.stop()  # the writer kept committing all along: the readers never blocked it
    assert pairs > 0
    assert _json(run_cli(filled, "status", "--json"))["events"]["chat"] == 5 + 2 * pairs
    assert run_cli(filled, "consolidate").returncode == 0  # the store is free: writing works again
    asked = run_cli(filled, "ask", "which hotel is it?", "--json")
    assert _json(asked)["recorded"] is True and asked.stderr == ""


def test_export_beside_a_writer_is_one_snapshot_holding_its_commits(
    writer: Writer, filled: Path, tmp_path: Path
) -> None:
    reader = Assistant(filled)
    reader.unlock(PASSPHRASE, access="read")
    try:
        deadline = time.monotonic() + 30
        while reader.status().events["chat"] == 5:  # export only once the writer has committed
            assert time.monotonic() < deadline, "the writer never committed"
            time.sleep(0.05)
    finally:
        reader.close()
    done = run_cli(filled, "export", "--out", str(tmp_path / "b.zip"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote an encrypted backup to {tmp_path / 'b.zip'}"
    assert not list((filled / "backups").glob(".export-*")), "the working copy is gone"
    pairs = writer.stop()

    copy = Assistant(tmp_path / "restored")
    copy.backups.restore(tmp_path / "b.zip", PASSPHRASE)  # checks the copy's integrity first
    try:
        chat = copy.status().events["chat"]
        assert chat % 2 == 1 and 5 < chat <= 5 + 2 * pairs, "whole pairs of the writer's, as committed by then"
        assert any(h.text.endswith("tick 0 first") for h in copy.search.find("tick 0 first"))
        assert MARKER in copy.search.find(MARKER)[0].text
    finally:
        copy.close()


def test_a_reader_sees_whole_transactions_while_the_writer_commits(writer: Writer, filled: Path) -> None:
    reader = Assistant(filled)
    reader.unlock(PASSPHRASE, access="read")
    try:
        seen: list[int] = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            seen.append(reader.status().events["chat"])
            assert seen[-1] % 2 == 1, "a pair committed together is seen whole or not at all (5 + 2n)"
            time.sleep(0.05)
        assert seen == sorted(seen) and len(set(seen)) >= 3  # newer commits show up, and never go back
        assert "Pestana" in reader.search.find("Pestana")[0].text
        assert reader.answers.ask("which hotel is it?", record=False).known
        for change in (
            lambda: reader.memories.add_events([]),
            reader.consolidation.run,
            reader.search.index_pending,
            reader.capture.once,
            lambda: reader.answers.ask("which hotel?"),
        ):
            with pytest.raises(ReadOnlyStore, match=rf"another process \(pid {writer.pid}\)"):
                change()
        conn = reader._core.store.db.reader()  # SQLite itself refuses, not only the facade
        conn.execute("PRAGMA query_only = OFF")
        with pytest.raises(Exception, match="readonly database"):
            conn.execute("CREATE TABLE intruder (x)")
    finally:
        reader.close()
    writer.stop()


def test_a_writer_can_start_while_a_reader_is_open(filled: Path) -> None:
    reader = Assistant(filled)
    reader.unlock(PASSPHRASE, access="read")  # the store was free: checked, then the lock let go
    try:
        assert reader.read_only
        assert reader.status().read_only_reason == "this command only reads it; no other process has it open"
        writer = Writer(filled)
        try:
            deadline = time.monotonic() + 30
            while reader.status().events["chat"] == 5:  # the writer's commits reach the reader
                assert time.monotonic() < deadline, "the reader never saw the writer's commits"
                time.sleep(0.05)
        finally:
            pairs = writer.stop()
        assert reader.status().events["chat"] == 5 + 2 * pairs
    finally:
        reader.close()


def test_a_reader_never_writes_the_database_even_when_it_closes_last(writer: Writer, filled: Path) -> None:
    """The writer dies with committed pages still in the WAL; a read-write connection closing last would
    checkpoint them into the database and delete the WAL. A read-only one leaves both files alone."""
    reader = Assistant(filled)
    reader.unlock(PASSPHRASE, access="read")
    time.sleep(0.5)
    writer.kill()
    wal = Path(f"{filled / 'memory.db'}-wal")
    assert wal.stat().st_size > 0
    before = snapshot(filled)
    count = reader.status().events["chat"]
    assert reader.search.find("Pestana")
    reader.close()
    assert snapshot(filled) == before
    after = Assistant(filled)
    after.unlock(PASSPHRASE)  # the next writer recovers the WAL: every commit the reader saw is there
    assert after.status().events["chat"] >= count
    after.close()


def test_no_plaintext_reaches_disk_from_the_readers(writer: Writer, filled: Path, tmp_path: Path) -> None:
    temp = tmp_path / "reader-temp"
    temp.mkdir()
    env = {"TMPDIR": str(temp)}
    hits = _json(run_cli(filled, "search", MARKER, "--json", env=env))
    assert MARKER in hits[0]["text"], "the scan below looks for something real"
    assert _json(run_cli(filled, "memory", "show", hits[0]["id"], "--json", env=env))
    assert MARKER in _json(run_cli(filled, "ask", f"what is {MARKER}?", "--json", env=env))["text"]
    assert run_cli(filled, "timeline", "--date", "2024-05-03", env=env).returncode == 0
    writer.stop()
    files = [p for p in (*filled.rglob("*"), *temp.rglob("*")) if p.is_file()]
    assert any(p.name == "assistant.log" for p in files)
    assert plaintext_hits(files, MARKER) == []


@pytest.mark.integration
def test_a_reader_never_writes_the_vector_snapshot(
    app: Assistant, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    entry = app.models.add(converted_minilm(tmp_path_factory), role="embedding", name="minilm")
    app.models.use(entry.name, "embedding")
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    assert app.search.index_pending() == 4
    app.close()
    assert app.paths.vector_snapshot.is_file()  # written at close
    app.paths.vector_snapshot.unlink()  # a writer would write it again at its next close
    writer = Writer(data_dir)
    try:
        hits = _json(run_cli(data_dir, "search", "lodging", "--limit", "3", "--json"))
        assert any("Pestana" in h["text"] for h in hits)  # by meaning: vectors used
        assert not app.paths.vector_snapshot.exists()
    finally:
        writer.stop()
