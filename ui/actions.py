"""The actions the tray menu and the main window share: pause, resume, quick recall, open, lock, quit."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from ui.icons import icon
from ui.session import OFF, PAUSED, RECORDING, UNAVAILABLE, Session, Shown

PAUSES: tuple[tuple[str, float | None], ...] = (
    ("Pause 15 minutes", 15.0),
    ("Pause 1 hour", 60.0),
    ("Pause until resumed", None),
)


class AppActions(QObject):
    open_requested = Signal()
    recall_requested = Signal()
    quit_requested = Signal()
    lock_requested = Signal()

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.pause: dict[float | None, QAction] = {}
        for text, minutes in PAUSES:
            action = QAction(text, self)
            action.triggered.connect(lambda _c=False, m=minutes: session.pause_capture(m))
            self.pause[minutes] = action
        self.resume = QAction("Resume capture", self)
        self.resume.triggered.connect(session.resume_capture)
        self.start = QAction("Start capture", self)
        self.start.triggered.connect(session.start_capture)
        self.consolidate = QAction("Consolidate now", self)
        self.consolidate.setToolTip("Turn new captures and chats into memories now")
        self.consolidate.triggered.connect(session.consolidate)
        self.recall = QAction(icon("search"), "Quick recall", self)
        self.recall.setShortcut(QKeySequence("Ctrl+K"))
        self.recall.triggered.connect(self.recall_requested.emit)
        self.open = QAction(icon("app"), "Open Memory assistant", self)
        self.open.triggered.connect(self.open_requested.emit)
        self.lock = QAction("Lock", self)
        self.lock.setShortcut(QKeySequence("Ctrl+L"))
        self.lock.setToolTip("Close the store and forget its keys until the passphrase is entered again")
        self.lock.triggered.connect(self.lock_requested.emit)
        self.quit = QAction("Quit", self)
        self.quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit.triggered.connect(self.quit_requested.emit)
        session.capture_changed.connect(self.update_state)
        self.update_state(session.capture_state)

    def capture_actions(self) -> list[QAction]:
        return [*self.pause.values(), self.resume, self.start]

    def update_state(self, state: Shown, _status: object = None) -> None:
        for action in self.pause.values():
            action.setEnabled(state == RECORDING)
        self.resume.setEnabled(state == PAUSED)
        self.start.setEnabled(state in (OFF, UNAVAILABLE))
