"""Thumbnails never outlive their event or `capture.thumbnail_retention_days`.

Deleting an event (forget, raw-event retention) deletes its blob row in the same transaction
(store/events.py); the encrypted file goes right after the commit when the caller knows the event
(forget), or at the next upkeep run, which removes any blob file without a row. A file younger than
ORPHAN_GRACE is left alone: the capture writer puts the file before its row.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from assistant.store import blob_rows
from assistant.store.opened import OpenedStore

log = logging.getLogger(__name__)

ORPHAN_GRACE = 300.0  # seconds; far longer than a frame's write
DAY = 86400.0


def thumbnail_id(event_id: str) -> str:
    """The blob id of a screen event's thumbnail ("ev_x" -> "th_x")."""
    return f"th_{event_id.removeprefix('ev_')}"


def delete_thumbnail_files(store: OpenedStore, event_ids: Iterable[str]) -> None:
    """Remove the thumbnail files of events just deleted (their rows went with the events)."""
    for event_id in event_ids:
        if event_id.startswith("ev_"):
            store.blobs.delete(thumbnail_id(event_id))


def expire_thumbnails(store: OpenedStore, older_than: float) -> int:
    """Delete thumbnails created before `older_than` (a Unix time); their events stay."""
    with store.db.write() as conn:
        ids = blob_rows.thumbnails_before(conn, older_than)
        blob_rows.delete(conn, ids)
    for blob_id in ids:
        store.blobs.delete(blob_id)
    return len(ids)


def remove_orphan_files(store: OpenedStore, now: float, grace: float = ORPHAN_GRACE) -> int:
    """Delete blob files that no row names any more (their event was deleted), older than `grace`."""
    known = blob_rows.all_ids(store.db.reader())
    orphans = [blob_id for blob_id, mtime in store.blobs.listing() if blob_id not in known and mtime < now - grace]
    for blob_id in orphans:
        store.blobs.delete(blob_id)
    return len(orphans)


def thumbnail_upkeep(store: OpenedStore, retention_days: float, now: float | None = None) -> int:
    """The periodic pass (run with consolidation): expire old thumbnails, remove orphan files.
    `retention_days` <= 0 keeps thumbnails until their event goes. Returns the files removed."""
    now = time.time() if now is None else now
    removed = expire_thumbnails(store, now - retention_days * DAY) if retention_days > 0 else 0
    removed += remove_orphan_files(store, now)
    if removed:
        log.info("thumbnail upkeep removed %d file(s)", removed)
    return removed
