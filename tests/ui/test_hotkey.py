"""The global hotkey fails gracefully where global keys cannot work (the real press is in test_tray.py)."""

from __future__ import annotations

import sys

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.conftest import idle
from ui.app import Desktop
from ui.hotkey import GlobalHotkey, display_problem


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland detection is Linux-only")
def test_no_x_server_is_a_message_not_a_crash(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    hotkey = GlobalHotkey()
    message = hotkey.start("<ctrl>+<shift>+<space>")
    assert message is not None and "no X server" in message
    assert not hotkey.active
    hotkey.stop()  # stopping what never started is fine

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    problem = display_problem()
    assert problem is not None and "Wayland" in problem


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland detection is Linux-only")
def test_the_app_reports_a_missing_hotkey_in_the_status_bar(
    monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, desktop: Desktop
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    with qtbot.waitSignal(desktop.session.message, timeout=2000) as said:
        desktop.rebind_hotkey("<ctrl>+<shift>+<space>")
    assert "Global hotkey off" in said.args[0]
    assert desktop.hotkey_message == said.args[0]
    assert "Global hotkey off" in desktop.window.statusBar().currentMessage()
    idle(qtbot, desktop.session)
