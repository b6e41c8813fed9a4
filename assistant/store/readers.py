"""Read connections, one per thread while it lives, pooled and bounded.

A thread keeps its connection for as long as it runs, so nested reads see one snapshot and a hot
thread reuses its page cache. When the thread ends, its connection goes back to a small idle pool
for the next thread instead of staying open until the store closes: a UI thread pool that retires
and starts threads all day (and PySide, which gives each task on a pool thread a fresh Python thread
state) otherwise leaks a connection, and its descriptors, per task until the process runs out.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

from assistant.store.sql import Connection

# Idle connections kept for the next thread; more than the UI's pools run at once is waste.
IDLE_READERS = 6


class _Lease:
    """A thread's hold on one connection. It lives in the thread's local storage only, so Python drops it
    when the thread (or its thread state) goes, and its finalizer gives the connection back."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: Connection) -> None:
        self.conn = conn


class ReaderPool:
    def __init__(self, connect: Callable[[], Connection], idle: int = IDLE_READERS) -> None:
        self._connect = connect
        self._max_idle = idle
        self._lock = threading.Lock()
        self._local = threading.local()
        self._idle: list[Connection] = []
        self._open: dict[int, Connection] = {}  # every connection not yet closed, leased or idle, by id()
        self._closed = False

    def get(self) -> Connection:
        """This thread's read connection."""
        lease: _Lease | None = getattr(self._local, "lease", None)
        if lease is not None:
            return lease.conn
        with self._lock:
            if self._closed:
                raise RuntimeError("the store is closed")
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._connect()
            with self._lock:
                self._open[id(conn)] = conn
        lease = _Lease(conn)
        weakref.finalize(lease, self._give_back, conn)
        self._local.lease = lease
        return conn

    def _give_back(self, conn: Connection) -> None:
        # Runs when the thread's local storage is dropped, on whichever thread drops it.
        with self._lock:
            if self._closed or id(conn) not in self._open:
                return
            if len(self._idle) < self._max_idle:
                if conn.in_transaction:  # a thread that died mid-read must not pin an old snapshot
                    conn.execute("ROLLBACK")
                self._idle.append(conn)
                return
            del self._open[id(conn)]
        conn.close()

    @property
    def open_count(self) -> int:
        """Connections open now: leased to a live thread or idle."""
        with self._lock:
            return len(self._open)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conns = list(self._open.values())
            self._open.clear()
            self._idle.clear()
        for conn in conns:
            conn.close()
        self._local = threading.local()
