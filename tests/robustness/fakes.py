"""A fake-but-real-shaped screen for the capture pipeline: real `Frame`s (BGRA bytes of a 640x400
monitor), a window probe and an OCR engine that reads back what the screen shows.

Each grab paints a new random block pattern and writes the frame's number into its first pixel, so
the change detector keeps every frame and the OCR (on the worker thread) knows which frame it reads.
Every `SECRET_EVERY`-th frame shows a GitHub-token-shaped secret, so capture also writes the vault.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import numpy as np

from assistant.capture.filters import ExclusionRules
from assistant.capture.frames import Frame, WindowInfo
from assistant.capture.pipeline import CapturePipeline, PipelineSettings, Sink
from assistant.ocr.engine import OcrResult, Word

W, H = 640, 400
SECRET = "ghp_Zt8Qk2Lm9Wx4Rv7Np3Hs6Jd1Fg5Cb0Ya2Ue"
SECRET_EVERY = 5


def frame_text(n: int) -> str:
    text = f"frame {n} notes about the quarterly planning"
    return f"{text}\ntoken {SECRET}" if n % SECRET_EVERY == 0 else text


def frame_number(text: str) -> int:
    """The frame number back from stored (redacted) text."""
    return int(text.split()[1])


class FakeScreen:
    """A grabber: one monitor whose content changes at every grab."""

    def __init__(self, start: int = 0) -> None:
        self.counter = itertools.count(start)
        self.rng = np.random.default_rng(start)

    def grab(self) -> list[Frame]:
        n = next(self.counter)
        pixels = np.full((H, W, 4), 255, dtype=np.uint8)
        pixels[40:360, 40:600, :3] = (self.rng.random((320, 560, 1)) * 255).astype(np.uint8)
        pixels[0, 0, :3] = (n & 0xFF, (n >> 8) & 0xFF, (n >> 16) & 0xFF)  # BGR: n in 24 bits
        return [Frame(1, W, H, pixels.tobytes(), datetime.now(UTC))]


class FakeProbe:
    def active_window(self) -> WindowInfo | None:
        return WindowInfo("Editor", "plan.md - Editor", pid=4242, geometry=(0, 0, W, H))

    def idle_seconds(self) -> float | None:
        return 1.0

    def screen_locked(self) -> bool:
        return False


class FakeOcr:
    """Reads the frame number from the image and returns that frame's text as words with boxes."""

    def available(self) -> bool:
        return True

    def recognize(self, image: object) -> OcrResult:
        r, g, b = image.getpixel((0, 0))  # type: ignore[attr-defined]  # RGB of the BGRX pixel
        n = b | (g << 8) | (r << 16)
        text = frame_text(n)
        words = [
            Word(w, 50 + 60 * i, 50 + 30 * line, 55, 20, 95.0)
            for line, row in enumerate(text.splitlines())
            for i, w in enumerate(row.split())
        ]
        return OcrResult(text, words, 95.0)


def fake_pipeline(sink: Sink, *, start: int = 0) -> CapturePipeline:
    """The real pipeline (change detection, OCR worker, redaction, thumbnails) on the fake screen."""
    settings = PipelineSettings(thumbnails=True, thumbnail_width=160, ocr_queue_size=4)
    return CapturePipeline(
        FakeScreen(start), FakeProbe(), FakeOcr(), ExclusionRules(apps=(), title_patterns=()), sink, settings
    )
