"""The Chroma vector index: chromadb collections (one per memory type, one for raw events), cosine space.

The encrypted store is the truth: every vector also lives in its `embeddings` table, so the index is
derived and can be rebuilt from it at any time. The app's own index is the embedded one
(embedded_index); this one serves retrieval.vector_mode = "server":

- "server": an HttpClient to a Chroma server (settings.retrieval.server_url), the way a user outgrows
  one machine; a non-loopback host needs local-only mode off. The server keeps vectors unencrypted.
- "memory": an in-process EphemeralClient filled from the store (the benchmarks' baseline; tests).

The plaintext on-disk mode ("persistent") is gone: the embedded index persists encrypted instead.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from assistant import privacy
from assistant.errors import AssistantError
from assistant.retrieval.index_catalog import COLLECTIONS, EVENTS, FETCH_MAX, IndexCatalog, collection_for, time_bounds
from assistant.retrieval.index_protocol import IndexItem
from assistant.store.sql import Connection
from assistant.store.vectors import stored_count, stored_items, stored_times
from assistant.values import EVENT_KINDS, MEMORY_TYPES, Progress, to_ts

__all__ = ["IndexItem", "VectorIndex", "parse_server_url"]
log = logging.getLogger(__name__)

MODES = ("memory", "server")
_ADD_BATCH = 4096  # under chromadb's max batch size (5461 in 1.5)


def _time_where_ts(lo: float, hi: float) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    if lo > -math.inf:
        clauses.append({"t": {"$gte": lo}})
    if hi < math.inf:
        clauses.append({"t": {"$lt": hi}})
    return clauses


def _pairs(result: Any) -> list[tuple[str, float]]:
    ids, distances = result["ids"][0], (result["distances"] or [[]])[0]
    return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]


def _where(clauses: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def parse_server_url(url: str) -> tuple[str, int, bool]:
    """(host, port, ssl) of a Chroma server URL such as http://127.0.0.1:8000."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AssistantError(f"retrieval.server_url {url!r} is not an http(s) URL like http://127.0.0.1:8000")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 8000)
    except ValueError:
        raise AssistantError(f"retrieval.server_url {url!r} has an invalid port") from None
    return parts.hostname, port, parts.scheme == "https"


