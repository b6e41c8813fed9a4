"""The OCR interface the capture pipeline depends on, so engines can be swapped or faked in tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from assistant.errors import CaptureUnavailable

if TYPE_CHECKING:
    from PIL import Image

OCR_UNAVAILABLE = "OCR unavailable: install tesseract-ocr"


class OcrUnavailable(CaptureUnavailable):
    """The OCR engine cannot run here (binary missing, broken install, language data absent)."""

    def __init__(self, message: str = OCR_UNAVAILABLE) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Word:
    """One recognised word; the box is in pixels of the image given to `recognize`, conf is 0-100."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float


@dataclass(frozen=True)
class OcrResult:
    """`text` is the kept words in reading order, one line per row on screen (a table's row across its
    columns): each word appears in it verbatim and in the order of `words`, so a word's position in
    `text` can be found by scanning.

    `raw_text`/`raw_words` are the same for EVERY word read, noise included (symbols, lone letters,
    words under a confidence floor the user set). They are never stored: they only find secrets to
    black out in thumbnails, since a secret read as noise stays legible in a picture. Empty = same as
    text/words.
    """

    text: str
    words: list[Word]
    mean_conf: float  # 0.0 when no word was kept
    raw_text: str = ""
    raw_words: list[Word] = field(default_factory=list)

    @staticmethod
    def empty() -> OcrResult:
        return OcrResult("", [], 0.0)


class OcrEngine(Protocol):
    def available(self) -> bool:
        """Whether `recognize` can run (checked cheaply, cached by implementations)."""
        ...

    def recognize(self, image: Image.Image) -> OcrResult:
        """Recognise the text in `image`. Raises OcrUnavailable when the engine cannot run."""
        ...
