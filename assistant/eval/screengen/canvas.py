"""Drawing a 1080p screen with Pillow while keeping the ground truth: every string drawn, in order."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    (False, False): "DejaVuSans.ttf",
    (False, True): "DejaVuSans-Bold.ttf",
    (True, False): "DejaVuSansMono.ttf",
    (True, True): "DejaVuSansMono-Bold.ttf",
}
WIDTH, HEIGHT = 1920, 1080


@lru_cache(maxsize=64)
def font(size: int, mono: bool = False, bold: bool = False) -> Any:
    """DejaVu when installed (Debian's fonts-dejavu-core), else Pillow's own scalable font."""
    path = FONT_DIR / FONT_FILES[(mono, bold)]
    if path.is_file():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


@dataclass(frozen=True)
class Theme:
    name: str
    bg: str
    fg: str
    muted: str
    panel: str
    accent: str
    line: str
    select: str


LIGHT = Theme("light", "#ffffff", "#1e1e1e", "#5f6368", "#f1f3f4", "#1a73e8", "#dadce0", "#e8f0fe")
DARK = Theme("dark", "#1e1f22", "#dcdcdc", "#9aa0a6", "#2b2d30", "#6ea8fe", "#3c3f41", "#2f3b52")
SEPIA = Theme("sepia", "#f8f1e3", "#3b2f20", "#7a6a55", "#efe4cf", "#8a4b08", "#d9c9a8", "#eadcc0")
THEMES = {t.name: t for t in (LIGHT, DARK, SEPIA)}


class Canvas:
    """A screen image plus `strings`, the text drawn on it. With draw=False only the text is kept
    (checking a benchmark's questions needs no pixels)."""

    def __init__(self, theme: Theme, draw: bool = True) -> None:
        self.theme = theme
        self.image = Image.new("RGB", (WIDTH, HEIGHT), theme.bg) if draw else None
        self._draw = ImageDraw.Draw(self.image) if self.image is not None else None
        self.strings: list[str] = []

    def text(
        self,
        x: int,
        y: int,
        s: str,
        size: int = 15,
        *,
        mono: bool = False,
        bold: bool = False,
        color: str | None = None,
    ) -> int:
        """Draw `s` with its top left at (x, y); returns the x where it ends."""
        f = font(size, mono, bold)
        if s.strip():
            self.strings.append(s)
        if self._draw is not None:
            self._draw.text((x, y), s, font=f, fill=color or self.theme.fg)
        return x + int(f.getlength(s))

    def box(self, x0: int, y0: int, x1: int, y1: int, fill: str | None = None, outline: str | None = None) -> None:
        if self._draw is not None:
            self._draw.rectangle((x0, y0, x1, y1), fill=fill, outline=outline)

    def wrap(self, s: str, width: int, size: int, mono: bool = False) -> list[str]:
        """`s` cut into lines no wider than `width` pixels."""
        f = font(size, mono)
        lines: list[str] = []
        current = ""
        for word in s.split():
            candidate = f"{current} {word}".strip()
            if current and f.getlength(candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        return [*lines, current] if current else lines

    def paragraph(self, x: int, y: int, s: str, width: int, size: int = 15, gap: float = 1.5, **kw: Any) -> int:
        """Draw `s` wrapped to `width`; returns the y below it."""
        for line in self.wrap(s, width, size, kw.get("mono", False)):
            self.text(x, y, line, size, **kw)
            y += int(size * gap)
        return y

    @property
    def ground_truth(self) -> str:
        return "\n".join(self.strings)

    def save(self, path: Path) -> None:
        assert self.image is not None
        self.image.save(path, optimize=True)
