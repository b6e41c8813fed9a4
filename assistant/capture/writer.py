"""Storing captured frames: the redacted record as a raw screen event, its secrets sealed into the
vault, its thumbnail as an encrypted blob — all in one transaction, so a frame is stored whole or not at all.

The event's text is the frame's OCR text as a keyframe, or only the lines new since the previous frame
of the same window (capture/delta.py); its meta says which.

A full disk pauses capture (with a status saying so) instead of failing frame after frame; capture
resumes by itself once a write succeeds again.
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable

from assistant.capture.delta import LineDeltas, ScreenText
from assistant.capture.frames import CapturedFrame
from assistant.capture.upkeep import thumbnail_id
from assistant.store import blob_rows
from assistant.store.events import add_events
from assistant.store.ingest import Ingest
from assistant.store.opened import OpenedStore
from assistant.values import RawEvent

log = logging.getLogger(__name__)


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return True
    text = str(exc).lower()
    return "database or disk is full" in text or "no space left" in text


def screen_event(record: CapturedFrame, screen: ScreenText) -> RawEvent:
    """The raw event stored for a frame (also what bench/bench_capture.py weighs)."""
    return RawEvent(
        kind="screen",
        occurred_at=record.captured_at,
        text=screen.text,
        app=record.app or None,
        title=record.title or None,
        url=record.url,
        meta={
            "monitor": record.monitor,
            "ocr": record.ocr_status,
            "words": record.ocr_words,
            "conf": record.mean_conf,
            "redactions": record.redactions,
            **({} if record.focused else {"focused": False}),  # beside or behind the active window
            **screen.meta,
        },
    )


class FrameWriter:
    """The capture pipeline's sink. Called on the capture worker thread (a lock keeps a second caller,
    such as a one-off capture, from interleaving with it in the diff state)."""

    def __init__(
        self,
        store: OpenedStore,
        *,
        thumbnail_budget_bytes: int,
        on_disk_full: Callable[[str], None],
        on_recovered: Callable[[], None],
    ) -> None:
        self._store = store
        self.budget = thumbnail_budget_bytes  # may change while capture runs (settings)
        self._on_disk_full = on_disk_full
        self._on_recovered = on_recovered
        self._ingest = Ingest(store)
        self._deltas = LineDeltas()
        self._lock = threading.Lock()
        self.disk_full = False
        self.stored = 0

    def __call__(self, record: CapturedFrame) -> None:
        try:
            with self._lock:
                self._write(record)
        except Exception as exc:
            if not is_disk_full(exc):
                raise
            log.warning("disk full: capture paused")
            self._on_disk_full("paused: the disk is full; free some space and capture resumes by itself")
            self.disk_full = True  # set last: whoever sees the flag also sees the paused status
            return
        self.stored += 1
        if self.disk_full:
            self.disk_full = False
            self._on_recovered()

    def _write(self, record: CapturedFrame) -> None:
        screen = self._deltas.text_for(record)
        event = screen_event(record, screen)
        blob_id = thumbnail_id(event.id) if record.thumbnail else None
        if blob_id and record.thumbnail:
            # The file goes first: a crash then leaves an orphan file, never a row without its file.
            self._store.blobs.put(blob_id, record.thumbnail)
        evicted: list[str] = []
        try:
            with self._store.db.write() as conn:
                add_events(conn, [(event, None)])
                for secret in record.secrets:
                    self._ingest.file_secret(conn, secret, event)
                if blob_id and record.thumbnail:
                    blob_rows.add_thumbnail(conn, blob_id, event.id, len(record.thumbnail))
                    evicted = blob_rows.evict_over_budget(conn, self.budget)
        except BaseException:
            if blob_id:
                self._store.blobs.delete(blob_id)
            raise
        self._deltas.stored(screen, event.id)  # only now: a delta must never name a keyframe that is not stored
        for old in evicted:  # only once the rows are gone for good
            self._store.blobs.delete(old)
