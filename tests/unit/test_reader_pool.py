"""Read connections are pooled: threads that come and go do not leave connections (descriptors) behind."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.store.db import Database
from assistant.store.readers import IDLE_READERS
from assistant.store.readonly import ReadOnlyDatabase

KEY = bytes(range(32))


def open_files(path: Path) -> int:
    """Descriptors of this process open on the database or its WAL/shm."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        count += target.startswith(str(path))
    return count


def read_in_threads(db: Database, threads: int, at_once: int = 1) -> list[int]:
    seen: list[int] = []

    def read() -> None:
        seen.append(db.reader().execute("SELECT count(*) FROM sqlite_master").fetchone()[0])

    for start in range(0, threads, at_once):
        batch = [threading.Thread(target=read) for _ in range(min(at_once, threads - start))]
        for t in batch:
            t.start()
        for t in batch:
            t.join()
    return seen


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "memory.db", KEY)
    yield database
    database.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors through Linux's /proc")
def test_threads_that_come_and_go_leave_no_connections(db: Database, tmp_path: Path) -> None:
    read_in_threads(db, 10)
    settled = open_files(tmp_path / "memory.db")
    seen = read_in_threads(db, 300)
    assert len(seen) == 300
    assert open_files(tmp_path / "memory.db") <= settled
    assert db._readers.open_count <= IDLE_READERS


def test_many_threads_at_once_then_the_pool_shrinks_to_its_idle_bound(db: Database) -> None:
    read_in_threads(db, IDLE_READERS * 3, at_once=IDLE_READERS * 3)
    assert db._readers.open_count <= IDLE_READERS


def test_a_thread_keeps_one_connection_and_sees_committed_writes(db: Database) -> None:
    first = db.reader()
    assert db.reader() is first
    with db.write() as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.execute("INSERT INTO t VALUES (7)")
    assert first.execute("SELECT x FROM t").fetchone()[0] == 7
    counts = []
    worker = threading.Thread(target=lambda: counts.append(db.reader().execute("SELECT x FROM t").fetchone()[0]))
    worker.start()
    worker.join()
    assert counts == [7]


def test_close_closes_every_reader_and_later_reads_are_refused(db: Database, tmp_path: Path) -> None:
    read_in_threads(db, 4, at_once=4)
    db.reader()
    db.close()
    assert db._readers.open_count == 0
    with pytest.raises(RuntimeError, match="closed"):
        db.reader()


def test_read_only_readers_are_pooled_too(db: Database, tmp_path: Path) -> None:
    with db.write() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
    ro = ReadOnlyDatabase(tmp_path / "memory.db", KEY, holder=None)
    try:
        read_in_threads(ro, 200)
        assert ro._readers.open_count <= IDLE_READERS
    finally:
        ro.close()
