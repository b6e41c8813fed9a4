"""The stored vectors as the embedded vector index sees them: each row's generation key (never reused, see
migration 2), owner, type and time, and the vectors of chosen rows.

An empty vector marks an item with nothing to embed and is never returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

_IN_BATCH = 500


def row_keys(conn: Any, model: str) -> Iterable[tuple[int, str, str, float]]:
    """(generation key, owner id, type or kind, time) of every stored vector of `model`, without the vectors.

    The keys come from the embeddings_keys index; the memories' types and times from one pass over the
    memories (a join looks each one up: 1.4 s against 0.8 s for the whole read at 100k); events, whose
    rows hold their whole text, by a join.
    """
    read = conn.execute("SELECT id, type, coalesce(occurred_at, created_at) FROM memories")
    memories = {r[0]: (r[1], float(r[2])) for r in read}
    for gen, owner_id in conn.execute(
        "SELECT gen, owner_id FROM embeddings WHERE model = ? AND length(vector) > 0 AND owner_kind = 'memory'",
        (model,),
    ):
        meta = memories.get(owner_id)
        if meta is not None:
            yield int(gen), owner_id, meta[0], meta[1]
    yield from (
        (int(r[0]), r[1], r[2], float(r[3]))
        for r in conn.execute(
            "SELECT e.gen, e.owner_id, x.kind, x.occurred_at FROM embeddings e JOIN raw_events x ON x.id = e.owner_id "
            "WHERE e.model = ? AND length(e.vector) > 0 AND e.owner_kind = 'event'",
            (model,),
        )
    )


def vectors_of(conn: Any, model: str, owner_ids: Sequence[str]) -> Iterable[tuple[int, str, np.ndarray[Any, Any]]]:
    """(generation key, owner id, vector) of these owners' stored vectors of `model`."""
    for start in range(0, len(owner_ids), _IN_BATCH):
        chunk = owner_ids[start : start + _IN_BATCH]
        marks = ",".join("?" * len(chunk))
        for gen, owner_id, blob in conn.execute(
            f"SELECT gen, owner_id, vector FROM embeddings WHERE model = ? AND owner_id IN ({marks}) "
            "AND length(vector) > 0",
            (model, *chunk),
        ):
            yield int(gen), owner_id, np.frombuffer(blob, dtype=np.float32)


def key_of(conn: Any, owner_id: str) -> int:
    """The generation key of an owner's stored vector (0 when it has none)."""
    row = conn.execute("SELECT gen FROM embeddings WHERE owner_id = ?", (owner_id,)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
