"""The main window: a sidebar of views (Ctrl+1..5) and a status bar with capture state, consolidation
progress, the answer model and the privacy mode."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from assistant.api import CaptureStatus
from assistant.values import Memory, SearchMode
from ui.actions import AppActions
from ui.format import short, when
from ui.icons import icon
from ui.session import OFF, PAUSED, RECORDING, UNAVAILABLE, Session, Shown
from ui.views.ask import AskView
from ui.views.memories import MemoriesView
from ui.views.search import SearchView
from ui.views.settings import SettingsView
from ui.views.timeline import TimelineView

VIEW_NAMES = ("ask", "search", "timeline", "memories", "settings")
CAPTURE_WORDS = {RECORDING: "● Recording", PAUSED: "❚❚ Paused", OFF: "Capture off", UNAVAILABLE: "Capture unavailable"}


def capture_details(status: CaptureStatus) -> list[str]:
    """The capture tooltip's lines: the last capture, and the running pipeline's counters."""
    shown: list[tuple[str, object]] = [("last capture", status.last_capture)]
    s = status.stats
    if s is not None:
        shown += [
            ("frames seen", s.frames_seen),
            ("kept", s.frames_kept),
            ("unchanged", s.frames_unchanged),
            ("excluded", s.frames_excluded),
            ("waiting for OCR", s.ocr_queue_depth),
            ("redactions", s.redactions),
            ("secrets sealed", s.secrets_found),
            ("OCR", s.ocr_status),
            ("last skip", s.last_skip_reason),
        ]
    return [f"{label}: {when(v) if isinstance(v, datetime) else v}" for label, v in shown if v not in (None, "")]


def _dropped_files(event: QDragEnterEvent | QDropEvent) -> list[str]:
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    return [u.toLocalFile() for u in urls if u.isLocalFile() and Path(u.toLocalFile()).is_file()]


class MainWindow(QMainWindow):
    close_to_tray = Signal()  # the window was closed while a tray icon keeps the app running

    def __init__(self, session: Session, actions: AppActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.app_actions = actions
        self.has_tray = False
        self.setWindowTitle("Memory assistant")
        self.setWindowIcon(icon("app"))
        self.resize(1180, 760)

        self.ask = AskView(session)
        self.search = SearchView(session)
        self.timeline = TimelineView(session)
        self.memories = MemoriesView(session)
        self.settings = SettingsView(session)
        self.views: list[QWidget] = [self.ask, self.search, self.timeline, self.memories, self.settings]

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(22, 22))
        self.sidebar.setFixedWidth(160)
        self.sidebar.setSpacing(2)
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.stack = QStackedWidget()
        for i, (name, view) in enumerate(zip(VIEW_NAMES, self.views, strict=True)):
            item = QListWidgetItem(icon(name), name.capitalize())
            item.setToolTip(f"{name.capitalize()} (Ctrl+{i + 1})")
            item.setSizeHint(QSize(140, 38))
            self.sidebar.addItem(item)
            self.stack.addWidget(view)
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.import_error: QMessageBox | None = None  # the last failed import's message
        self.setAcceptDrops(True)  # a transcript dropped on the window is imported
        self._build_menus()
        self._build_status_bar()
        session.capture_changed.connect(self._show_capture)
        session.settings_changed.connect(self._show_settings)
        session.consolidation_progress.connect(self._show_consolidation)
        session.import_progress.connect(self._show_import)
        session.model_changed.connect(self._show_model)
        session.model_backlog_changed.connect(self._show_model_backlog)
        session.search_changed.connect(self._show_search)
        session.message.connect(self.say)
        session.tasks.busy_changed.connect(self._show_busy)
        self._show_capture(session.capture_state, session.capture_status)
        self._show_settings()
        self._show_model(session.chat_model)
        session.refresh_model()
        self.show_view("ask")

    # -- chrome -----------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        app_menu = bar.addMenu("&Memory")
        app_menu.addAction(self.app_actions.recall)
        app_menu.addAction(self.app_actions.consolidate)
        self.import_action = QAction("Import chats…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setToolTip("Add a chat transcript: a ChatGPT export, a LoCoMo file or JSON Lines")
        self.import_action.triggered.connect(self.choose_import)
        app_menu.addAction(self.import_action)
        self.addAction(self.import_action)
        app_menu.addSeparator()
        app_menu.addAction(self.app_actions.lock)
        self.addAction(self.app_actions.lock)
        app_menu.addAction(self.app_actions.quit)
        view_menu = bar.addMenu("&View")
        for i, name in enumerate(VIEW_NAMES):
            action = QAction(icon(name), name.capitalize(), self)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _c=False, n=name: self.show_view(n, focus=True))
            view_menu.addAction(action)
            self.addAction(action)
        self.capture_menu = bar.addMenu("&Capture")
        for action in self.app_actions.capture_actions():
            self.capture_menu.addAction(action)
        self.capture_menu.menuAction().setVisible(any(a.isVisible() for a in self.app_actions.capture_actions()))
        self.addAction(self.app_actions.recall)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.capture_label = QLabel()
        self.consolidation = QProgressBar()
        self.consolidation.setMaximumWidth(180)
        self.consolidation.setMaximumHeight(14)
        self.consolidation.setFormat("consolidating %v/%m")
        self.consolidation.hide()
        self.importing = QProgressBar()
        self.importing.setMaximumWidth(220)
        self.importing.setMaximumHeight(14)
        self.importing.setFormat("indexing %v/%m")
        self.importing.hide()
        self.model_label = QLabel()
        self.backlog_label = QLabel()  # episodes waiting for the model pass (hidden when none)
        self.backlog_label.setToolTip(
            "Read by the model while you are idle or on AC power; already searchable from the captures"
        )
        self.backlog_label.hide()
        self.search_label = QLabel()
        self.search_label.hide()  # until the mode is known
        self.privacy_label = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(60)
        self.busy.setMaximumHeight(10)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.tray_note = QLabel("No system tray: capture controls are in the Capture menu")
        self.tray_note.setStyleSheet("color: gray;")
        self.tray_note.hide()
        status.addPermanentWidget(self.busy)
        status.addPermanentWidget(self.tray_note)
        status.addPermanentWidget(self.consolidation)
        status.addPermanentWidget(self.importing)
        status.addPermanentWidget(self.capture_label)
        status.addPermanentWidget(self.model_label)
        status.addPermanentWidget(self.backlog_label)
        status.addPermanentWidget(self.search_label)
        status.addPermanentWidget(self.privacy_label)

    # -- import -------------------------------------------------------------------------------------
    def choose_import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Import chats", str(Path.home()), "Chat transcripts (*.json *.jsonl *.ndjson *.zip);;All files (*)"
        )
        if path:
            self.import_chats(path)

    def import_chats(self, path: str) -> None:
        handle = self.session.import_chats(path)
        handle.failed.connect(lambda exc: self._import_failed(path, exc))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = _dropped_files(event)
        for path in files:
            self.import_chats(path)
        if files:
            event.acceptProposedAction()

    def _import_failed(self, path: str, exc: BaseException) -> None:
        """Said in a box, not only the status bar: the reason is the user's to act on (wrong file, ...)."""
        self.import_error = QMessageBox(
            QMessageBox.Icon.Warning, "Import chats", f"Nothing was imported from {Path(path).name}.", parent=self
        )
        self.import_error.setInformativeText(str(exc))
        self.import_error.open()

    def _show_import(self, done: int, total: int, phase: str) -> None:
        self.importing.setVisible(total > 0)
        if total:
            self.importing.setFormat(f"{phase} %v/%m")
            self.importing.setRange(0, total)
            self.importing.setValue(done)

    def say(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _show_busy(self, pending: int) -> None:
        self.busy.setVisible(pending > 0)

    def set_tray(self, available: bool) -> None:
        self.has_tray = available
        self.tray_note.setVisible(not available)
        has_menu = self.capture_menu.menuAction().isVisible()
        self.tray_note.setText(
            "No system tray: capture controls are in the Capture menu"
            if has_menu
            else "No system tray: the app runs while this window is open"
        )

    def _show_capture(self, state: Shown, status: CaptureStatus | None = None) -> None:
        text = CAPTURE_WORDS[state]
        until = status.paused_until if status is not None else None
        if state == PAUSED and until is not None:
            text += f" until {when(until, with_date=False)}"
        if state == RECORDING and status is not None and status.state in ("idle", "locked"):
            text += f" ({status.state})"
        if state == UNAVAILABLE and status is not None:
            text = f"Capture: {status.words.removeprefix('unavailable: ')}"
        self.capture_label.setText(short(text, 60))
        self.capture_label.setStyleSheet("color: #e0383e;" if state == RECORDING else "")
        tip = [status.words, *capture_details(status)] if status is not None else [state]
        self.capture_label.setToolTip("\n".join(tip))

    def _show_settings(self) -> None:
        s = self.session.assistant.settings.current
        self.privacy_label.setText("Local-only" if s.privacy.local_only else "Network allowed")
        self.privacy_label.setStyleSheet("color: #2e9d5b;" if s.privacy.local_only else "color: #c77700;")
        self.privacy_label.setToolTip(
            "Local-only mode refuses every network connection"
            if s.privacy.local_only
            else "Local-only mode is off: model downloads may use the network"
        )

    def _show_model(self, name: str | None) -> None:
        self.model_label.setVisible(name is not None)
        self.model_label.setText(f"Model: {name}" if name else "No model: quoted answers")

    def _show_model_backlog(self, waiting: int) -> None:
        self.backlog_label.setVisible(waiting > 0)
        self.backlog_label.setText(f"{waiting} episode{'s' if waiting != 1 else ''} waiting for the model")

    def _show_search(self, mode: SearchMode) -> None:
        """Whether search finds by meaning too: a store without an embedder finds only the words typed."""
        self.search_label.setText("Search: hybrid" if mode.embedder else "Search: full text only")
        self.search_label.setStyleSheet("" if mode.embedder else "color: #c77700;")
        self.search_label.setToolTip(mode.line)
        self.search_label.show()

    def _show_consolidation(self, done: int, total: int) -> None:
        if total <= 0:
            self.consolidation.hide()
            return
        self.consolidation.setRange(0, total)
        self.consolidation.setValue(done)
        self.consolidation.show()

    # -- navigation -------------------------------------------------------------------------------
    def current_view(self) -> str:
        return VIEW_NAMES[self.stack.currentIndex()]

    def show_view(self, name: str, focus: bool = False) -> QWidget:
        index = VIEW_NAMES.index(name)
        self.sidebar.setCurrentRow(index)
        view = self.views[index]
        if focus and hasattr(view, "focus_input"):
            view.focus_input()
        return view

    def open_item(self, item_id: str) -> None:
        """Show an id from quick recall or a link: memories in Memories, raw events in Search's panel."""
        self.bring_to_front()
        if item_id.startswith("ev_"):
            self.show_view("search")
            self.search.detail.show_item(item_id)
            return

        def show(memory: Memory) -> None:
            self.show_view("memories")
            self.memories.open_memory(memory)

        self.session.run(self.session.assistant.memories.get, item_id, name="open memory", owner=self, on_result=show)

    def bring_to_front(self) -> None:
        self.show()
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.flush()
        if self.has_tray:
            event.ignore()
            self.hide()
            self.close_to_tray.emit()
            return
        event.accept()
        self.app_actions.quit.trigger()
