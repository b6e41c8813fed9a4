"""The embedded vector index (the default): usearch HNSW graphs in this process, one per memory type and
one for raw events, cosine space, vectors kept as float16.

Chosen by measurement (bench/bench_vector_storage.py): usearch serialises a graph to bytes in memory, so
a snapshot is encrypted without a plaintext file anywhere, and restoring one takes a second where
refilling an index takes minutes; float16 keeps recall@10 within 1% of float32 at half the memory.

Mode "encrypted": the graphs are snapshotted, sealed under a key derived from the data key
(vector_snapshot), in the background after `snapshot_every` changes and at close; unlock restores the
snapshot and brings it in step with the store (index_sync). Mode "memory": nothing is written.
Graph keys are the store's generation keys (embeddings.gen); ids stay in memory.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from assistant.retrieval.index_catalog import COLLECTIONS, EVENTS, FETCH_MAX, IndexCatalog, collection_for, time_bounds
from assistant.retrieval.index_protocol import IndexItem
from assistant.retrieval.rwlock import ReadWriteLock
from assistant.retrieval.vector_snapshot import Manifest, snapshot_key, write_snapshot
from assistant.values import EVENT_KINDS, MEMORY_TYPES, Progress, to_ts

log = logging.getLogger(__name__)

DTYPE = "f16"
CONNECTIVITY, EXPANSION_ADD, EXPANSION_SEARCH = 16, 128, 64
SNAPSHOT_EVERY = 10_000
_LOCKED_ADD = 1024  # vectors added per hold of a collection's write lock: searches wait at most this long
_SYNTHETIC = 1 << 62  # keys for items without a stored row (tests, evaluation): never a generation key


@dataclass
class _Collection:
    graph: Any  # usearch.index.Index
    lock: ReadWriteLock  # searches and snapshots read; adds and removals write
    searching: threading.Lock  # usearch searches from two threads at once would share one search context


def new_graph(dim: int) -> Any:
    from usearch.index import Index

    return Index(
        ndim=dim,
        metric="cos",
        dtype=DTYPE,
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
        expansion_search=EXPANSION_SEARCH,
        multi=False,
    )


class EmbeddedIndex:
    """Nearest-neighbour search over unit vectors of one embedding model, with time and type filters."""

    def __init__(
        self,
        model: str,
        *,
        snapshot: Path | None = None,
        data_key: bytes | None = None,
        snapshot_every: int = SNAPSHOT_EVERY,
        writable: bool = True,
    ) -> None:
        if snapshot is not None and data_key is None:
            raise ValueError("an encrypted vector index needs the data key")
        self.model = model
        self.mode = "encrypted" if snapshot is not None else "memory"
        self.snapshot_path = snapshot
        self.sealing_key = snapshot_key(data_key) if data_key is not None else b""
        self.snapshot_every = snapshot_every
        self.writable = writable
        self.snapshot_state = "none"  # "loaded", "missing", or "damaged: why" after sync_with_store
        self.dim = 0
        self._cols: dict[str, _Collection] = {}
        self._owners: dict[int, str] = {}  # graph key -> owner id
        self._keys: dict[str, tuple[str, int]] = {}  # owner id -> (collection, graph key)
        self._catalog = IndexCatalog(counted=True)
        self._synthetic = _SYNTHETIC
        self._map_lock = threading.Lock()
        self._snap_lock = threading.Lock()  # one snapshot at a time
        self._snapshotter: threading.Thread | None = None
        self.changes = 0  # adds and removals since the last snapshot
        self.loading = False  # no background snapshots while the index is being filled
        self._closed = False

    # -- writes --------------------------------------------------------------------------------------
    def _collection(self, name: str, dim: int) -> _Collection:
        if self.dim and dim != self.dim:
            raise ValueError(f"the index holds {self.dim}-d vectors of {self.model}, not {dim}-d ones")
        self.dim = dim
        if name not in self._cols:
            self._cols[name] = _Collection(new_graph(dim), ReadWriteLock(), threading.Lock())
        return self._cols[name]

    def add(
        self, owner_id: str, kind: str, vector: Sequence[float], occurred_at: datetime | float, key: int = 0
    ) -> None:
        ts = occurred_at if isinstance(occurred_at, float) else to_ts(occurred_at)
        self.add_many([IndexItem(owner_id, kind, vector, ts, key)])

    def add_many(self, items: Iterable[IndexItem]) -> int:
        """Upsert items (an id already present is replaced); returns how many were written."""
        groups: dict[str, dict[str, IndexItem]] = {}
        for item in items:
            groups.setdefault(collection_for(item.kind), {})[item.owner_id] = item  # the last one wins
        written = 0
        for name, latest in groups.items():
            group = list(latest.values())
            self.delete(i.owner_id for i in group)  # also from another collection, should the type have changed
            vectors = np.asarray([i.vector for i in group], dtype=np.float32)
            col = self._collection(name, vectors.shape[1])
            with self._map_lock:
                keys = np.asarray([i.key or self._next_synthetic() for i in group], dtype=np.uint64)
            for start in range(0, len(group), _LOCKED_ADD):
                part = keys[start : start + _LOCKED_ADD]
                with col.lock.write():
                    present = col.graph.contains(part)
                    if present.any():  # a key re-added (a stale copy): replace it
                        col.graph.remove(part[present])
                    col.graph.add(part, vectors[start : start + _LOCKED_ADD], threads=0 if len(part) > 64 else 1)
            with self._map_lock:
                for item, key in zip(group, keys.tolist(), strict=True):
                    self._owners[key] = item.owner_id
                    self._keys[item.owner_id] = (name, key)
            self._catalog.add(name, [(i.owner_id, i.kind, float(i.occurred_at)) for i in group])
            written += len(group)
        self._changed(written)
        return written

    def _next_synthetic(self) -> int:
        self._synthetic += 1
        return self._synthetic

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        by_collection: dict[str, list[int]] = {}
        with self._map_lock:
            for owner_id in ids:
                entry = self._keys.pop(owner_id, None)
                if entry is not None:
                    by_collection.setdefault(entry[0], []).append(entry[1])
                    self._owners.pop(entry[1], None)
        for name, keys in by_collection.items():
            self.remove_keys(name, keys)
        self._catalog.forget(ids)

    def remove_keys(self, name: str, keys: Sequence[int]) -> None:
        """Take graph keys out of a collection (the owner maps are the caller's)."""
        col = self._cols.get(name)
        if col is None or not len(keys):
            return
        with col.lock.write():
            col.graph.remove(np.asarray(keys, dtype=np.uint64))
        self._changed(len(keys))

    # -- reads ---------------------------------------------------------------------------------------
    def count(self) -> int:
        return sum(len(col.graph) for col in self._cols.values())

    def ids(self) -> Iterable[str]:
        with self._map_lock:
            return list(self._keys)

    def estimate(self, kinds: Sequence[str] | None, since: datetime | None, until: datetime | None) -> int:
        """About how many indexed items of these types/kinds fall in [since, until) (from hourly counts)."""
        return self._catalog.estimate(kinds, since, until)

    def overfetch_size(
        self, kinds: Sequence[str] | None, since: datetime | None, until: datetime | None, limit: int
    ) -> int | None:
        """Neighbours a filtered query would fetch in all, or None when it would need an exact scan."""
        return self._catalog.overfetch_size(kinds, since, until, limit)

    def query(
        self,
        vector: Sequence[float],
        kinds: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 10,
    ) -> list[tuple[str, float]]:
        """The `limit` nearest items of the given types/kinds (None: all) in [since, until), best first;
        scores are cosine similarities."""
        if limit < 1:
            return []
        wanted = list(kinds) if kinds else [*MEMORY_TYPES, *EVENT_KINDS]
        lo, hi = time_bounds(since, until)
        query = np.asarray(vector, dtype=np.float32)
        found: list[tuple[str, float]] = []
        for name in dict.fromkeys(collection_for(k) for k in wanted):
            allowed = {k for k in wanted if collection_for(k) == name}
            found += self._query_one(name, query, allowed, lo, hi, limit)
        found.sort(key=lambda pair: pair[1], reverse=True)
        return found[:limit]

    def _query_one(
        self, name: str, query: np.ndarray[Any, Any], allowed: set[str], lo: float, hi: float, limit: int
    ) -> list[tuple[str, float]]:
        """Over-fetch unfiltered neighbours and filter them by the catalog; an exact scan is the fallback."""
        col = self._cols.get(name)
        size = len(col.graph) if col is not None else 0
        if col is None or size == 0:
            return []
        every_kind = name != EVENTS or allowed >= set(EVENT_KINDS)
        if every_kind and lo == -math.inf and hi == math.inf:
            return self._search(col, query, min(limit, size))
        fetch = self._catalog.fetch_size(name, lo, hi, limit)
        if fetch == 0:
            return []
        while (fetch := min(fetch, size)) <= FETCH_MAX:
            pairs = self._search(col, query, fetch)
            metas = self._catalog.lookup(i for i, _ in pairs)
            kept = [(i, s) for (i, s), (kind, t) in zip(pairs, metas, strict=True) if lo <= t < hi and kind in allowed]
            if len(kept) >= limit or fetch >= size:
                return kept[:limit]
            if fetch == FETCH_MAX:
                break
            fetch = min(fetch * 4, FETCH_MAX)  # the neighbours cluster outside the window: look further
        return self._scan(name, col, query, allowed, lo, hi, limit)

    def _search(self, col: _Collection, query: np.ndarray[Any, Any], count: int) -> list[tuple[str, float]]:
        with col.lock.read(), col.searching:
            found = col.graph.search(query, count, threads=1)
        owners = self._owners
        return [
            (owners[k], 1.0 - float(d))
            for k, d in zip(found.keys.tolist(), found.distances.tolist(), strict=True)
            if k in owners
        ]

    def _scan(
        self,
        name: str,
        col: _Collection,
        query: np.ndarray[Any, Any],
        allowed: set[str],
        lo: float,
        hi: float,
        limit: int,
    ) -> list[tuple[str, float]]:
        """Exact cosine over the collection's items that pass the filter (rare: a wide, sparse filter)."""
        with self._map_lock:
            pairs = [
                (o, self._keys[o][1])
                for o in self._catalog.matching(allowed, lo, hi)
                if o in self._keys and self._keys[o][0] == name
            ]
        if not pairs:
            return []
        with col.lock.read():
            rows = col.graph.get(np.asarray([k for _, k in pairs], dtype=np.uint64), dtype=np.float32)
        kept = [(o, v) for (o, _), v in zip(pairs, rows, strict=True) if v is not None]
        matrix = np.vstack([v for _, v in kept])
        scores = matrix @ query / np.maximum(np.linalg.norm(matrix, axis=1) * np.linalg.norm(query), 1e-12)
        top = np.argsort(-scores)[:limit]
        return [(kept[i][0], float(scores[i])) for i in top]

    # -- consistency with the store and snapshots ---------------------------------------------------
    def sync_with_store(self, conn: Any, *, progress: Progress | None = None) -> int:
        """Restore the snapshot (if any) and bring it in step with the store, or fill from the store;
        returns how many vectors were read from the store."""
        from assistant.retrieval.index_sync import sync

        return sync(self, conn, progress)

    def wipe(self) -> None:
        with self._map_lock:
            self._cols, self._owners, self._keys = {}, {}, {}
        self._catalog.reset()

    def restored(self, name: str, graph: Any) -> None:
        """Install a collection's graph restored from a snapshot (its keys' owners come with map_owners)."""
        self.dim = int(graph.ndim)
        self._cols[name] = _Collection(graph, ReadWriteLock(), threading.Lock())

    def map_owners(self, name: str, owners: dict[int, str]) -> None:
        with self._map_lock:
            self._owners.update(owners)
            self._keys.update((o, (name, k)) for k, o in owners.items())

    def reset_catalog(self, items: Iterable[tuple[str, str, float]]) -> None:
        self._catalog.reset(items)

    def graph_keys(self, name: str) -> np.ndarray[Any, Any]:
        col = self._cols.get(name)
        return np.asarray(col.graph.keys, dtype=np.uint64) if col is not None else np.zeros(0, np.uint64)

    def _changed(self, n: int) -> None:
        self.changes += n
        if (
            self.mode == "encrypted"
            and self.writable
            and not self.loading
            and not self._closed
            and self.changes >= self.snapshot_every
        ):
            self.snapshot(wait=False)

    def snapshot(self, *, wait: bool = True) -> None:
        """Write the snapshot (in the background unless `wait`); searches go on meanwhile."""
        if self.mode != "encrypted" or not self.writable:
            return
        with self._snap_lock:
            thread = self._snapshotter
            if thread is None or not thread.is_alive():
                thread = threading.Thread(target=self._write_snapshot, name="vector-snapshot", daemon=True)
                thread.start()
                self._snapshotter = thread
        if wait:
            thread.join()

    def _write_snapshot(self) -> None:
        assert self.snapshot_path is not None
        changes = self.changes

        def part(name: str) -> Any:
            def serialise() -> tuple[bytes | bytearray, int, int]:
                col = self._cols.get(name)
                if col is None:
                    return b"", 0, 0
                with col.lock.read():  # searches share it; adds wait for the copy
                    keys = np.asarray(col.graph.keys, dtype=np.uint64)
                    return col.graph.save(), len(keys), int(keys.max()) if len(keys) else 0

            return serialise

        try:
            manifest = Manifest(self.model, self.dim, DTYPE, list(COLLECTIONS))
            write_snapshot(self.snapshot_path, self.sealing_key, manifest, [part(name) for name in COLLECTIONS])
            self.changes -= changes
            log.info("vector snapshot written: %d vectors", self.count())
        except Exception:  # the store keeps every vector: the next unlock re-adds what the snapshot lacks
            log.exception("writing the vector snapshot failed")

    def close(self) -> None:
        """Write the last snapshot (at lock and quit) and free the graphs."""
        if self._closed:
            return
        if self.changes and not self.loading:
            self.snapshot(wait=True)
        elif self._snapshotter is not None:
            self._snapshotter.join()
        self._closed = True
        self.wipe()
