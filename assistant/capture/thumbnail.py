"""Small WebP previews of kept frames, with the words that were redacted from the text blacked out."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.capture.frames import Frame, WindowInfo
from assistant.ocr.engine import Word

if TYPE_CHECKING:
    from PIL import Image


def window_box(frame: Frame, window: WindowInfo | None) -> tuple[int, int, int, int] | None:
    """The window's area on this frame as a Pillow box (left, upper, right, lower), or None if off it."""
    if window is None or window.geometry is None:
        return None
    x, y, w, h = window.geometry
    s = frame.scale
    left, top = max(round((x - frame.left) * s), 0), max(round((y - frame.top) * s), 0)
    right = min(round((x + w - frame.left) * s), frame.width)
    bottom = min(round((y + h - frame.top) * s), frame.height)
    if right - left < 8 or bottom - top < 8:  # off this monitor, or too small to hold text
        return None
    return left, top, right, bottom


def redacted_word_boxes(text: str, words: Sequence[Word], spans: Sequence[tuple[int, int]]) -> list[Word]:
    """The words whose characters fall in a redacted span of `text`.

    OCR text is its words joined in order, so scanning forward finds each word's offset exactly.
    """
    if not spans:
        return []
    hit: list[Word] = []
    pos = 0
    for word in words:
        start = text.find(word.text, pos)
        if start < 0:
            continue
        end = start + len(word.text)
        pos = end
        if any(start < s_end and end > s_start for s_start, s_end in spans):
            hit.append(word)
    return hit


def make_thumbnail(image: Image.Image, width: int, quality: int, masked: Sequence[Word] = ()) -> bytes:
    """A WebP at most `width` pixels wide; `masked` word boxes are painted black first."""
    from PIL import Image, ImageDraw

    if masked:
        image = image.copy()
        draw = ImageDraw.Draw(image)
        for w in masked:
            draw.rectangle((w.left - 2, w.top - 2, w.left + w.width + 2, w.top + w.height + 2), fill="black")
    if image.width > width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.BILINEAR, reducing_gap=2.0)
    buf = io.BytesIO()
    image.save(buf, format="WEBP", quality=quality, method=0)
    return buf.getvalue()
