"""Quick recall: results as you type, Enter asks, ↓ then Enter opens an item, Esc closes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import FIXTURES
from tests.ui.conftest import idle
from ui.app import Desktop


def test_type_ask_open_and_close(qtbot: QtBot, desktop: Desktop) -> None:
    desktop.session.assistant.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    recall = desktop.recall
    flags = recall.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint and flags & Qt.WindowType.WindowStaysOnTopHint
    recall.popup()
    qtbot.waitExposed(recall)
    qtbot.keyClicks(recall.query, "Pestana")
    qtbot.waitUntil(lambda: recall.results.count() > 0, timeout=15000)
    assert all("Pestana" in h.text for h in recall.hits)

    qtbot.keyClick(recall.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: recall.answer is not None, timeout=15000)
    assert recall.answer is not None and recall.answer.known and "Pestana" in recall.reply.text()

    qtbot.keyClick(recall.query, Qt.Key.Key_Down)
    assert recall.results.currentRow() == 0
    with qtbot.waitSignal(desktop.window.search.detail.shown, timeout=15000):
        qtbot.keyClick(recall.results, Qt.Key.Key_Return)
    assert not recall.isVisible()
    assert desktop.window.current_view() == "search"

    recall.popup()
    assert recall.isVisible()
    recall.query.setText("What is the capital of Mongolia?")
    qtbot.keyClick(recall.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: recall.answer is not None and not recall.answer.known, timeout=15000)
    assert recall.reply.text() == "I don't know: nothing in your memory matches that question."
    qtbot.keyClick(recall.query, Qt.Key.Key_Escape)
    assert not recall.isVisible()
    idle(qtbot, desktop.session)


def test_enter_right_after_typing_keeps_the_answer_shown(qtbot: QtBot, desktop: Desktop) -> None:
    """Paste then Enter at once: the search still pending for the last key must not hide the reply."""
    desktop.session.assistant.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    recall = desktop.recall
    recall.popup()
    qtbot.waitExposed(recall)
    qtbot.keyClicks(recall.query, "Pestana")
    qtbot.keyClick(recall.query, Qt.Key.Key_Return)  # well within the 200 ms debounce
    qtbot.waitUntil(lambda: recall.answer is not None, timeout=15000)
    qtbot.wait(recall._debounce.interval() + 300)  # past the moment the debounced search would fire
    idle(qtbot, desktop.session)
    assert recall.reply.isVisible() and "Pestana" in recall.reply.text()
    assert recall.results.count() > 0  # and the results for the text asked about are shown too


def test_stored_markup_is_shown_as_plain_text(qtbot: QtBot, desktop: Desktop) -> None:
    from datetime import UTC, datetime

    from assistant.values import RawEvent

    page = "<img src='file:///dev/zero' width=99999 height=99999><b>harbour ferry</b> timetable at pier 4"
    desktop.session.assistant.memories.add_events([RawEvent(kind="chat", occurred_at=datetime.now(UTC), text=page)])
    recall = desktop.recall
    recall.popup()
    recall.query.setText("harbour ferry timetable")
    qtbot.keyClick(recall.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: recall.answer is not None, timeout=15000)
    assert recall.reply.textFormat() == Qt.TextFormat.PlainText
    assert "<img src='file:///dev/zero'" in recall.reply.text()  # shown as the characters it is
    idle(qtbot, desktop.session)
