"""The system tray icon: capture state at a glance (recording / paused / off, shield when local-only)
and the same actions as the main window. Where no tray exists, `Tray.available()` is False."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from ui.actions import AppActions
from ui.icons import tray_icon
from ui.session import PAUSED, RECORDING, UNAVAILABLE, Session

TOOLTIPS = {RECORDING: "recording", PAUSED: "paused", UNAVAILABLE: "capture unavailable"}


class Tray(QObject):
    state_changed = Signal(str)  # the icon key, e.g. "paused+local-only"

    def __init__(self, session: Session, actions: AppActions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.actions = actions
        self.icon_key = ""
        self.menu = QMenu()
        self.menu.addAction(actions.recall)
        self.menu.addAction(actions.open)
        self.menu.addSeparator()
        for action in actions.capture_actions():
            self.menu.addAction(action)
        self.menu.addAction(actions.consolidate)
        self.menu.addSeparator()
        self.menu.addAction(actions.lock)
        self.menu.addAction(actions.quit)
        self.icon = QSystemTrayIcon(self)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        session.capture_changed.connect(self.refresh)
        session.settings_changed.connect(self.refresh)
        self.refresh()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def refresh(self, *_changed: object) -> None:
        state = self.session.capture_state
        local_only = self.session.local_only
        key = state + ("+local-only" if local_only else "")
        if key == self.icon_key:
            return
        self.icon_key = key
        self.icon.setIcon(tray_icon(state, local_only))
        words = TOOLTIPS.get(state, "not recording")
        self.icon.setToolTip(f"Memory assistant — {words}" + (" · local-only" if local_only else ""))
        self.state_changed.emit(key)

    def _activated(self, reason: Any) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.actions.recall.trigger()
        elif reason == QSystemTrayIcon.ActivationReason.DoubleClick:
            self.actions.open.trigger()

    def notify(self, title: str, text: str) -> None:
        self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 4000)
