"""Entry point of the desktop app (`assistant-ui`): single instance, unlock, then the window, tray,
quick recall and global hotkey, all sharing one Session."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox

from assistant.api import Assistant
from assistant.errors import AssistantError
from ui.actions import AppActions
from ui.hotkey import GlobalHotkey, readable
from ui.icons import icon
from ui.locking import LockFlow
from ui.main_window import MainWindow
from ui.own_windows import OwnWindowRegistrar
from ui.quick_recall import QuickRecall
from ui.session import Session
from ui.single_instance import SingleInstance, instance_key
from ui.tasks import TaskManager
from ui.tray import Tray
from ui.unlock import UnlockDialog

APP_NAME = "Memory assistant"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="assistant-ui", description="The memory assistant's desktop app.")
    parser.add_argument(
        "--data-dir", help="where the encrypted store lives (default: ASSISTANT_HOME or the platform's data dir)"
    )
    parser.add_argument("--hidden", action="store_true", help="start in the tray, without the main window")
    parser.add_argument("--recall", action="store_true", help="open quick recall (in the running app if any)")
    parser.add_argument("--self-test", action="store_true", help="check this install and exit")
    return parser.parse_args(argv)


class Desktop(QObject):
    """Everything the unlocked app shows, wired together."""

    def __init__(
        self, session: Session, use_tray: bool = True, use_hotkey: bool = True, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.actions = AppActions(session, self)
        # Lambdas, not bound methods: the window and quick recall are new ones after each lock.
        self.actions.recall_requested.connect(lambda: self.recall.toggle())  # noqa: PLW0108
        self.actions.open_requested.connect(lambda: self.window.bring_to_front())  # noqa: PLW0108
        self.actions.quit_requested.connect(self.quit)
        self.tray: Tray | None = None
        if use_tray and Tray.available():
            self.tray = Tray(session, self.actions, self)
            self.tray.show()
        self._build_views()
        self.hotkey = GlobalHotkey(self)
        self.hotkey.triggered.connect(lambda: self.recall.toggle())  # noqa: PLW0108
        self.hotkey_message: str | None = None
        self._use_hotkey = use_hotkey
        if use_hotkey:
            self.rebind_hotkey(session.assistant.settings.current.ui.hotkey)
        self.locking = LockFlow(self)
        self.actions.lock_requested.connect(self.locking.lock)
        self.start_work()
        self._quitting = False
        self.closing_note: QLabel | None = None

    def _build_views(self) -> None:
        """The window and quick recall, new: after a lock nothing of what they showed is kept."""
        self.window = MainWindow(self.session, self.actions)
        self.recall = QuickRecall(self.session)
        self.recall.open_item.connect(self.window.open_item)
        self.recall.answered.connect(self.window.ask.add_answered)
        self.window.set_tray(self.tray is not None)
        self.window.settings.hotkey_changed.connect(self.rebind_hotkey)

    def start_work(self) -> None:
        """Polling, the vector index and background work: at start and after each unlock."""
        self.session.start_polling()
        self.session.load_index_in_background()
        self.session.start_background()

    def rebind_hotkey(self, spec: str) -> None:
        self.hotkey_message = self.hotkey.start(spec)
        self.session.message.emit(self.hotkey_message or f"Quick recall: {readable(spec)}")

    def handle_message(self, message: str) -> None:
        """A second launch asked us to come forward ("show") or to open quick recall ("recall"), or
        `assistant lock` asked us to lock ("lock")."""
        if message == "lock":
            self.locking.lock("locked from the command line")
        elif self.locking.locked:
            self.locking.bring_dialog_forward()
        elif message == "recall":
            self.recall.popup()
        else:
            self.window.bring_to_front()

    def quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        self.window.settings.flush()
        self.hotkey.stop()
        self.recall.hide()
        if self.tray is not None:
            self.tray.hide()
        self.window.hide()
        self.closing_note = closing_note(self.session.tasks.pending)
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def shutdown(self) -> None:
        """After the event loop ends: let running work finish, then lock the store."""
        self.session.assistant.security.stop_watching()
        self.hotkey.stop()
        self.session.shutdown()
        self.session.assistant.close()
        if self.closing_note is not None:
            self.closing_note.close()


def closing_note(pending: int) -> QLabel:
    """Shown from Quit until the work still running has finished and the store is locked (seconds, with
    a consolidation or indexing under way): without it the app seemed to ignore Quit."""
    work = f"finishing {pending} task{'s' if pending != 1 else ''}, then " if pending else ""
    note = QLabel(f"Closing {APP_NAME}: {work}locking your memory…")
    note.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
    note.setMargin(16)
    note.setFrameShape(QLabel.Shape.StyledPanel)
    note.show()
    note.raise_()
    app = QApplication.instance()
    if app is not None:
        app.processEvents()  # painted now: the event loop ends right after and shutdown blocks
    return note


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:  # the installed app's own check: no window, the core through the facade
        from assistant.cli.selftest import print_line, run_self_test

        return run_self_test(print_line)
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName(APP_NAME)
    qapp.setDesktopFileName("memory-assistant")
    qapp.setWindowIcon(icon("app"))
    qapp.setQuitOnLastWindowClosed(False)

    try:
        assistant = Assistant(args.data_dir)
    except AssistantError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    registrar = OwnWindowRegistrar(assistant, qapp)
    qapp.installEventFilter(registrar)  # before any window shows: none of them is ever captured
    instance = SingleInstance(instance_key(assistant.paths.root))
    if not instance.claim():
        if instance.notify_running("recall" if args.recall else "show"):
            print(f"{APP_NAME} is already running for {assistant.paths.root}; brought it forward.")
            return 0
        print(f"{APP_NAME} is starting or stuck for {assistant.paths.root}; try again shortly.", file=sys.stderr)
        return 1

    tasks = TaskManager()
    dialog = UnlockDialog(assistant, tasks)

    def raise_dialog(_message: str) -> None:
        dialog.raise_()
        dialog.activateWindow()

    instance.activated.connect(raise_dialog)
    dialog.show()
    dialog.try_keyring(quiet=True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        tasks.wait()
        instance.release()
        return 0
    instance.activated.disconnect()

    session = Session(assistant, tasks)
    session.keyring_enabled = assistant.security.keyring_enabled
    desktop = Desktop(session)
    desktop.locking.watch()  # screen lock, suspend and idleness lock the app
    instance.activated.connect(desktop.handle_message)
    if args.recall:
        desktop.recall.popup()
    if not (args.hidden and desktop.tray is not None):
        desktop.window.show()
    rc = int(qapp.exec())
    desktop.shutdown()
    instance.release()
    return rc


if __name__ == "__main__":
    sys.exit(main())
