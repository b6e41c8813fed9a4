"""Qt tests run offscreen against a real core in a temp data dir (the `app` fixture of tests/conftest.py)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant.api import Assistant
from assistant.values import RawEvent
from tests.xdisplay import xvfb_display  # noqa: F401  (the private-Xvfb fixture, for the tray test)
from ui.app import Desktop
from ui.session import Session

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(autouse=True)
def _private_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Start-on-login writes an autostart entry; keep it out of the real home."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture
def session(app: Assistant, qtbot: QtBot) -> Iterator[Session]:
    s = Session(app, poll_ms=300)
    yield s
    s.shutdown()


@pytest.fixture
def desktop(session: Session, qtbot: QtBot) -> Iterator[Desktop]:
    d = Desktop(session, use_tray=False, use_hotkey=False)
    qtbot.addWidget(d.window)
    qtbot.addWidget(d.recall)
    d.window.resize(1280, 800)
    d.window.show()
    qtbot.waitExposed(d.window)
    yield d
    idle(qtbot, session)


def idle(qtbot: QtBot, session: Session, timeout: int = 15000) -> None:
    """Wait until every queued facade call has run and delivered its result."""
    qtbot.waitUntil(lambda: session.tasks.pending == 0, timeout=timeout)


def at(day: date, hour: int, minute: int, second: int = 0) -> datetime:
    """A local wall-clock time (aware), as the timeline shows it."""
    return datetime.combine(day, time(hour, minute, second)).astimezone()


def screen(day: date, hour: int, minute: int, app: str, title: str, text: str, second: int = 0) -> RawEvent:
    return RawEvent(kind="screen", occurred_at=at(day, hour, minute, second), app=app, title=title, text=text)
