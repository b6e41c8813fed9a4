"""Bringing the embedded index in step with the store at unlock.

The store is the truth. With a snapshot: restore it (searchable at once), drop the graph keys whose row
is gone or was replaced, and add the rows the snapshot lacks (added after it was written, or after a
crash). A snapshot that fails to authenticate or does not match is never trusted: the index is filled
from the store instead, as without one, and rewritten when done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.errors import StoreCorrupt
from assistant.retrieval.index_catalog import COLLECTIONS, collection_for
from assistant.retrieval.index_protocol import IndexItem
from assistant.retrieval.vector_snapshot import Manifest, read_snapshot
from assistant.store.vector_rows import row_keys, vectors_of
from assistant.store.vectors import stored_count, stored_items
from assistant.values import Progress

if TYPE_CHECKING:
    from assistant.retrieval.embedded_index import EmbeddedIndex

log = logging.getLogger(__name__)
_PAGE = 5000


def sync(index: EmbeddedIndex, conn: Any, progress: Progress | None) -> int:
    """Returns how many vectors were read from the store."""
    report: Callable[[int, int], None] = progress or (lambda loaded, expected: None)
    index.loading = True
    try:
        if index.snapshot_path is not None and index.snapshot_path.exists():
            restored = _restore(index)
        else:
            index.snapshot_state = "missing" if index.mode == "encrypted" else "none"
            restored = False
        loaded = _catch_up(index, conn, report) if restored else rebuild(index, conn, report)
    finally:
        index.loading = False
    if index.changes:
        index.snapshot(wait=False)  # the next unlock starts from here
    return loaded


def _restore(index: EmbeddedIndex) -> bool:
    from usearch.index import Index

    from assistant.retrieval.embedded_index import DTYPE

    assert index.snapshot_path is not None
    try:
        manifest, parts = read_snapshot(
            index.snapshot_path, index.sealing_key, Manifest(index.model, 0, DTYPE, list(COLLECTIONS))
        )
        for number, (name, data) in enumerate(zip(COLLECTIONS, parts, strict=True)):
            if not data:
                continue
            graph = Index.restore(data, multi=False)
            if graph is None or int(graph.ndim) != manifest.dim or len(graph) != manifest.counts[number]:
                raise StoreCorrupt(f"part {name} of {index.snapshot_path} does not match its manifest")
            parts[number] = bytearray()  # free the copy as soon as the graph holds it
            index.restored(name, graph)
    except (StoreCorrupt, ValueError, OSError) as exc:
        log.warning("vector snapshot not used (%s): refilling the index from the store", exc)
        index.snapshot_state = f"damaged: {exc}"
        index.wipe()
        return False
    index.snapshot_state = "loaded"
    return True


def _catch_up(index: EmbeddedIndex, conn: Any, report: Callable[[int, int], None]) -> int:
    rows = list(row_keys(conn, index.model))  # (generation key, owner id, kind, time)
    by_collection: dict[str, list[tuple[int, str, str, float]]] = {name: [] for name in COLLECTIONS}
    for row in rows:
        by_collection[collection_for(row[2])].append(row)
    kept: list[tuple[str, str, float]] = []
    missing: dict[str, tuple[str, float]] = {}
    for name, mine in by_collection.items():
        have = index.graph_keys(name)
        gens = np.fromiter((r[0] for r in mine), dtype=np.uint64, count=len(mine))
        index.remove_keys(name, have[~np.isin(have, gens)].tolist())  # deleted or replaced since the snapshot
        present = np.isin(gens, have).tolist()
        index.map_owners(name, {r[0]: r[1] for r, p in zip(mine, present, strict=True) if p})
        kept += [(r[1], r[2], r[3]) for r, p in zip(mine, present, strict=True) if p]
        missing.update((r[1], (r[2], r[3])) for r, p in zip(mine, present, strict=True) if not p)
    index.reset_catalog(kept)
    total, loaded = len(rows), 0
    report(len(kept), total)  # searchable from here: what the snapshot held
    page: list[IndexItem] = []
    for key, owner_id, vector in vectors_of(conn, index.model, list(missing)):
        kind, ts = missing[owner_id]
        page.append(IndexItem(owner_id, kind, vector, ts, key))
        if len(page) == _PAGE:
            loaded += index.add_many(page)
            page = []
            report(len(kept) + loaded, total)
    loaded += index.add_many(page)
    report(len(kept) + loaded, total)
    log.info("vector snapshot restored: %d vectors, %d added from the store", len(kept), loaded)
    return loaded


def rebuild(index: EmbeddedIndex, conn: Any, report: Callable[[int, int], None]) -> int:
    """Empty the index and fill it from the store: memories, then events, the latest first, searchable
    from the first page."""
    expected = stored_count(conn, index.model)
    index.wipe()
    report(0, expected)
    total = 0
    for items in stored_items(conn, index.model, _PAGE):
        total += index.add_many(IndexItem(i.owner_id, i.kind, i.vector, i.ts, i.key) for i in items)
        report(total, expected)
    log.info("vector index filled from the store: %d vectors", total)
    return total
