"""Thumbnails never outlive their event, nor capture.thumbnail_retention_days, and are never stored
unmasked (a frame that was not read by OCR gets none)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

from assistant.api import Assistant
from assistant.app.consolidation import RETENTION_EVERY_S
from assistant.capture.frames import CapturedFrame
from assistant.capture.writer import FrameWriter
from assistant.ocr.engine import OcrResult
from tests.unit.test_pipeline import Rig

PICTURE = b"RIFF\x00\x00\x00\x00WEBPVP8 fake thumbnail"
LONG_AGO = time.time() - 40 * 86400


def store_frame(app: Assistant) -> tuple[str, Path]:
    writer = FrameWriter(
        app._core.store, thumbnail_budget_bytes=10**6, on_disk_full=lambda _m: None, on_recovered=lambda: None
    )
    writer(
        CapturedFrame(
            datetime.now(UTC), 1, "Editor", "notes - Editor", None, "harbour lantern", 2, 90.0, 0, thumbnail=PICTURE
        )
    )
    (event_id, blob_id) = app._core.store.db.reader().execute("SELECT event_id, id FROM blobs").fetchone()
    path = app.paths.blobs / f"{blob_id}.blob"
    assert path.exists() and app.capture.thumbnail(event_id) == PICTURE
    return event_id, path


def blob_rows(app: Assistant) -> int:
    return int(app._core.store.db.reader().execute("SELECT count(*) FROM blobs").fetchone()[0])


def test_forget_deletes_the_thumbnail_row_and_file(app: Assistant) -> None:
    event_id, path = store_frame(app)
    assert app.memories.forget(event_id) == [event_id]
    assert not path.exists() and blob_rows(app) == 0
    assert list(app.paths.blobs.glob("*.blob")) == []


def test_raw_event_retention_deletes_the_thumbnail_too(app: Assistant) -> None:
    app.settings.current.consolidation.use_model = False
    app.settings.current.consolidation.raw_retention_days = 30
    _event_id, path = store_frame(app)
    with app._core.store.db.write() as conn:  # stored 40 days ago, and consolidated
        conn.execute("UPDATE raw_events SET created_at = ?, consolidated = 1", (LONG_AGO,))
    os.utime(path, (LONG_AGO, LONG_AGO))
    assert app.consolidation.run().retention_deleted == 1
    assert not path.exists() and blob_rows(app) == 0


def test_thumbnail_retention_days_is_enforced_by_the_periodic_run(app: Assistant) -> None:
    app.settings.current.consolidation.use_model = False
    app.settings.current.capture.thumbnail_retention_days = 14
    event_id, path = store_frame(app)
    app.consolidation.run()
    assert path.exists()  # young: kept
    with app._core.store.db.write() as conn:
        conn.execute("UPDATE blobs SET created_at = ?", (LONG_AGO,))
    app.consolidation.run_and_index()  # what the background service runs every minute...
    assert path.exists()  # ...applying retention (a scan of the store) at most hourly
    app.consolidation._retention_at -= RETENTION_EVERY_S  # an hour later
    app.consolidation.run_and_index()
    assert not path.exists() and blob_rows(app) == 0
    assert app.memories.event(event_id).text == "harbour lantern"  # the event itself stays


def test_a_young_file_without_its_row_yet_is_left_alone(app: Assistant) -> None:
    from assistant.capture.upkeep import remove_orphan_files

    app._core.store.blobs.put("th_being_written", PICTURE)  # the writer puts the file before its row
    assert remove_orphan_files(app._core.store, time.time()) == 0
    assert remove_orphan_files(app._core.store, time.time() + 3600) == 1
    assert list(app.paths.blobs.glob("*.blob")) == []


def test_no_thumbnail_without_ocr() -> None:
    rig = Rig(ocr_enabled=False, thumbnails=True)
    rig.tick_screen(1)
    (record,) = rig.finish()
    assert (record.ocr_status, record.thumbnail) == ("skipped", None)


def test_no_thumbnail_when_ocr_fails() -> None:
    rig = Rig(thumbnails=True)

    def broken(_image: object) -> OcrResult:
        raise RuntimeError("tesseract crashed")

    rig.ocr.recognize = broken  # type: ignore[method-assign,assignment]
    rig.tick_screen(1)
    (record,) = rig.finish()
    assert (record.ocr_status, record.thumbnail) == ("dropped", None)
