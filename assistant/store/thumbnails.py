"""The rows of the encrypted thumbnail files (`blobs` table): which event each belongs to, its size, its age.
The files themselves are in `crypto/blobs.py`; a row is written after its file and deleted before it."""

from __future__ import annotations

import time

from assistant.store.sql import Connection


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


def delete_older_than(conn: Connection, older_than: float) -> list[str]:
    """Delete the rows of thumbnails created before `older_than` (a Unix time); returns their ids."""
    rows = conn.execute("SELECT id FROM blobs WHERE kind = 'thumbnail' AND created_at < ?", (older_than,)).fetchall()
    conn.executemany("DELETE FROM blobs WHERE id = ?", rows)
    return [r[0] for r in rows]


def thumbnail_of(conn: Connection, event_id: str) -> str | None:
    """The blob id of an event's thumbnail, if it has one."""
    row = conn.execute("SELECT id FROM blobs WHERE event_id = ? AND kind = 'thumbnail'", (event_id,)).fetchone()
    return str(row[0]) if row else None
