"""Small display helpers shared by the views: times, type names, per-app colours, short text."""

from __future__ import annotations

import zlib
from datetime import date, datetime

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor, QPalette

from assistant.values import EVENT_KINDS, MEMORY_TYPES

TYPE_LABELS: dict[str, str] = {
    "core": "Core",
    "episodic": "Episodes",
    "semantic": "Facts",
    "procedural": "How-tos",
    "resource": "Resources",
    "vault": "Vault",
    "chat": "Chats",
    "screen": "Screen",
}
TYPE_SINGULAR: dict[str, str] = {
    "core": "Core block",
    "episodic": "Episode",
    "semantic": "Fact",
    "procedural": "How-to",
    "resource": "Resource",
    "vault": "Vault entry",
    "chat": "Chat message",
    "screen": "Screen capture",
}
ALL_TYPES: tuple[str, ...] = (*MEMORY_TYPES, *EVENT_KINDS)


def qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def local(value: datetime | None) -> datetime | None:
    """A stored (UTC) time in the machine's local zone."""
    if value is None:
        return None
    return value.astimezone() if value.tzinfo is not None else value


def when(value: datetime | None, with_date: bool = True) -> str:
    shown = local(value)
    if shown is None:
        return "undated"
    return shown.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


def short(text: str, limit: int = 160) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"


def app_color(app: str, palette: QPalette | None = None) -> QColor:
    """A stable colour per app name, lighter on dark themes so text stays readable."""
    hue = zlib.crc32(app.lower().encode()) % 360
    dark = palette is not None and palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor.fromHsv(hue, 110 if dark else 90, 150 if dark else 235)


def human_bytes(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(count) < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} GB"
