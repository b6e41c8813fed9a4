"""The vectors kept in the encrypted store's `embeddings` table: what is still to embed, storing and
dropping vectors, counts, pages for a rebuild, item times for the index's estimates, and exact nearest
neighbours inside a time window.

An empty vector marks an item with nothing to embed (see indexer.NO_VECTOR) and is never returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from assistant.store.sql import Connection, marks
from assistant.values import EVENT_KINDS, MEMORY_TYPES, to_ts

_SOURCES = (
    # (owner table, type column, time expression)
    ("memories", "type", "coalesce(x.occurred_at, x.created_at)"),
    ("raw_events", "kind", "x.occurred_at"),
)


def pending_count(conn: Connection, model: str) -> int:
    """How many memories and events have no vector of `model` yet."""
    return sum(
        int(
            conn.execute(
                f"SELECT count(*) FROM {table} x LEFT JOIN embeddings e ON e.owner_id = x.id AND e.model = ? "
                "WHERE e.owner_id IS NULL",
                (model,),
            ).fetchone()[0]
        )
        for table, _, _ in _SOURCES
    )


def unembedded_memories(conn: Connection, model: str, limit: int) -> list[tuple[str, str, float, str, str]]:
    """(id, type, time, fields as JSON, search text) of up to `limit` memories without a vector of `model`,
    oldest first."""
    rows = conn.execute(
        "SELECT m.id, m.type, coalesce(m.occurred_at, m.created_at), m.fields, m.search_text "
        "FROM memories m LEFT JOIN embeddings e ON e.owner_id = m.id AND e.model = ? "
        "WHERE e.owner_id IS NULL ORDER BY m.seq LIMIT ?",
        (model, limit),
    )
    return [(r[0], r[1], float(r[2]), r[3], r[4]) for r in rows]


def unembedded_events(conn: Connection, model: str, limit: int) -> list[tuple[Any, ...]]:
    """(id, kind, time, text, app, title, speaker) of up to `limit` raw events without a vector of `model`,
    oldest first."""
    return conn.execute(
        "SELECT r.id, r.kind, r.occurred_at, r.text, r.app, r.title, r.speaker FROM raw_events r "
        "LEFT JOIN embeddings e ON e.owner_id = r.id AND e.model = ? "
        "WHERE e.owner_id IS NULL ORDER BY r.seq LIMIT ?",
        (model, limit),
    ).fetchall()


def put_vector(conn: Connection, owner_id: str, owner_kind: str, model: str, vector: bytes) -> bool:
    """Store the vector only if its item still exists (it may have been forgotten while it was embedded);
    returns whether it was stored."""
    table = "memories" if owner_kind == "memory" else "raw_events"
    cur = conn.execute(
        "INSERT OR REPLACE INTO embeddings (owner_id, owner_kind, model, vector) "
        f"SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM {table} WHERE id = ?)",
        (owner_id, owner_kind, model, vector, owner_id),
    )
    return bool(cur.rowcount)


def delete_vectors(conn: Connection, ids: Sequence[str]) -> None:
    conn.executemany("DELETE FROM embeddings WHERE owner_id = ?", [(i,) for i in ids])


@dataclass(frozen=True)
class StoredVector:
    owner_id: str
    kind: str  # memory type or event kind
    ts: float
    vector: np.ndarray[Any, Any]
    key: int = 0  # the row's generation key (embeddings.gen)


def stored_count(conn: Connection, model: str) -> int:
    """How many vectors a rebuild would load: non-empty ones of `model` whose item still exists."""
    return sum(
        int(
            conn.execute(
                f"SELECT count(*) FROM embeddings e JOIN {table} x ON x.id = e.owner_id "
                "WHERE e.model = ? AND length(e.vector) > 0",
                (model,),
            ).fetchone()[0]
        )
        for table, _, _ in _SOURCES
    )


def stored_items(conn: Connection, model: str, batch: int = 20_000) -> Iterable[list[StoredVector]]:
    """The store's vectors of `model` with their type and time, in pages (keyset on seq): the memories,
    then the raw events, each the latest stored first, so an index being filled can already be searched
    for what is most likely asked about."""
    for table, type_col, when in _SOURCES:
        last = 2**63 - 1
        while True:
            rows = conn.execute(
                f"SELECT x.seq, e.owner_id, x.{type_col}, {when}, e.vector, e.gen FROM embeddings e "
                f"JOIN {table} x ON x.id = e.owner_id WHERE e.model = ? AND x.seq < ? ORDER BY x.seq DESC LIMIT ?",
                (model, last, batch),
            ).fetchall()
            items = [
                StoredVector(r[1], r[2], float(r[3]), np.frombuffer(r[4], dtype=np.float32), int(r[5] or 0))
                for r in rows
                if r[4]
            ]
            if items:
                yield items
            if len(rows) < batch:
                break
            last = int(rows[-1][0])


def stored_times(conn: Connection, model: str) -> Iterable[tuple[str, str, float]]:
    """(id, type or kind, time) of every stored vector of `model`, without reading the vectors."""
    for table, type_col, when in _SOURCES:
        yield from (
            (r[0], r[1], float(r[2]))
            for r in conn.execute(
                f"SELECT e.owner_id, x.{type_col}, {when} FROM embeddings e JOIN {table} x ON x.id = e.owner_id "
                "WHERE e.model = ? AND length(e.vector) > 0",
                (model,),
            )
        )


def _window_rows(
    conn: Connection, model: str, kinds: Sequence[str], since: datetime | None, until: datetime | None, cap: int
) -> list[tuple[str, bytes]] | None:
    lo = to_ts(since) if since is not None else -1e18
    hi = to_ts(until) if until is not None else 1e18
    rows: list[tuple[str, bytes]] = []
    mem_types = [k for k in kinds if k in MEMORY_TYPES]
    event_kinds = [k for k in kinds if k in EVENT_KINDS]
    # `+e.model`: without it SQLite (no ANALYZE statistics) may drive the join from the embeddings_keys
    # index, reading every vector of the model (~0.8 s at 100k) instead of the window's rows by key.
    join = "JOIN embeddings e ON e.owner_id = x.id AND +e.model = ? AND length(e.vector) > 0"
    if mem_types:
        types = marks(len(mem_types))
        # Two queries so each can use the (type, occurred_at) index; coalesce() would scan the table.
        rows += conn.execute(
            f"SELECT x.id, e.vector FROM memories x {join} WHERE x.type IN ({types}) "
            "AND x.occurred_at >= ? AND x.occurred_at < ? LIMIT ?",
            (model, *mem_types, lo, hi, cap + 1),
        ).fetchall()
        rows += conn.execute(
            f"SELECT x.id, e.vector FROM memories x {join} WHERE x.type IN ({types}) AND x.occurred_at IS NULL "
            "AND x.created_at >= ? AND x.created_at < ? LIMIT ?",
            (model, *mem_types, lo, hi, cap + 1),
        ).fetchall()
    if event_kinds and len(rows) <= cap:
        kinds_in = marks(len(event_kinds))
        rows += conn.execute(
            f"SELECT x.id, e.vector FROM raw_events x {join} WHERE x.occurred_at >= ? AND x.occurred_at < ? "
            f"AND x.kind IN ({kinds_in}) LIMIT ?",
            (model, lo, hi, *event_kinds, cap + 1),
        ).fetchall()
    return rows if len(rows) <= cap else None


def exact_nearest(
    conn: Connection,
    model: str,
    vector: Sequence[float],
    kinds: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    limit: int,
    *,
    cap: int = 20_000,
) -> list[tuple[str, float]] | None:
    """Exact cosine neighbours among the stored vectors in [since, until), or None when the window holds
    more than `cap` of them. For narrow windows reading a few thousand vectors beats a filtered scan of
    the whole vector index."""
    rows = _window_rows(conn, model, kinds, since, until, cap)
    if rows is None:
        return None
    if not rows or limit < 1:
        return []
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
    # einsum, not `@`: this small product went to OpenBLAS's threads, whose spin-waiting afterwards cost
    # 10 ms of CPU per call for 1,440 x 384 (wall 2.8 ms; einsum: 0.7 ms wall, 1.3 ms CPU).
    scores = np.einsum("ij,j->i", matrix, np.asarray(vector, dtype=np.float32))
    top = np.argsort(-scores)[:limit]
    return [(rows[i][0], float(scores[i])) for i in top]
