"""A note, beside the store, that the app has paused capture (and until when), so `assistant status` in
another process says "paused" rather than "on". It holds no captured content: a time or nothing. It is
believed only while another process holds the store (a crash could leave it behind)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.paths import DataPaths, write_atomic

NAME = "capture-pause.json"


def _path(paths: DataPaths) -> Path:
    return paths.root / NAME


def paused(paths: DataPaths, minutes: float | None, now: datetime | None = None) -> None:
    until = None if minutes is None else (now or datetime.now(UTC)) + timedelta(minutes=minutes)
    write_atomic(_path(paths), json.dumps({"until": until.isoformat() if until else None}).encode())


def resumed(paths: DataPaths) -> None:
    _path(paths).unlink(missing_ok=True)


def describe(paths: DataPaths, now: datetime | None = None) -> str | None:
    """ "paused", "paused until 14:05 UTC", or None when capture is not paused (or the note is unreadable)."""
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        until = json.loads(_path(paths).read_text(encoding="utf-8"))["until"]
        if until is None:
            return "paused"
        end = datetime.fromisoformat(until)
        return f"paused until {end.astimezone(UTC):%H:%M} UTC" if end > (now or datetime.now(UTC)) else None
    return None
