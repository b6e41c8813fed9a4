"""Turning one kept frame into the record the sink receives: mask, OCR, redact, thumbnail.

Runs on the pipeline's worker thread; it touches no pipeline state, and reports what happened to
the OCR in `Built.outcome` so the pipeline can count it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from assistant.capture.frames import CapturedFrame, Frame, OcrStatus, WindowInfo
from assistant.capture.thumbnail import make_thumbnail, redacted_word_boxes, window_box
from assistant.ocr.engine import OcrEngine, OcrResult, OcrUnavailable
from assistant.redaction import redact

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

Box = tuple[int, int, int, int]  # Pillow box on the frame: left, upper, right, lower


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
    masks: list[Box] = field(default_factory=list)  # excluded windows visible on this frame
    done: threading.Event = field(default_factory=threading.Event)
    record: CapturedFrame | None = None


OcrOutcome = Literal["done", "failed", "unavailable", "none"]


@dataclass(frozen=True)
class Built:
    record: CapturedFrame
    outcome: OcrOutcome
    detail: str = ""  # the OcrUnavailable message, for the status view


def _image(job: Job, settings: PipelineSettings) -> Image.Image:
    """The frame as an image with excluded windows painted black, cropped to the window if asked."""
    from PIL import ImageDraw

    assert job.frame is not None
    image = job.frame.to_image()
    if job.masks:
        draw = ImageDraw.Draw(image)
        for box in job.masks:
            draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill="black")
    crop = window_box(job.frame, job.window) if settings.crop_to_window else None
    return image.crop(crop) if crop is not None else image


def _recognize(job: Job, ocr: OcrEngine | None, image: Image.Image) -> tuple[OcrResult, OcrOutcome, str]:
    if job.status != "ok" or ocr is None:
        return OcrResult.empty(), "none", ""
    try:
        return ocr.recognize(image), "done", ""
    except OcrUnavailable as exc:
        job.status = "unavailable"
        return OcrResult.empty(), "unavailable", str(exc)
    except Exception as exc:  # a crash or timeout on one frame; the next may well work
        job.status = "dropped"
        log.warning("OCR failed on a frame: %s", type(exc).__name__)
        return OcrResult.empty(), "failed", ""


def build_record(job: Job, ocr: OcrEngine | None, settings: PipelineSettings) -> Built:
    result, detail = OcrResult.empty(), ""
    outcome: OcrOutcome = "none"
    image: Image.Image | None = None
    if job.frame is not None:
        image = _image(job, settings)
        result, outcome, detail = _recognize(job, ocr, image)
    text = redact(result.text)
    window = job.window
    title = redact(window.title if window else "")
    url = redact(window.url) if window and window.url else None
    thumbnail = None
    # Only a frame that was read can have its secrets blacked out: without OCR, no picture at all.
    if settings.thumbnails and image is not None and outcome == "done":
        if result.raw_words:
            masked = redacted_word_boxes(result.raw_text, result.raw_words, redact(result.raw_text).spans)
        else:
            masked = redacted_word_boxes(result.text, result.words, text.spans)
        thumbnail = make_thumbnail(image, settings.thumbnail_width, settings.thumbnail_quality, masked)
    secrets = list(dict.fromkeys([*title.secrets, *(url.secrets if url else []), *text.secrets]))
    record = CapturedFrame(
        captured_at=job.captured_at,
        monitor=job.monitor,
        app=window.app if window else "",
        title=title.text,
        url=url.text if url else None,
        text=text.text,
        ocr_words=len(result.words),
        mean_conf=result.mean_conf if outcome == "done" else None,
        redactions=text.count + title.count + (url.count if url else 0),
        secrets=secrets,
        thumbnail=thumbnail,
        ocr_status=job.status,
        pid=window.pid if window else None,
    )
    return Built(record, outcome, detail)
