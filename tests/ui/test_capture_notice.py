"""The first capture on a Wayland desktop whose portal asks for consent: the app explains the system dialog
first, from the core's notice; Cancel starts nothing, OK starts capture and the notice is not shown again."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant.capture import wayland
from tests.fake_portal import FakePortal, fake_compositor, fake_grim
from tests.session_bus import bare_session_bus
from tests.ui.conftest import idle
from ui.app import Desktop
from ui.session import RECORDING, Session

__all__ = ["bare_session_bus"]  # the fixture, under the name the test asks for


def test_the_consent_dialog_is_explained_before_capture_starts(
    desktop: Desktop, qtbot: QtBot, bare_session_bus: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, box = desktop.session, desktop.window.settings.capture_enabled
    shown: list[str] = []
    answers = [False, True]

    def confirm(text: str) -> bool:
        shown.append(text)
        return answers.pop(0)

    session.confirm_notice = confirm
    fake_grim(tmp_path, monkeypatch, works=False)  # no screencopy: the portal, with its dialog
    with fake_compositor(tmp_path) as env, FakePortal(bare_session_bus, tmp_path):
        for key, value in {**env, "DBUS_SESSION_BUS_ADDRESS": bare_session_bus, "SWAYSOCK": ""}.items():
            monkeypatch.setenv(key, value)
        box.setChecked(True)  # the user cancels at the notice
        qtbot.waitUntil(lambda: not box.isChecked(), timeout=5000)
        assert len(shown) == 1 and shown[0].startswith(wayland.DIALOG_NOTICE)
        assert not session.assistant.settings.current.capture.enabled and session.capture_state != RECORDING

        box.setChecked(True)  # shown again (it was not read), and this time OK
        qtbot.waitUntil(lambda: session.capture_state == RECORDING, timeout=20000)
        assert len(shown) == 2 and session.assistant.capture.notice() is None
        box.setChecked(False)
        idle(qtbot, session)
        box.setChecked(True)  # read once: capture starts without asking
        qtbot.waitUntil(lambda: session.capture_state == RECORDING, timeout=20000)
        assert len(shown) == 2
        box.setChecked(False)
        idle(qtbot, session)


def test_capture_consented_before_is_explained_at_start_too(
    session: Session, qtbot: QtBot, bare_session_bus: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Consent given on another desktop (X11, the CLI): the portal's dialog is still explained first."""
    shown: list[str] = []
    answers = [False, True]
    session.confirm_notice = lambda text: shown.append(text) or answers.pop(0)
    session.assistant.settings.set("capture.enabled", True)
    fake_grim(tmp_path, monkeypatch, works=False)
    with fake_compositor(tmp_path) as env, FakePortal(bare_session_bus, tmp_path):
        for key, value in {**env, "DBUS_SESSION_BUS_ADDRESS": bare_session_bus, "SWAYSOCK": ""}.items():
            monkeypatch.setenv(key, value)
        session.start_background()  # Cancel: capture is turned off, nothing records
        idle(qtbot, session)
        assert len(shown) == 1 and not session.assistant.settings.current.capture.enabled
        assert session.assistant.capture.status().state == "off"
        session.assistant.settings.set("capture.enabled", True)
        session.start_background()  # OK: capture starts
        qtbot.waitUntil(lambda: session.capture_state == RECORDING, timeout=20000)
        assert len(shown) == 2
        session.stop_capture()
        idle(qtbot, session)
