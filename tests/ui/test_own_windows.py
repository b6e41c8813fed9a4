"""Every top-level window the app shows is registered with the core as its own (capture never records
it): the main window, quick recall and any dialog, through one application-wide filter."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from assistant.api import Assistant
from assistant.capture.frames import WindowInfo
from assistant.capture.own_windows import OWN_WINDOWS
from ui.app import Desktop
from ui.own_windows import OwnWindowRegistrar


def ours(window_id: int) -> bool:
    return OWN_WINDOWS.is_own(WindowInfo("qt", "", pid=None, window_id=window_id))


def test_windows_shown_are_registered_as_the_apps_own(qtbot: QtBot, app: Assistant, desktop: Desktop) -> None:
    qapp = QApplication.instance()
    assert qapp is not None
    registrar = OwnWindowRegistrar(app)
    qapp.installEventFilter(registrar)
    try:
        desktop.recall.popup()
        qtbot.waitExposed(desktop.recall)
        box = QMessageBox(QMessageBox.Icon.Information, "Memory assistant", "a dialog")
        qtbot.addWidget(box)
        box.show()
        qtbot.waitExposed(box)
        assert ours(int(desktop.recall.winId())) and ours(int(box.winId()))
        desktop.window.hide()
        desktop.window.show()  # shown again: registered once, still ours
        assert ours(int(desktop.window.winId()))
    finally:
        qapp.removeEventFilter(registrar)
        desktop.recall.hide()
