"""Lock from the UI: Lock (menu, tray, Ctrl+L), `assistant lock`, and the core's watcher (screen lock,
suspend, idle) all end here. The core drops the keys and closes everything; the UI lets running work
finish first, throws away the window and quick recall (and what they showed), and asks for the
passphrase again. The keyring is not tried: a lock must end with the passphrase."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from ui.unlock import UnlockDialog

if TYPE_CHECKING:
    from ui.app import Desktop


class LockFlow(QObject):
    requested = Signal(str)  # emitted from any thread (the core's watcher); handled on the UI thread

    def __init__(self, desktop: Desktop) -> None:
        super().__init__(desktop)
        self.desktop = desktop
        self.dialog: UnlockDialog | None = None
        self.requested.connect(self.lock, Qt.ConnectionType.QueuedConnection)

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def watch(self) -> list[str]:
        """Lock on screen lock, suspend and idleness; returns the triggers that are on."""
        return self.desktop.session.assistant.security.watch_for_lock(self.requested.emit)

    def lock(self, reason: str = "locked by the user") -> None:
        d = self.desktop
        if self.locked:
            return
        d.hotkey.stop()
        d.recall.hide()
        d.window.settings.flush()
        d.window.hide()
        d.session.shutdown()  # running work finishes before the store closes under it
        d.session.assistant.security.lock(reason)
        for view in (d.window, d.recall):
            view.deleteLater()
        d._build_views()  # empty ones, shown again after the unlock
        self.dialog = UnlockDialog(d.session.assistant, d.session.tasks)
        self.dialog.setWindowTitle(f"Locked: {reason}")
        self.dialog.keyring_button.hide()  # the session that was just locked could use the keyring too
        self.dialog.accepted.connect(self._unlocked)
        self.dialog.rejected.connect(d.quit)
        self.dialog.show()

    def bring_dialog_forward(self) -> None:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()

    def _unlocked(self) -> None:
        d = self.desktop
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        d.start_work()
        if d._use_hotkey:
            d.rebind_hotkey(d.session.assistant.settings.current.ui.hotkey)
        d.window.show()
        d.session.data_changed.emit()
