"""The unlock dialog: a wrong passphrase is a message, not a crash; first run sets up a store."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from assistant.api import Assistant
from tests.conftest import PASSPHRASE
from ui.tasks import TaskManager
from ui.unlock import UnlockDialog


def _dialog(qtbot: QtBot, assistant: Assistant) -> tuple[UnlockDialog, TaskManager]:
    tasks = TaskManager()
    dialog = UnlockDialog(assistant, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, tasks


def test_wrong_passphrase_shows_a_message_then_the_right_one_unlocks(qtbot: QtBot, data_dir: Path) -> None:
    Assistant(data_dir).init(PASSPHRASE)
    locked = Assistant(data_dir)
    dialog, tasks = _dialog(qtbot, locked)
    assert not dialog.setup_mode and not dialog.keyring_button.isVisible()  # nobody opted in to the keyring
    dialog.passphrase.setText("not the passphrase")
    dialog.ok_button.click()
    qtbot.waitUntil(dialog.message.isVisible, timeout=15000)
    assert "Wrong passphrase" in dialog.message.text()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted and not locked.unlocked
    assert dialog.ok_button.isEnabled()

    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        dialog.ok_button.click()
    assert locked.unlocked
    tasks.wait()
    locked.close()


def test_first_run_setup_checks_the_passphrase_and_keeps_capture_off(qtbot: QtBot, data_dir: Path) -> None:
    fresh = Assistant(data_dir)
    dialog, tasks = _dialog(qtbot, fresh)
    assert dialog.setup_mode and not dialog.keyring_button.isVisible()
    assert not dialog.capture.isChecked()  # consent: off unless the user ticks it
    dialog.passphrase.setText("short")
    dialog.confirm.setText("short")
    dialog.ok_button.click()
    assert "at least" in dialog.message.text()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirm.setText(PASSPHRASE + "!")
    dialog.ok_button.click()
    assert "differ" in dialog.message.text() and not fresh.initialized
    dialog.confirm.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        dialog.ok_button.click()
    assert fresh.initialized and fresh.unlocked
    tasks.wait()
    assert fresh.search.mode().line == "search: hybrid (all-MiniLM-L6-v2)"  # semantic from the first minute
    fresh.close()
    reopened = Assistant(data_dir)
    assert reopened.settings.current.capture.enabled is False
    reopened.unlock(PASSPHRASE)
    reopened.close()


def test_setup_with_capture_consent_persists_it(qtbot: QtBot, data_dir: Path) -> None:
    fresh = Assistant(data_dir)
    dialog, tasks = _dialog(qtbot, fresh)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirm.setText(PASSPHRASE)
    dialog.capture.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        dialog.ok_button.click()
    tasks.wait()
    fresh.close()
    assert Assistant(data_dir).settings.current.capture.enabled is True


def test_the_keyring_is_offered_only_after_the_user_opted_in(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.crypto import keyring_store

    kept: dict[str, bytes] = {}  # the OS keyring, in memory
    monkeypatch.setattr(keyring_store, "save_data_key", kept.__setitem__)
    monkeypatch.setattr(keyring_store, "load_data_key", kept.get)
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    app.close()
    dialog, tasks = _dialog(qtbot, Assistant(data_dir))
    assert not dialog.keyring_button.isVisible()
    dialog.close()
    tasks.wait()

    app = Assistant(data_dir)
    app.unlock(PASSPHRASE)
    app.security.set_keyring_unlock(True)  # Settings → Privacy
    app.close()
    locked = Assistant(data_dir)
    dialog, tasks = _dialog(qtbot, locked)
    assert dialog.keyring_button.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        dialog.keyring_button.click()
    assert locked.unlocked and dialog.unlocked_via_keyring
    tasks.wait()
    locked.close()


def test_a_message_makes_the_dialog_taller_instead_of_squeezing_its_rows(qtbot: QtBot, data_dir: Path) -> None:
    dialog, tasks = _dialog(qtbot, Assistant(data_dir))
    qtbot.waitExposed(dialog)
    before = dialog.height()
    dialog.passphrase.setText("short")
    dialog.confirm.setText("short")
    dialog.ok_button.click()
    assert dialog.message.isVisible()
    assert dialog.height() > before and dialog.height() >= dialog.sizeHint().height()
    assert dialog.message.geometry().bottom() < dialog.buttons.geometry().top()  # nothing overlaps
    tasks.wait()
