"""The `blobs` table: which encrypted blob files (thumbnails) exist, for which event, since when."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def all_ids(conn: Any) -> set[str]:
    return {r[0] for r in conn.execute("SELECT id FROM blobs")}


def thumbnails_before(conn: Any, created_before: float) -> list[str]:
    rows = conn.execute("SELECT id FROM blobs WHERE kind = 'thumbnail' AND created_at < ?", (created_before,))
    return [r[0] for r in rows]


def delete(conn: Any, ids: Iterable[str]) -> None:
    conn.executemany("DELETE FROM blobs WHERE id = ?", [(i,) for i in ids])


def delete_for_events(conn: Any, event_ids: Iterable[str]) -> None:
    conn.executemany("DELETE FROM blobs WHERE event_id = ?", [(i,) for i in event_ids])