class VectorIndex:
    """Nearest-neighbour search over unit vectors of one embedding model, with time and type filters."""

    def __init__(
        self,
        model: str,
        *,
        mode: str = "memory",
        server_url: str = "",
        namespace: str | None = None,
    ) -> None:
        if mode not in MODES:
            raise AssistantError(f"a Chroma vector index is in mode {' or '.join(MODES)}, not {mode!r}")
        if mode == "server":
            host, _, _ = parse_server_url(server_url)
            if not privacy.is_loopback(host):
                privacy.require_network("a remote Chroma server")
        self.model = model
        self.mode = mode
        self.server_url = server_url
        # In-process ephemeral clients share one system, so each memory index gets its own names.
        self.namespace = namespace or (f"i{uuid.uuid4().hex[:12]}" if mode == "memory" else "memory")
        self._client: Any = None
        self._cols: dict[str, Any] = {}
        self._catalog = IndexCatalog(counted=mode == "memory")
        self._executor: ThreadPoolExecutor | None = None  # for querying collections in parallel
        self._pool_lock = threading.Lock()
        self._open()

    # -- lifecycle -----------------------------------------------------------------------------------
    def _settings(self) -> Any:
        from chromadb.config import Settings

        return Settings(anonymized_telemetry=False)

    def _open(self) -> None:
        try:
            self._connect()
        except Exception as exc:
            if self.mode == "server":
                raise AssistantError(
                    f"cannot use the Chroma server at {self.server_url} ({type(exc).__name__}: {exc}); start it, "
                    "or set retrieval.vector_mode to encrypted"
                ) from exc
            raise

    def _connect(self) -> None:
        import chromadb

        if self.mode == "memory":
            self._client = chromadb.EphemeralClient(settings=self._settings())
        else:
            host, port, ssl = parse_server_url(self.server_url)
            self._client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=self._settings())
        self._cols = {name: self._collection(name) for name in COLLECTIONS}

    def _collection(self, name: str) -> Any:
        full = f"{self.namespace}-{name}"
        col = self._client.get_or_create_collection(
            full, embedding_function=None, metadata={"hnsw:space": "cosine", "model": self.model}
        )
        if (col.metadata or {}).get("model") != self.model:
            # Vectors of another model are not comparable (and may differ in size): start over.
            self._client.delete_collection(full)
            col = self._client.get_or_create_collection(
                full, embedding_function=None, metadata={"hnsw:space": "cosine", "model": self.model}
            )
        return col

    def close(self) -> None:
        with self._pool_lock:
            if self._executor is not None:
                self._executor.shutdown()
                self._executor = None
        if self._client is None:
            return
        if self.mode == "memory":
            for name in COLLECTIONS:  # frees the memory: the shared ephemeral system outlives us
                try:
                    self._client.delete_collection(f"{self.namespace}-{name}")
                except Exception:  # already gone is fine on close
                    log.debug("collection %s already gone", name)
        close = getattr(self._client, "close", None)
        if callable(close):
            close()
        self._client, self._cols = None, {}

    def _wipe(self) -> None:
        """Throw the index away and start empty."""
        self._catalog.reset()
        for name in COLLECTIONS:
            try:
                self._client.delete_collection(f"{self.namespace}-{name}")
            except Exception:  # a missing collection is what we want
                log.debug("collection %s was not there", name)
        self._cols = {name: self._collection(name) for name in COLLECTIONS}

    # -- writes --------------------------------------------------------------------------------------
    def add(self, owner_id: str, kind: str, vector: Sequence[float], occurred_at: datetime | float) -> None:
        ts = occurred_at if isinstance(occurred_at, float) else to_ts(occurred_at)
        self.add_many([IndexItem(owner_id, kind, vector, ts)])

    def add_many(self, items: Iterable[IndexItem]) -> int:
        """Upsert items (an id already present is replaced); returns how many were written."""
        groups: dict[str, list[IndexItem]] = {}
        for item in items:
            groups.setdefault(collection_for(item.kind), []).append(item)
        written = 0
        for name, group in groups.items():
            col = self._cols[name]
            self._catalog.add(name, [(i.owner_id, i.kind, float(i.occurred_at)) for i in group])
            for start in range(0, len(group), _ADD_BATCH):
                chunk = group[start : start + _ADD_BATCH]
                col.upsert(
                    ids=[i.owner_id for i in chunk],
                    embeddings=np.asarray([i.vector for i in chunk], dtype=np.float32),
                    metadatas=[{"kind": i.kind, "t": float(i.occurred_at)} for i in chunk],
                )
                written += len(chunk)
        return written

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        self._catalog.forget(ids)
        events = [i for i in ids if i.startswith("ev_")]
        memories = [i for i in ids if not i.startswith("ev_")]
        if events:
            self._cols[EVENTS].delete(ids=events)
        if memories:  # the type is not in the id: ask every memory collection (a miss is a no-op)
            for name in MEMORY_TYPES:
                self._cols[name].delete(ids=memories)

    # -- reads ---------------------------------------------------------------------------------------
    def count(self) -> int:
        return sum(int(col.count()) for col in self._cols.values())

    def ids(self, batch: int = 10_000) -> Iterable[str]:
        """Every id in the index, page by page."""
        for col in self._cols.values():
            offset = 0
            while True:
                page = col.get(include=[], limit=batch, offset=offset)["ids"]
                yield from page
                if len(page) < batch:
                    break
                offset += batch

    def estimate(self, kinds: Sequence[str] | None, since: datetime | None, until: datetime | None) -> int:
        """About how many indexed items of these types/kinds fall in [since, until) (from hourly counts)."""
        return self._catalog.estimate(kinds, since, until)

    def overfetch_size(
        self, kinds: Sequence[str] | None, since: datetime | None, until: datetime | None, limit: int
    ) -> int | None:
        """Neighbours a filtered query would fetch in all, or None when it would need chromadb's scan."""
        return self._catalog.overfetch_size(kinds, since, until, limit)

    def query(
        self,
        vector: Sequence[float],
        kinds: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 10,
    ) -> list[tuple[str, float]]:
        """The `limit` nearest items of the given types/kinds (None: all) in [since, until), best first.

        Scores are cosine similarities (1 - cosine distance), comparable across collections.
        """
        if limit < 1:
            return []
        wanted = list(kinds) if kinds else [*MEMORY_TYPES, *EVENT_KINDS]
        lo, hi = time_bounds(since, until)
        query = np.asarray([vector], dtype=np.float32)
        names = [
            name
            for name in dict.fromkeys(collection_for(k) for k in wanted)
            if not self._catalog.counted or self._catalog.total(name)
        ]
        jobs = [(name, {k for k in wanted if collection_for(k) == name}) for name in names]
        if len(jobs) > 1:
            # Each chromadb query costs ~1.6 ms of CPU even on 100 vectors (its runtime's fixed work),
            # and releases the GIL: the collections are searched in parallel. 100k memories in three
            # collections, 2 cores under load: wall p50 16.2 -> 10.9 ms, CPU unchanged (10.3 ms).
            parts = list(self._pool().map(lambda job: self._query_one(job[0], query, job[1], lo, hi, limit), jobs))
        else:
            parts = [self._query_one(name, query, allowed, lo, hi, limit) for name, allowed in jobs]
        found = [pair for part in parts for pair in part]
        found.sort(key=lambda pair: pair[1], reverse=True)
        return found[:limit]

    def _pool(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=len(COLLECTIONS), thread_name_prefix="vector-query")
            return self._executor

    def _query_one(
        self, name: str, query: np.ndarray[Any, Any], allowed: set[str], lo: float, hi: float, limit: int
    ) -> list[tuple[str, float]]:
        """Over-fetch unfiltered neighbours and filter them by the catalog; chromadb's `where` scan is the fallback."""
        col = self._cols[name]
        # An empty collection is skipped without asking chromadb (a round trip per collection per query).
        size = self._catalog.total(name) if self._catalog.counted else int(col.count())
        if size == 0:
            return []
        every_kind = name != EVENTS or allowed >= set(EVENT_KINDS)
        if every_kind and lo == -math.inf and hi == math.inf:
            return _pairs(col.query(query_embeddings=query, n_results=min(limit, size), include=["distances"]))
        fetch = self._catalog.fetch_size(name, lo, hi, limit) if self._catalog.counted else FETCH_MAX + 1
        if fetch == 0:
            return []
        while (fetch := min(fetch, size)) <= FETCH_MAX:
            pairs = _pairs(col.query(query_embeddings=query, n_results=fetch, include=["distances"]))
            metas = self._catalog.lookup(i for i, _ in pairs)
            kept = [(i, s) for (i, s), (kind, t) in zip(pairs, metas, strict=True) if lo <= t < hi and kind in allowed]
            if len(kept) >= limit or fetch >= size:
                return kept[:limit]
            if fetch == FETCH_MAX:
                break
            fetch = min(fetch * 4, FETCH_MAX)  # the neighbours cluster outside the window: look further
        return self._scan(col, query, allowed, every_kind, lo, hi, min(limit, size))

    @staticmethod
    def _scan(
        col: Any, query: np.ndarray[Any, Any], allowed: set[str], every_kind: bool, lo: float, hi: float, limit: int
    ) -> list[tuple[str, float]]:
        """chromadb's own `where` filter: exact, but it scans the collection's metadata."""
        clauses = _time_where_ts(lo, hi)
        if not every_kind:
            clauses.append({"kind": {"$in": sorted(allowed)}})
        return _pairs(col.query(query_embeddings=query, n_results=limit, where=_where(clauses), include=["distances"]))

    # -- consistency with the store ------------------------------------------------------------------
    def rebuild_from_store(
        self, conn: Connection, *, batch: int = 20_000, progress: Progress | None = None, expected: int | None = None
    ) -> int:
        """Empty the index and refill it from the store's embeddings of this model; returns the count.

        `progress(loaded, expected)`: first (0, n) once emptied, from when the index can be queried (it
        finds what is loaded: memories, then events, the latest first), then after each page. chromadb
        inserts into HNSW on one thread (~1.4 ms a 384-d vector at 100k, ~2.2 ms at 1M) but releases the
        GIL: the collections fill in parallel, one page in flight each (100k: 118 s -> 106 s; it also
        bounds the vectors held in memory)."""
        if expected is None:  # sync_with_store has counted already
            expected = stored_count(conn, self.model) if progress is not None else 0
        self._wipe()
        report = progress or (lambda loaded, expected: None)
        report(0, expected)
        total = 0
        pending: dict[str, Future[int]] = {}
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="index-rebuild") as pool:
            for items in stored_items(conn, self.model, batch):
                groups: dict[str, list[IndexItem]] = {}
                for i in items:
                    groups.setdefault(collection_for(i.kind), []).append(IndexItem(i.owner_id, i.kind, i.vector, i.ts))
                for name, group in groups.items():
                    if name in pending:
                        total += pending.pop(name).result()
                        report(total, expected)
                    pending[name] = pool.submit(self.add_many, group)
            total += sum(f.result() for f in pending.values())
        report(total, expected)
        log.info("vector index rebuilt from the store: %d vectors", total)
        return total

    def healthy(self, expected: int) -> bool:
        """True when the index opens, answers a query and holds `expected` vectors."""
        try:
            if self.count() != expected:
                return False
            for col in self._cols.values():
                if col.count():
                    probe = col.get(include=["embeddings"], limit=1)["embeddings"]
                    col.query(query_embeddings=np.asarray(probe[:1], dtype=np.float32), n_results=1)
        except Exception as exc:  # any failure of a derived index means: rebuild it
            log.warning("vector index unusable (%s): it will be rebuilt", type(exc).__name__)
            return False
        return True

    def sync_with_store(self, conn: Connection, *, progress: Progress | None = None) -> int:
        """Make the index match the store: memory mode always fills; others rebuild only when damaged.

        Returns how many vectors were loaded (0: the kept index was right, and `progress` is not called).
        """
        expected = stored_count(conn, self.model)
        if self.mode != "memory" and self.healthy(expected):
            self._catalog.reset(stored_times(conn, self.model))
            return 0
        return self.rebuild_from_store(conn, progress=progress, expected=expected)
