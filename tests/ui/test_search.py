"""Search: debounced type-ahead, grouping by type, the type filter, the date range and keyboard navigation."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from assistant.values import SemanticMemory
from tests.conftest import FIXTURES
from tests.ui.conftest import idle, screen
from ui.app import Desktop


def test_search_filters_by_type_and_date(qtbot: QtBot, desktop: Desktop) -> None:
    assistant = desktop.session.assistant
    assistant.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")  # dated 2024-05-02
    fact = assistant.memories.add(SemanticMemory(name="Lisbon hotel", summary="The Lisbon hotel is the Pestana"))
    today = date.today()
    assistant.memories.add_events(
        [screen(today, 10, 0, "Firefox", "Pestana Rua Augusta - booking", "Pestana hotel Lisbon")]
    )
    view = desktop.window.show_view("search", focus=True)
    assert view is desktop.window.search

    with qtbot.waitSignal(view.results_shown, timeout=15000):
        qtbot.keyClicks(view.query, "Pestana")  # typed; one search after the debounce
    assert set(view.result_ids()) >= {fact.id}
    assert {h.type for h in view.hits} == {"semantic", "chat", "screen"}
    assert any(name.startswith("Facts") for name in view.group_names())

    with qtbot.waitSignal(view.results_shown, timeout=15000):
        view.set_type("semantic")
    assert view.result_ids() == [fact.id]
    assert [h.type for h in view.hits] == ["semantic"]

    with qtbot.waitSignal(view.results_shown, timeout=15000):
        view.set_type("chat")
    assert view.hits and all(h.type == "chat" for h in view.hits)

    with qtbot.waitSignal(view.results_shown, timeout=15000):
        view.set_type("")
    view.date_from.setDate(QDate(today.year, today.month, today.day).addDays(-1))
    view.date_to.setDate(QDate(today.year, today.month, today.day))
    with qtbot.waitSignal(view.results_shown, timeout=15000):
        view.use_dates.setChecked(True)
    assert view.hits and all(
        h.occurred_at is not None and h.occurred_at.date() >= today - timedelta(days=2) for h in view.hits
    )
    assert "chat" not in {h.type for h in view.hits}  # the 2024 chat is outside the range

    # keyboard: ↓ from the field selects the first result and shows it; Esc goes back to the field
    view.query.setFocus()
    with qtbot.waitSignal(view.detail.shown, timeout=15000):
        qtbot.keyClick(view.query, Qt.Key.Key_Down)
    assert view.results.currentItem() is not None
    assert view.detail.current is not None and view.detail.current.id == view.hits[0].id
    qtbot.keyClick(view.results, Qt.Key.Key_Escape)
    assert view.query.hasFocus()
    idle(qtbot, desktop.session)


def test_stale_results_are_dropped(qtbot: QtBot, desktop: Desktop) -> None:
    desktop.session.assistant.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    view = desktop.window.search
    view.query.setText("Lisbon")
    view.search_now()
    view.query.setText("ficus")
    with qtbot.waitSignal(view.results_shown, timeout=15000):
        view.search_now()
    idle(qtbot, desktop.session)
    assert view.hits and all("ficus" in h.text for h in view.hits)


def test_a_search_tells_how_far_the_vector_index_has_loaded(qtbot: QtBot, desktop: Desktop) -> None:
    a = desktop.session.assistant
    a._core.vectors.attach()  # let the app's own loader finish first: it writes this note too
    a._core.notes.search = "the vector index is loading: 20,000 of 90,000 items, the latest first"
    said: list[str] = []
    desktop.session.message.connect(said.append)
    view = desktop.window.show_view("search", focus=True)
    with qtbot.waitSignal(view.results_shown, timeout=15000):
        qtbot.keyClicks(view.query, "Pestana")
    assert any("20,000 of 90,000" in line for line in said)
    idle(qtbot, desktop.session)
