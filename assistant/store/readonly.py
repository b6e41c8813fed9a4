"""The store opened for reading while another process holds it (the desktop app, usually).

SQLite in WAL mode lets other processes read a consistent, committed snapshot while one process
writes, so `assistant search` can run beside the app. Every connection here opens the file with
`mode=ro`, so SQLite itself cannot write it: no migration, no checkpoint (not even the one SQLite runs
when the last connection closes). A write attempted through it fails with a message instead of racing
the holder. WAL readers still open the `-shm` file for writing, as they must: it is the shared index of
the WAL (frame numbers and read marks, no page content), and the reader creates it, with an empty `-wal`,
when no writer is running.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import AssistantError
from assistant.store.db import READER_CACHE, Database, _connect, copy_snapshot
from assistant.store.migrations import MIGRATIONS
from assistant.store.readers import ReaderPool
from assistant.store.sql import Connection


class ReadOnlyStore(AssistantError):
    """A change was asked of a store opened read-only; nothing was changed."""


class ReadOnlyDatabase(Database):
    """`holder` is the pid of the process that has the store open for writing, None if there is none."""

    def __init__(self, path: Path, key: bytes, holder: int | None) -> None:
        # Database.__init__ is not called on purpose: it sets the journal mode and migrates (writes).
        self.path = path
        self._key = key
        self.holder = holder
        self._write_lock = threading.RLock()
        self._readers = ReaderPool(self._connect_reader)
        try:
            row = self.reader().execute("SELECT max(version) FROM schema_version").fetchone()
        except Exception:
            self.close()
            raise
        self.schema_version = int(row[0] or 0)
        if self.schema_version < len(MIGRATIONS):
            self.close()
            raise AssistantError(
                f"the store needs an upgrade (schema {self.schema_version} < {len(MIGRATIONS)}), which cannot "
                f"run while {self.reason}; close the other process first"
            )

    @property
    def reason(self) -> str:
        """Why this store is read-only, as a clause ("another process (pid 12) has it open for writing")."""
        if self.holder is None:
            return "this command only reads it; no other process has it open"
        return f"another process (pid {self.holder}) has it open for writing"

    def _connect_reader(self) -> Connection:
        conn = _connect(self.path, self._key, read_only=True)
        conn.execute(READER_CACHE)
        return conn

    def refusal(self) -> ReadOnlyStore:
        """The error every change attempted through this store gets."""
        if self.holder is None:
            return ReadOnlyStore("the store was opened read-only, for reading: nothing was changed")
        return ReadOnlyStore(
            f"the store is open read-only because another process (pid {self.holder}) is using it; "
            "make this change there, or close it and try again; nothing was changed"
        )

    @contextmanager
    def write(self) -> Iterator[Connection]:
        raise self.refusal()
        yield self.reader()  # never reached; keeps this a generator like the method it replaces

    def checkpoint(self) -> None:
        raise self.refusal()

    def backup_to(self, target: Path, key: bytes) -> None:
        """The copy goes to a new file: this database is only read."""
        copy_snapshot(self.reader(), target, key)

    def close(self) -> None:
        self._readers.close()
