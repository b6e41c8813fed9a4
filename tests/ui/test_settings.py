"""Settings: changes are saved through the facade and survive a restart (a new Assistant on the same dir)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant.api import Assistant
from assistant.config import ConsolidationSettings
from assistant.errors import AssistantError
from tests.conftest import PASSPHRASE
from tests.ui.conftest import idle
from ui import autostart
from ui.app import Desktop
from ui.format import human_bytes
from ui.views import settings as settings_module


def test_settings_persist_across_restarts(
    qtbot: QtBot, desktop: Desktop, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings_module, "allow_network", lambda parent: True)  # the user says yes
    view = desktop.window.show_view("settings")
    assert view is desktop.window.settings
    assert not view.capture_enabled.isChecked() and view.local_only.isChecked()
    view.interval.setValue(7.5)
    view.monitors.setCurrentIndex(view.monitors.findData("primary"))
    view.excluded_apps.entry.setText("signal")
    view.excluded_apps.add_current()
    for title in ("Payroll", "Draft"):
        view.excluded_titles.entry.setText(title)
        view.excluded_titles.add_current()
    view.excluded_titles.items.setCurrentRow(1)
    view.excluded_titles.remove_selected()
    view.keep_thumbnails.setChecked(True)
    view.retention.setValue(3)
    view.budget.setValue(4096)
    view.local_only.setChecked(False)
    assert view.hotkey.text() == "Ctrl+Shift+Space"  # as people write it, not pynput's "<ctrl>+<shift>+<space>"
    view.hotkey.setText("Ctrl+Alt+M")
    with qtbot.waitSignal(view.hotkey_changed, timeout=2000):
        view.hotkey.editingFinished.emit()
    view.start_on_login.setChecked(True)
    assert view.dirty
    with qtbot.waitSignal(view.saved, timeout=15000):
        pass  # the debounce fires and one batch is written in the write lane
    idle(qtbot, desktop.session)
    assert not view.dirty
    assert autostart.entry_path().is_file()
    assert "--hidden" in autostart.entry_path().read_text()

    restarted = Assistant(data_dir)
    s = restarted.settings.current
    assert s.capture.interval_seconds == 7.5 and s.capture.monitors == "primary"
    assert s.capture.excluded_apps == ["signal"] and s.capture.excluded_titles == ["Payroll"]
    assert s.capture.keep_thumbnails and s.capture.thumbnail_retention_days == 3
    assert s.capture.storage_budget_mb == 4096
    assert s.privacy.local_only is False
    assert s.ui.hotkey == "<ctrl>+<alt>+m" and s.ui.start_on_login is True
    assert desktop.window.privacy_label.text() == "Network allowed"

    view.start_on_login.setChecked(False)
    with qtbot.waitSignal(view.saved, timeout=15000):
        pass
    assert not autostart.entry_path().exists()
    assert Assistant(data_dir).settings.current.ui.start_on_login is False


def test_a_new_settings_view_shows_what_was_saved(qtbot: QtBot, desktop: Desktop, data_dir: Path) -> None:
    desktop.session.assistant.settings.set("capture.interval_seconds", 12.0)
    desktop.session.assistant.settings.set("capture.keep_thumbnails", True)
    view = desktop.window.settings
    view.load()
    assert view.interval.value() == 12.0 and view.keep_thumbnails.isChecked()
    assert not view.dirty  # showing values does not write them back


def test_change_passphrase(qtbot: QtBot, desktop: Desktop, data_dir: Path) -> None:
    box = desktop.window.settings.passphrase
    box.old.setText("not it at all")
    box.new.setText("a brand new passphrase")
    box.confirm.setText("a brand new passphrase")
    box.change_button.click()
    qtbot.waitUntil(lambda: "wrong" in box.note.text(), timeout=15000)
    box.old.setText(PASSPHRASE)
    box.change_button.click()
    qtbot.waitUntil(lambda: box.note.text() == "Passphrase changed.", timeout=15000)
    other = Assistant(data_dir)
    other.unlock("a brand new passphrase")
    other.close()


def test_storage_gauge_shows_usage_against_the_budget(qtbot: QtBot, desktop: Desktop) -> None:
    view = desktop.window.show_view("settings")
    assert view is desktop.window.settings
    assert view.usage_row.isVisibleTo(view)
    qtbot.waitUntil(lambda: view.usage.maximum() > 0, timeout=15000)  # measured
    assert view.usage.format().endswith("of 2.0 GB")
    used = desktop.session.assistant.capture.storage_usage()
    assert view.usage.format().startswith(human_bytes(used.total))
    view.budget.setValue(1024)
    assert "of 1.0 GB" in view.usage.format()
    idle(qtbot, desktop.session)


def test_turning_local_only_off_asks_first(qtbot: QtBot, desktop: Desktop, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[bool] = []
    answer = [False]

    def allow(parent: object) -> bool:
        asked.append(True)
        return answer[0]

    monkeypatch.setattr(settings_module, "allow_network", allow)
    view = desktop.window.show_view("settings")
    assert view is desktop.window.settings
    view.local_only.setChecked(False)  # the user says no
    assert asked == [True] and view.local_only.isChecked() and not view.dirty
    assert desktop.session.assistant.settings.current.privacy.local_only
    answer[0] = True
    view.local_only.setChecked(False)
    with qtbot.waitSignal(view.saved, timeout=15000):
        pass
    assert asked == [True, True] and desktop.session.assistant.settings.current.privacy.local_only is False
    view.local_only.setChecked(True)  # back on: nothing to ask
    assert asked == [True, True]
    with qtbot.waitSignal(view.saved, timeout=15000):
        pass
    idle(qtbot, desktop.session)


def test_hotkeys_read_as_people_write_them() -> None:
    from ui.hotkey import readable, to_spec

    assert readable("<ctrl>+<shift>+<space>") == "Ctrl+Shift+Space"
    assert readable("<cmd>+<alt>+r") == "Super+Alt+R"
    assert to_spec("Ctrl+Shift+Space") == "<ctrl>+<shift>+<space>"
    assert to_spec("ctrl + alt + m") == "<ctrl>+<alt>+m"
    assert to_spec("<ctrl>+<alt>+m") == "<ctrl>+<alt>+m"  # pynput's own syntax still works
    assert to_spec("Win+F12") == "<cmd>+<f12>"


def test_consolidation_interval_raw_retention_and_idle_time_are_settings_that_apply(
    qtbot: QtBot, desktop: Desktop, data_dir: Path
) -> None:
    a = desktop.session.assistant
    idle(qtbot, desktop.session)  # the app scheduled consolidation at start
    assert a._core.background.consolidation_interval() == 1.0
    view = desktop.window.show_view("settings")
    assert view is desktop.window.settings
    assert view.consolidate_every.value() == 1 and view.raw_retention.value() == 90
    assert view.idle_minutes.value() == 5.0 and view.model_on_ac.isChecked()
    view.model_on_ac.setChecked(False)  # the model pass then waits for idle time, even on AC power
    view.consolidate_every.setValue(3)
    view.raw_retention.setValue(0)  # "forever"
    view.idle_minutes.setValue(2.5)
    assert view.raw_retention.text() == "forever"
    with qtbot.waitSignal(view.saved, timeout=15000):
        pass
    assert a._core.background.consolidation_interval() == 3.0  # rescheduled now, not at the next start
    saved = Assistant(data_dir).settings.current
    assert saved.consolidation.interval_minutes == 3.0 and saved.consolidation.raw_retention_days == 0
    assert saved.capture.idle_seconds == 150.0 and saved.consolidation.model_on_ac is False
    idle(qtbot, desktop.session)


def test_a_consolidation_interval_under_a_minute_is_refused(app: Assistant) -> None:
    with pytest.raises(AssistantError, match="at least 1"):
        app.settings.set("consolidation.interval_minutes", "0")
    assert app.settings.current.consolidation.interval_minutes == ConsolidationSettings().interval_minutes
