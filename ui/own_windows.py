"""Every top-level window the app shows is registered with the core as its own, so screen capture
never records it (a revealed secret or an answer must not come back as captured text)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from assistant.api import Assistant


class OwnWindowRegistrar(QObject):
    """An application-wide event filter: a top-level widget being shown is registered once."""

    def __init__(self, assistant: Assistant, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._assistant = assistant
        self._seen: set[int] = set()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            window_id = int(watched.winId())
            if window_id not in self._seen:
                self._seen.add(window_id)
                self._assistant.capture.register_own_window(window_id)
        return False
