"""Turning one kept frame into the records the sink receives: mask, OCR, redact, thumbnail.

Each visible window's region is read on its own (capture/layout.py) and gives its own record, with
its own app and title: the focused window's record always, another window's when it has text. A
probe that cannot list windows gives one record for the whole frame, under the active window.

Runs on the pipeline's worker thread; it touches no pipeline state, and reports what happened to
the OCR in `Built.outcome` so the pipeline can count it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from assistant.capture.frames import CapturedFrame, Frame, OcrStatus, WindowInfo
from assistant.capture.layout import Region
from assistant.capture.regions import Box
from assistant.capture.thumbnail import make_thumbnail, redacted_word_boxes, window_box
from assistant.ocr.engine import OcrEngine, OcrResult, OcrUnavailable, Word
from assistant.redaction import redact

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PipelineSettings:
    idle_after_seconds: float = 300.0  # no capture once the user has been away this long
    change_threshold: float = 0.002  # fraction of the screen that must change (see ChangeDetector)
    ocr_enabled: bool = True
    ocr_queue_size: int = 4  # frames waiting for OCR; ~4 s of backlog at 1 s per frame
    crop_to_window: bool = False  # OCR only the active window's area
    thumbnails: bool = True
    thumbnail_width: int = 480
    thumbnail_quality: int = 50
    stop_timeout_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.ocr_queue_size < 1:
            raise ValueError("ocr_queue_size must be at least 1")


@dataclass(eq=False)
class Job:
    """A kept frame on its way to the sink."""

    frame: Frame | None  # None once its OCR was dropped: the pixels are not kept for nothing
    window: WindowInfo | None
    captured_at: datetime
    monitor: int
    status: OcrStatus  # "ok" = OCR still to run
    masks: list[Box] = field(default_factory=list)  # never-record windows, where they show
    regions: list[Region] = field(default_factory=list)  # windows read apart; empty = the whole frame
    done: threading.Event = field(default_factory=threading.Event)
    records: list[CapturedFrame] = field(default_factory=list)


OcrOutcome = Literal["done", "failed", "unavailable", "none"]


@dataclass(frozen=True)
class Built:
    records: list[CapturedFrame]
    outcome: OcrOutcome
    detail: str = ""  # the OcrUnavailable message, for the status view


def _blacken(image: Image.Image, boxes: list[Box] | tuple[Box, ...], dx: int = 0, dy: int = 0) -> None:
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    for box in boxes:
        draw.rectangle((box[0] - dx, box[1] - dy, box[2] - dx - 1, box[3] - dy - 1), fill="black")


def _parts(job: Job, settings: PipelineSettings, image: Image.Image) -> list[Region]:
    """What to read: the windows' regions, or the whole frame (cropped to the active window if asked)."""
    if job.regions:
        return job.regions
    assert job.frame is not None
    crop = window_box(job.frame, job.window) if settings.crop_to_window else None
    box = crop or (0, 0, image.width, image.height)
    return [Region(job.window or WindowInfo("", ""), box, (), True)]


def _read(ocr: OcrEngine, image: Image.Image, part: Region) -> OcrResult:
    crop = image.crop(part.box)
    _blacken(crop, part.hidden, part.box[0], part.box[1])  # other windows' pixels are not this window's text
    return ocr.recognize(crop)


def _shifted(words: list[Word], part: Region) -> list[Word]:
    return [replace(w, left=w.left + part.box[0], top=w.top + part.box[1]) for w in words]


def _secret_boxes(result: OcrResult, part: Region) -> list[Word]:
    """Frame-placed boxes of the words redaction removed (or would, from the unsure words too)."""
    if result.raw_words:
        found = redacted_word_boxes(result.raw_text, result.raw_words, redact(result.raw_text).spans)
    else:
        found = redacted_word_boxes(result.text, result.words, redact(result.text).spans)
    return _shifted(found, part)


def _record(job: Job, window: WindowInfo | None, result: OcrResult, read: bool, focused: bool) -> CapturedFrame:
    text = redact(result.text)
    title = redact(window.title if window else "")
    url = redact(window.url) if window and window.url else None
    return CapturedFrame(
        captured_at=job.captured_at,
        monitor=job.monitor,
        app=window.app if window else "",
        title=title.text,
        url=url.text if url else None,
        text=text.text,
        ocr_words=len(result.words),
        mean_conf=result.mean_conf if read else None,
        redactions=text.count + title.count + (url.count if url else 0),
        secrets=list(dict.fromkeys([*title.secrets, *(url.secrets if url else []), *text.secrets])),
        ocr_status=job.status,
        pid=window.pid if window else None,
        focused=focused,
    )


def build_record(job: Job, ocr: OcrEngine | None, settings: PipelineSettings) -> Built:
    if job.frame is None or job.status != "ok" or ocr is None:
        return Built([_record(job, job.window, OcrResult.empty(), False, True)], "none")
    image = job.frame.to_image()
    _blacken(image, job.masks)
    done: list[tuple[Region, OcrResult]] = []
    failed = 0
    for part in _parts(job, settings, image):
        try:
            done.append((part, _read(ocr, image, part)))
        except OcrUnavailable as exc:
            job.status = "unavailable"
            return Built([_record(job, job.window, OcrResult.empty(), False, True)], "unavailable", str(exc))
        except Exception as exc:  # a crash or timeout on one region; the others (and the next frame) may work
            failed += 1
            log.warning("OCR failed on a frame: %s", type(exc).__name__)
    if not done:
        job.status = "dropped"
        return Built([_record(job, job.window, OcrResult.empty(), False, True)], "failed")
    records = [
        _record(job, part.window, result, True, part.focused)
        for part, result in done
        if part.focused or result.text.strip()
    ] or [_record(job, job.window, OcrResult.empty(), True, True)]  # a kept frame always leaves a record
    # Only a frame read whole can have its secrets blacked out: otherwise no picture at all.
    if settings.thumbnails and not failed:
        view = done[0][0].box if settings.crop_to_window else (0, 0, image.width, image.height)
        secrets = [
            replace(w, left=w.left - view[0], top=w.top - view[1])
            for part, result in done
            for w in _secret_boxes(result, part)
        ]
        picture = make_thumbnail(image.crop(view), settings.thumbnail_width, settings.thumbnail_quality, secrets)
        records[0] = replace(records[0], thumbnail=picture)
    return Built(records, "failed" if failed else "done")
