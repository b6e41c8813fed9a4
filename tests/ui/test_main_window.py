"""The main window: Ctrl+1..5 switch views, opening items from anywhere, consolidation progress, importing chats."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from assistant.values import SemanticMemory
from tests.conftest import FIXTURES
from tests.ui.conftest import idle
from ui.app import Desktop
from ui.main_window import VIEW_NAMES


def test_keyboard_shortcuts_switch_views(qtbot: QtBot, desktop: Desktop) -> None:
    w = desktop.window
    w.activateWindow()
    for number, name in reversed(list(enumerate(VIEW_NAMES, start=1))):
        qtbot.keyClick(w, Qt.Key(Qt.Key.Key_0.value + number), Qt.KeyboardModifier.ControlModifier)
        assert w.current_view() == name
    assert w.ask.input.hasFocus()  # Ctrl+1 also puts the cursor where you type
    qtbot.keyClick(w, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert desktop.recall.isVisible()
    qtbot.keyClick(desktop.recall.query, Qt.Key.Key_Escape)
    assert not desktop.recall.isVisible()
    idle(qtbot, desktop.session)


def test_open_item_goes_to_the_right_view(qtbot: QtBot, desktop: Desktop) -> None:
    a = desktop.session.assistant
    fact = a.memories.add(SemanticMemory(name="Ficus", summary="Marta waters the ficus"))
    w = desktop.window
    w.open_item(fact.id)
    qtbot.waitUntil(lambda: w.current_view() == "memories" and w.memories.editor.memory is not None, timeout=15000)
    assert w.memories.type_ == "semantic" and w.memories.editor.memory is not None
    assert w.memories.editor.memory.id == fact.id
    qtbot.waitUntil(lambda: w.memories.table.currentRow() == 0, timeout=15000)

    a.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    event_id = a.search.find("ficus", types=["chat"])[0].id
    with qtbot.waitSignal(w.search.detail.shown, timeout=15000):
        w.open_item(event_id)
    assert w.current_view() == "search" and "ficus" in w.search.detail.browser.toPlainText()
    idle(qtbot, desktop.session)


def test_consolidate_now_shows_progress_and_makes_memories(qtbot: QtBot, desktop: Desktop) -> None:
    a = desktop.session.assistant
    a.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    assert a.status().pending_consolidation > 0
    action = desktop.actions.consolidate
    assert action.isVisible()
    progress: list[tuple[int, int]] = []
    desktop.session.consolidation_progress.connect(lambda d, t: progress.append((d, t)))
    with qtbot.waitSignal(desktop.session.data_changed, timeout=60000):
        action.trigger()
    idle(qtbot, desktop.session)
    assert progress and progress[-1] == (0, 0)  # the gauge is hidden again at the end
    assert not desktop.window.consolidation.isVisible()
    assert a.status().pending_consolidation == 0
    assert a.memories.latest("episodic")
    assert "consolidation done" in desktop.window.statusBar().currentMessage()


def test_core_notes_reach_the_status_bar_once(qtbot: QtBot, desktop: Desktop) -> None:
    a = desktop.session.assistant
    a._core.notes.model = "model unavailable: the file is damaged"  # what the core notes on a broken model
    said: list[str] = []
    desktop.session.message.connect(said.append)
    with qtbot.waitSignal(desktop.window.ask.answered, timeout=15000):
        desktop.window.ask.ask("anything about ficus?")
    assert any("model unavailable: the file is damaged" in line for line in said)  # with any other notes
    said.clear()
    with qtbot.waitSignal(desktop.window.ask.answered, timeout=15000):
        desktop.window.ask.ask("and again?")
    assert not any("model unavailable" in line for line in said)  # not repeated while unchanged
    idle(qtbot, desktop.session)


def test_import_chats_from_the_menu_tells_the_format_and_makes_them_searchable(
    qtbot: QtBot, desktop: Desktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = desktop.window
    chosen = str(FIXTURES / "chatgpt_conversations.json")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (chosen, ""))
    assert w.import_action.shortcut().toString() == "Ctrl+I"
    with qtbot.waitSignal(desktop.session.data_changed, timeout=30000):
        w.import_action.trigger()
    idle(qtbot, desktop.session)
    a = desktop.session.assistant
    read = a.status().events["chat"]
    assert read > 0
    assert (
        w.statusBar().currentMessage()
        == f"imported {read} new message(s) of {read} from chatgpt_conversations.json (chatgpt)"
    )
    assert not w.importing.isVisible() and w.import_error is None
    with qtbot.waitSignal(desktop.session.data_changed, timeout=30000):
        w.import_chats(chosen)  # again: nothing new
    assert w.statusBar().currentMessage().endswith(f"(chatgpt; {read} already there)")
    idle(qtbot, desktop.session)


def test_a_file_that_is_not_a_chat_export_imports_nothing_and_says_why(
    qtbot: QtBot, desktop: Desktop, tmp_path: Path
) -> None:
    w = desktop.window
    bad = tmp_path / "notes.csv"
    bad.write_text("speaker,text\nme,hello\n")
    w.import_chats(str(bad))
    qtbot.waitUntil(lambda: w.import_error is not None and w.import_error.isVisible(), timeout=30000)
    assert w.import_error is not None
    assert w.import_error.text() == "Nothing was imported from notes.csv."
    assert "cannot tell its format: it is not JSON" in w.import_error.informativeText()
    assert desktop.session.assistant.status().events.get("chat", 0) == 0
    w.import_error.close()
    idle(qtbot, desktop.session)


# PySide6 marks QDragEnterEvent's only constructor deprecated (Qt keeps it); a test has no other way to make one.
@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent.*deprecated:DeprecationWarning")
def test_a_transcript_dropped_on_the_window_is_imported(qtbot: QtBot, desktop: Desktop, tmp_path: Path) -> None:
    w = desktop.window
    assert w.acceptDrops()
    data = QMimeData()
    # a transcript and a folder (ignored)
    data.setUrls([QUrl.fromLocalFile(str(FIXTURES / "chat.jsonl")), QUrl.fromLocalFile(str(tmp_path))])
    enter = QDragEnterEvent(
        QPoint(50, 50), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(w, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(50, 50), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(desktop.session.data_changed, timeout=30000):
        QApplication.sendEvent(w, drop)
    idle(qtbot, desktop.session)
    assert w.statusBar().currentMessage() == "imported 4 new message(s) of 4 from chat.jsonl (jsonl)"
    assert w.import_error is None
    nothing = QMimeData()
    nothing.setText("just text")
    refused = QDragEnterEvent(
        QPoint(50, 50), Qt.DropAction.CopyAction, nothing, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(w, refused)
    assert not refused.isAccepted()


def test_quit_says_it_is_closing_until_the_work_is_done(qtbot: QtBot, desktop: Desktop) -> None:
    import time

    idle(qtbot, desktop.session)  # the start-up work is done
    desktop.session.run(time.sleep, 0.5, name="slow work")  # a consolidation still running, say
    desktop.quit()
    note = desktop.closing_note
    assert not desktop.window.isVisible()
    assert note is not None and note.isVisible() and "Closing" in note.text() and "finishing 1 task" in note.text()
    desktop.shutdown()  # what the app runs once its event loop has ended
    assert not note.isVisible() and not desktop.session.assistant.unlocked


def test_a_large_import_shows_what_it_has_stored_so_far(qtbot: QtBot, desktop: Desktop, tmp_path: Path) -> None:
    import json

    source = tmp_path / "big.jsonl"
    lines = [
        {"speaker": "me", "text": f"note {n}", "time": f"2024-01-01T10:{n // 60:02d}:{n % 60:02d}Z"} for n in range(450)
    ]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    w = desktop.window
    shown: list[tuple[int, int, str]] = []
    desktop.session.import_progress.connect(lambda done, total, phase: shown.append((done, total, phase)))
    formats: list[str] = []
    desktop.session.import_progress.connect(lambda *_: formats.append(w.importing.format()))
    desktop.session.import_chats(str(source))
    qtbot.waitUntil(lambda: bool(shown) and shown[-1] == (0, 0, ""), timeout=30000)
    assert (200, 450, "storing") in shown and (400, 450, "storing") in shown
    assert "storing %v/%m" in formats and not w.importing.isVisible()
    idle(qtbot, desktop.session)


def test_the_status_bar_tells_the_episodes_waiting_for_the_model(qtbot: QtBot, desktop: Desktop) -> None:
    from tests.fakes.episode_model import EpisodeModel
    from tests.unit.test_model_backlog import with_model
    from tests.unit.test_model_budget import session_of_windows

    a = desktop.session.assistant
    with_model(a, EpisodeModel())
    a.memories.add_events(session_of_windows(windows=3, frames=1))
    a.consolidation.run(model_pass=False)
    label = desktop.window.backlog_label
    desktop.session.refresh_capture()
    qtbot.waitUntil(label.isVisible, timeout=15000)
    assert label.text() == "3 episodes waiting for the model"
    a.consolidation.run()  # the model reads them
    desktop.session.refresh_capture()
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=15000)
    idle(qtbot, desktop.session)


def test_the_status_bar_says_whether_search_is_hybrid_and_why_not(qtbot: QtBot, desktop: Desktop) -> None:
    label = desktop.window.search_label
    qtbot.waitUntil(label.isVisible, timeout=15000)
    assert label.text() == "Search: full text only"  # this store has no embedding model
    assert "assistant models prepare-default" in label.toolTip()
    desktop.session.assistant.models.prepare_default_embedder()
    desktop.session.refresh_model()  # what the Settings view does after a model change
    qtbot.waitUntil(lambda: label.text() == "Search: hybrid", timeout=15000)
    assert label.toolTip() == "search: hybrid (all-MiniLM-L6-v2)"


def test_consolidate_now_leaves_the_model_to_the_background_and_says_what_waits(qtbot: QtBot, desktop: Desktop) -> None:
    from tests.fakes.episode_model import EpisodeModel
    from tests.unit.test_model_backlog import with_model
    from tests.unit.test_model_budget import session_of_windows

    a = desktop.session.assistant
    model = with_model(a, EpisodeModel())
    a.memories.add_events(session_of_windows(windows=2, frames=1))
    with qtbot.waitSignal(desktop.session.data_changed, timeout=60000):
        desktop.actions.consolidate.trigger()
    idle(qtbot, desktop.session)
    assert model.prompts == []  # hours of model calls would hold the write lane (pause, settings, quit)
    assert a.memories.latest("episodic")
    assert "(2 episodes waiting for the model)" in desktop.window.statusBar().currentMessage()
