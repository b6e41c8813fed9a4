"""The SQLCipher database: keyed connections, WAL, one serial write lane, many readers.

Page-level encryption covers the main file and its WAL; temp tables stay in memory so nothing spills
to disk unencrypted. Each thread reads through its own connection; every write goes through `write()`,
which holds one lock and one IMMEDIATE transaction, so a crash leaves the last committed state.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import StoreCorrupt
from assistant.paths import private_file
from assistant.store.migrations import migrate
from assistant.store.readers import ReaderPool
from assistant.store.sql import Connection

# SQLCipher decrypts every page it reads; a reader keeping 32 MB of them (SQLite's default is 2 MB) does
# not decrypt the full-text index's hot pages again on every search (1M memories: FTS p95 46 -> 15 ms
# with 128 MB). Pages are cached as read, so a small store never uses it.
READER_CACHE = "PRAGMA cache_size = -32768"
# While a long read runs (an export beside the app), checkpoints cannot reset the WAL and it grows by all
# that is written meanwhile; SQLite keeps the file at that size afterwards unless told to cut it back.
WAL_SIZE_LIMIT = 64 * 1024 * 1024


def _connect(path: Path, key: bytes, *, read_only: bool = False) -> Connection:
    """A keyed connection; `read_only`: one SQLite itself opens read-only (mode=ro), for readers beside a
    writer in another process."""
    import sqlcipher3

    conn: Connection
    if read_only:
        conn = sqlcipher3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, isolation_level=None, timeout=30
        )
    else:
        conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise StoreCorrupt(
            f"{path} cannot be opened with this key: it is not a memory store, belongs to another key file, "
            f"or is damaged ({exc}); restore a backup with `assistant restore`"
        ) from exc
    conn.execute("PRAGMA temp_store = MEMORY")  # sorts and temp tables never spill plaintext to disk
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def probe_key(path: Path, key: bytes) -> bool:
    """True when the database at `path` opens with `key` (no migration, nothing written)."""
    try:
        _connect(path, key).close()
    except StoreCorrupt:
        return False
    return True


def copy_snapshot(conn: Connection, target: Path, key: bytes) -> None:
    """Copy the database `conn` reads into the new file `target`, encrypted under `key`.

    One read transaction spans the copy, so it is one committed snapshot even while another process
    commits (sqlcipher_export runs each of its steps as a statement of its own).
    """
    conn.execute("ATTACH DATABASE ? AS backup KEY ?", (str(target), f"x'{key.hex()}'"))
    try:
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT sqlcipher_export('backup')")
            ver = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute(f"PRAGMA backup.user_version = {int(ver)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # a failed COMMIT may have rolled back already
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("DETACH DATABASE backup")


class Database:
    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._key = key
        self._write_lock = threading.RLock()
        self._readers = ReaderPool(self._connect_reader)
        self._writer = _connect(path, key)
        self._writer.execute("PRAGMA journal_mode = WAL")
        self._writer.execute("PRAGMA synchronous = NORMAL")
        self._writer.execute(f"PRAGMA journal_size_limit = {int(WAL_SIZE_LIMIT)}")
        with self._write_lock:
            self.schema_version = migrate(self._writer)
        for suffix in ("", "-wal", "-shm"):
            p = Path(f"{path}{suffix}")
            if p.exists():
                private_file(p)

    def _connect_reader(self) -> Connection:
        conn = _connect(self.path, self._key)
        conn.execute(READER_CACHE)
        return conn

    def reader(self) -> Connection:
        """This thread's read connection (sees every committed write); pooled, see store/readers.py."""
        return self._readers.get()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """The serial write lane: one transaction, committed on success, rolled back on any error."""
        with self._write_lock:
            conn = self._writer
            if conn.in_transaction:  # nested use joins the outer transaction
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def integrity_check(self) -> list[str]:
        rows = self.reader().execute("PRAGMA integrity_check").fetchall()
        problems = [r[0] for r in rows if r[0] != "ok"]
        problems += [r[0] for r in self.reader().execute("PRAGMA cipher_integrity_check").fetchall()]
        return problems

    def checkpoint(self) -> None:
        with self._write_lock:
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def backup_to(self, target: Path, key: bytes) -> None:
        """A consistent encrypted copy of the whole database under `key`."""
        with self._write_lock:
            copy_snapshot(self._writer, target, key)

    def rekey(self, key: bytes) -> None:
        """Re-encrypt every page under `key` (one transaction: a crash leaves the old key or the new one).
        Readers are closed first: they hold the old key."""
        with self._write_lock:
            self._readers.close()
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._writer.execute(f"PRAGMA rekey = \"x'{key.hex()}'\"")
            self._key = key

    def close(self) -> None:
        self._readers.close()
        with self._write_lock:
            self._writer.close()
