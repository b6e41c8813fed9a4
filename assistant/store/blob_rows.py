"""The `blobs` table: which encrypted blob files (thumbnails) exist, for which event, since when."""

from __future__ import annotations

import time
from collections.abc import Iterable

from assistant.store.sql import Connection


def all_ids(conn: Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT id FROM blobs")}


def thumbnails_before(conn: Connection, created_before: float) -> list[str]:
    rows = conn.execute("SELECT id FROM blobs WHERE kind = 'thumbnail' AND created_at < ?", (created_before,))
    return [r[0] for r in rows]


def delete(conn: Connection, ids: Iterable[str]) -> None:
    conn.executemany("DELETE FROM blobs WHERE id = ?", [(i,) for i in ids])


def delete_for_events(conn: Connection, event_ids: Iterable[str]) -> None:
    conn.executemany("DELETE FROM blobs WHERE event_id = ?", [(i,) for i in event_ids])


def add_thumbnail(conn: Connection, blob_id: str, event_id: str, size: int) -> None:
    conn.execute(
        "INSERT INTO blobs (id, event_id, kind, size, created_at) VALUES (?,?,?,?,?)",
        (blob_id, event_id, "thumbnail", size, time.time()),
    )


def evict_over_budget(conn: Connection, budget: int) -> list[str]:
    """Delete the oldest thumbnails' rows until the rest fit `budget` bytes; returns their ids."""
    total = conn.execute("SELECT coalesce(sum(size), 0) FROM blobs WHERE kind = 'thumbnail'").fetchone()[0]
    evicted: list[str] = []
    for blob_id, size in conn.execute(
        "SELECT id, size FROM blobs WHERE kind = 'thumbnail' ORDER BY created_at"
    ).fetchall():
        if total <= budget:
            break
        conn.execute("DELETE FROM blobs WHERE id = ?", (blob_id,))
        evicted.append(blob_id)
        total -= size
    return evicted


def thumbnail_of(conn: Connection, event_id: str) -> str | None:
    """The blob id of an event's thumbnail, if it has one."""
    row = conn.execute("SELECT id FROM blobs WHERE event_id = ? AND kind = 'thumbnail'", (event_id,)).fetchone()
    return str(row[0]) if row else None
