"""Lock from the UI: Ctrl+L, the tray/menu action and `assistant lock` lock the store, throw the views
away and show the unlock dialog; the passphrase brings the app back."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import idle
from ui.app import Desktop


def _unlock_again(qtbot: QtBot, desktop: Desktop) -> None:
    dialog = desktop.locking.dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.unlocked_via_keyring and dialog.keyring_button.isHidden()  # a lock ends with the passphrase
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        dialog.ok_button.click()
    qtbot.waitUntil(lambda: desktop.locking.dialog is None, timeout=5000)
    assert desktop.session.assistant.unlocked
    qtbot.waitUntil(desktop.window.isVisible, timeout=5000)


def test_ctrl_l_locks_and_the_passphrase_unlocks(qtbot: QtBot, desktop: Desktop) -> None:
    old_window = desktop.window
    assert desktop.actions.lock.shortcut().toString() == "Ctrl+L"
    assert desktop.actions.lock in desktop.window.actions()
    desktop.actions.lock.trigger()
    assert not desktop.session.assistant.unlocked
    assert desktop.locking.locked and not old_window.isVisible()
    assert desktop.window is not old_window  # what the old window showed is thrown away
    _unlock_again(qtbot, desktop)
    idle(qtbot, desktop.session)


def test_the_running_app_locks_when_asked_from_the_command_line(qtbot: QtBot, desktop: Desktop) -> None:
    desktop.handle_message("lock")
    assert not desktop.session.assistant.unlocked and desktop.locking.locked
    desktop.handle_message("show")  # a second launch while locked brings the dialog, not the window
    assert not desktop.window.isVisible()
    _unlock_again(qtbot, desktop)
    idle(qtbot, desktop.session)


def test_a_lock_from_the_watcher_thread_is_handled_on_the_ui_thread(qtbot: QtBot, desktop: Desktop) -> None:
    import threading

    thread = threading.Thread(target=desktop.locking.requested.emit, args=("the screen locked",))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: desktop.locking.locked, timeout=5000)
    assert not desktop.session.assistant.unlocked
    assert desktop.locking.dialog is not None and "the screen locked" in desktop.locking.dialog.windowTitle()
    _unlock_again(qtbot, desktop)
    idle(qtbot, desktop.session)


def test_the_idle_lock_is_a_setting(qtbot: QtBot, desktop: Desktop) -> None:
    settings = desktop.window.settings
    settings.load()
    assert settings.lock_after.value() == 15  # the default
    settings.lock_after.setValue(5)
    settings.flush()
    idle(qtbot, desktop.session)
    assert desktop.session.assistant.settings.current.privacy.lock_after_idle_minutes == 5.0
    settings.lock_after.setValue(0)
    assert settings.lock_after.text() == "never"
