"""The records that flow through capture: a grabbed frame, the active window, and the finished record.

`CapturedFrame` is what the pipeline hands to its sink. Its `text` and `title` are already redacted;
credentials found on screen travel separately in `secrets`, for the knowledge vault only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from assistant.redaction import Secret

if TYPE_CHECKING:
    from PIL import Image

OcrStatus = Literal["ok", "unavailable", "dropped", "skipped"]


@dataclass(frozen=True)
class WindowInfo:
    """A top-level window. `geometry` is (left, top, width, height) in virtual-screen pixels;
    `window_id` is the platform's id (X11 window, HWND, CGWindowID), when the probe knows it."""

    app: str
    title: str
    url: str | None = None
    pid: int | None = None
    geometry: tuple[int, int, int, int] | None = None
    window_id: int | None = None
    popup: bool = False  # a menu, tooltip or popup (X11 override-redirect): on top, never a window of its own


@dataclass(frozen=True, eq=False)
class Frame:
    """One monitor's pixels as grabbed: BGRA (BGRX) bytes, row-major, no padding.

    `left`/`top` place the monitor in the virtual screen so a window's geometry can be mapped onto it;
    `scale` is pixels per screen unit (2.0 on a Retina display, where window geometry is in points).
    """

    monitor: int
    width: int
    height: int
    bgra: bytes | bytearray
    captured_at: datetime
    left: int = 0
    top: int = 0
    scale: float = 1.0

    def __post_init__(self) -> None:
        if self.captured_at.tzinfo is None:
            raise ValueError("Frame.captured_at must be timezone-aware (UTC)")
        if len(self.bgra) != self.width * self.height * 4:
            raise ValueError(f"expected {self.width * self.height * 4} BGRA bytes, got {len(self.bgra)}")

    def to_image(self) -> Image.Image:
        """An RGB Pillow image of the frame (one unpacking copy, made only for frames that are kept)."""
        from PIL import Image

        return Image.frombuffer("RGB", (self.width, self.height), self.bgra, "raw", "BGRX", 0, 1)


@dataclass(frozen=True)
class CapturedFrame:
    """The record handed to the sink: one per window read on a kept frame (capture/record.py).

    `text` is the redacted OCR text ("" when OCR did not run: see `ocr_status`). `mean_conf` is the
    mean Tesseract confidence (0-100) of the kept words, None without OCR. `redactions` counts every
    replacement in `text`, `title` and `url`; `secrets` holds the removed values (deduplicated).
    `thumbnail` is a small WebP of the screen with redacted words blacked out, or None.
    """

    captured_at: datetime
    monitor: int
    app: str
    title: str
    url: str | None
    text: str
    ocr_words: int
    mean_conf: float | None
    redactions: int
    secrets: list[Secret] = field(default_factory=list)
    thumbnail: bytes | None = None
    ocr_status: OcrStatus = "ok"
    pid: int | None = None
    focused: bool = True  # False: a window beside or behind the active one, read from the same frame
