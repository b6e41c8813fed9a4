"""Icons from resources/icons (simple SVGs), with a drawn fallback so a missing file never breaks the UI."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

ICON_DIR = Path(__file__).resolve().parents[1] / "resources" / "icons"


def icon_path(name: str) -> Path:
    return ICON_DIR / f"{name}.svg"


def _render(name: str, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer = QSvgRenderer(str(icon_path(name)))
    if renderer.isValid():
        renderer.render(painter, QRectF(0, 0, size, size))
    else:  # a plain disc in a colour derived from the name
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor.fromHsv(hash(name) % 360, 140, 200))
        painter.drawEllipse(2, 2, size - 4, size - 4)
    painter.end()
    return pixmap


def _tinted(pixmap: QPixmap, color: QColor) -> QPixmap:
    out = QPixmap(pixmap)
    painter = QPainter(out)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(out.rect(), color)
    painter.end()
    return out


@cache
def icon(name: str) -> QIcon:
    """The icon, plus a variant in the highlighted-text colour for selected items (sidebar)."""
    from PySide6.QtGui import QGuiApplication, QPalette

    selected = QGuiApplication.palette().color(QPalette.ColorRole.HighlightedText)
    result = QIcon()
    for size in (16, 22, 24, 32, 48, 64):
        pixmap = _render(name, size)
        result.addPixmap(pixmap)
        result.addPixmap(_tinted(pixmap, selected), QIcon.Mode.Selected)
    return result


def tray_icon(state: str, local_only: bool) -> QIcon:
    """The tray icon for a capture state, with a green shield badge in local-only mode."""
    result = QIcon()
    for size in (16, 22, 24, 32, 48, 64):
        pixmap = _render(f"tray-{state}", size)
        if local_only:
            badge = _render("badge-local-only", max(8, size // 2))
            painter = QPainter(pixmap)
            painter.drawPixmap(size - badge.width(), size - badge.height(), badge)
            painter.end()
        result.addPixmap(pixmap)
    return result
