"""The six typed memory stores, kept in one table keyed by type, with sources and sealed vault secrets."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from assistant.store.sql import Connection, rows_in
from assistant.values import Memory, MemoryType, Source, from_ts, memory_from_row, to_ts, utcnow

_COLUMNS = "id, type, created_at, updated_at, occurred_at, fields"


def _encode(value: Any) -> Any:
    return to_ts(value) if hasattr(value, "tzinfo") else value


def _sources(conn: Connection, memory_ids: Sequence[str]) -> dict[str, list[Source]]:
    out: dict[str, list[Source]] = {i: [] for i in memory_ids}
    sql = "SELECT memory_id, kind, ref, event_id FROM memory_sources WHERE memory_id IN ({marks}) ORDER BY rowid"
    for mid, kind, ref, event_id in rows_in(conn, sql, memory_ids):
        out[mid].append(Source(kind=kind, ref=ref, event_id=event_id))
    return out


def _rows_to_memories(conn: Connection, rows: list[Sequence[Any]]) -> list[Memory]:
    sources = _sources(conn, [r[0] for r in rows])
    out = []
    for r in rows:
        created, updated = from_ts(r[2]), from_ts(r[3])
        assert created is not None and updated is not None
        out.append(
            memory_from_row(
                cast(MemoryType, r[1]),
                json.loads(r[5]),
                id=r[0],
                created_at=created,
                updated_at=updated,
                occurred_at=from_ts(r[4]),
                sources=sources[r[0]],
            )
        )
    return out


def add_sources(conn: Connection, memory_id: str, sources: Sequence[Source]) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO memory_sources (memory_id, kind, ref, event_id) VALUES (?,?,?,?)",
        [(memory_id, s.kind, s.ref, s.event_id) for s in sources],
    )


def insert(conn: Connection, memory: Memory, *, merge_key: str | None = None, sealed: bytes | None = None) -> None:
    own = {k: _encode(v) for k, v in memory.own_fields().items()}
    conn.execute(
        "INSERT INTO memories (id, type, created_at, updated_at, occurred_at, fields, search_text, merge_key) "
        "VALUES (?,?,?,?,?,?,?,?)",
        (
            memory.id,
            memory.type,
            to_ts(memory.created_at),
            to_ts(memory.updated_at),
            to_ts(memory.occurred_at) if memory.occurred_at else None,
            json.dumps(own),
            memory.search_text(),
            merge_key,
        ),
    )
    add_sources(conn, memory.id, memory.sources)
    if sealed is not None:
        conn.execute("INSERT INTO vault_secrets (memory_id, sealed) VALUES (?, ?)", (memory.id, sealed))


def update(conn: Connection, memory: Memory) -> None:
    """Rewrite a memory's fields (keeping its id and created_at) and add any new sources."""
    memory.updated_at = utcnow()
    own = {k: _encode(v) for k, v in memory.own_fields().items()}
    conn.execute(
        "UPDATE memories SET updated_at = ?, occurred_at = ?, fields = ?, search_text = ? WHERE id = ?",
        (
            to_ts(memory.updated_at),
            to_ts(memory.occurred_at) if memory.occurred_at else None,
            json.dumps(own),
            memory.search_text(),
            memory.id,
        ),
    )
    add_sources(conn, memory.id, memory.sources)


def get(conn: Connection, memory_id: str) -> Memory | None:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM memories WHERE id = ?", (memory_id,)).fetchall()
    found = _rows_to_memories(conn, rows)
    return found[0] if found else None


def get_many(conn: Connection, ids: Sequence[str]) -> dict[str, Memory]:
    rows = list(rows_in(conn, f"SELECT {_COLUMNS} FROM memories WHERE id IN ({{marks}})", ids))
    return {m.id: m for m in _rows_to_memories(conn, rows)}


def find_by_merge_key(conn: Connection, type_: MemoryType, key: str) -> Memory | None:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM memories WHERE type = ? AND merge_key = ? LIMIT 1", (type_, key)
    ).fetchall()
    found = _rows_to_memories(conn, rows)
    return found[0] if found else None


def list_memories(
    conn: Connection, type_: MemoryType | None = None, *, limit: int = 100, offset: int = 0
) -> list[Memory]:
    where, args = ("WHERE type = ?", [type_]) if type_ else ("", [])
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM memories {where} ORDER BY coalesce(occurred_at, created_at) DESC, seq DESC "
        f"LIMIT {int(limit)} OFFSET {int(offset)}",
        args,
    ).fetchall()
    return _rows_to_memories(conn, rows)


def delete(conn: Connection, memory_id: str) -> bool:
    conn.execute("DELETE FROM embeddings WHERE owner_id = ?", (memory_id,))
    return bool(conn.execute("DELETE FROM memories WHERE id = ?", (memory_id,)).rowcount)


def sealed_secret(conn: Connection, memory_id: str) -> bytes | None:
    row = conn.execute("SELECT sealed FROM vault_secrets WHERE memory_id = ?", (memory_id,)).fetchone()
    return bytes(row[0]) if row else None


def counts_by_type(conn: Connection) -> dict[str, int]:
    return {t: int(n) for t, n in conn.execute("SELECT type, count(*) FROM memories GROUP BY type")}


def latest_by_merge_key(conn: Connection, type_: MemoryType, key: str) -> Memory | None:
    """The most recent memory of `type_` with this merge key."""
    row = conn.execute(
        "SELECT id FROM memories WHERE type = ? AND merge_key = ? ORDER BY occurred_at DESC LIMIT 1", (type_, key)
    ).fetchone()
    return get(conn, row[0]) if row else None


def episode_ids_between(conn: Connection, start: float, end: float) -> list[str]:
    """Ids of the episodes that started in [start, end), in time order."""
    rows = conn.execute(
        "SELECT id FROM memories WHERE type = 'episodic' AND occurred_at >= ? AND occurred_at < ? ORDER BY occurred_at",
        (start, end),
    )
    return [r[0] for r in rows]


def count_all(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM memories").fetchone()[0])
