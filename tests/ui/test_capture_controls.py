"""Capture controls without a tray: the Capture menu and the Settings switch drive the real capture."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.conftest import idle
from ui.app import Desktop
from ui.session import OFF, PAUSED, RECORDING


def test_capture_menu_starts_pauses_resumes_and_stops(xvfb_display: str, qtbot: QtBot, desktop: Desktop) -> None:
    w, s, actions = desktop.window, desktop.session, desktop.actions
    assert w.capture_menu.menuAction().isVisible() and w.tray_note.isVisible()
    assert s.capture_state == OFF and actions.start.isEnabled() and not actions.pause[15.0].isEnabled()

    actions.start.trigger()
    qtbot.waitUntil(lambda: s.capture_state == RECORDING, timeout=20000)
    assert w.capture_label.text().startswith("● Recording")
    assert not actions.start.isEnabled() and actions.pause[60.0].isEnabled() and not actions.resume.isEnabled()
    qtbot.waitUntil(w.settings.capture_enabled.isChecked, timeout=5000)  # the core kept the consent
    assert s.assistant.settings.current.capture.enabled

    actions.pause[60.0].trigger()
    qtbot.waitUntil(lambda: s.capture_state == PAUSED, timeout=20000)
    assert w.capture_label.text().startswith("❚❚ Paused until")
    assert actions.resume.isEnabled() and not actions.pause[None].isEnabled()
    actions.resume.trigger()
    qtbot.waitUntil(lambda: s.capture_state == RECORDING, timeout=20000)

    w.settings.capture_enabled.setChecked(False)  # the Settings switch stops it
    qtbot.waitUntil(lambda: s.capture_state == OFF, timeout=20000)
    qtbot.waitUntil(lambda: not s.assistant.settings.current.capture.enabled, timeout=20000)
    assert actions.start.isEnabled() and not actions.resume.isEnabled()
    idle(qtbot, s)


def test_capture_that_cannot_start_says_why(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, desktop: Desktop) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    said: list[str] = []
    desktop.session.message.connect(said.append)
    box = desktop.window.settings.capture_enabled
    box.setChecked(True)
    qtbot.waitUntil(lambda: any(m.startswith("start capture:") for m in said), timeout=20000)
    qtbot.waitUntil(lambda: not box.isChecked(), timeout=5000)  # unticked again: nothing is recording
    assert not desktop.session.assistant.settings.current.capture.enabled
    assert desktop.session.capture_state != RECORDING
    idle(qtbot, desktop.session)
