"""A PNG of each main view (and quick recall) in test-output/screenshots/, for a person to look at."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from assistant.api import Assistant
from assistant.values import CoreBlock, EpisodicMemory, ProceduralMemory, ResourceMemory, SemanticMemory, VaultEntry
from tests.conftest import FIXTURES
from tests.ui.conftest import SCREENSHOTS, at, idle, screen
from ui.app import Desktop
from ui.tasks import TaskManager
from ui.unlock import UnlockDialog


def seed(desktop: Desktop, day: date) -> None:
    a = desktop.session.assistant
    a.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    events = []
    for m in range(0, 40, 2):
        events.append(screen(day, 9, 5 + m, "Firefox", "Lisbon trip - booking", f"Pestana Rua Augusta booking {m}"))
    for m in range(0, 50, 3):
        events.append(screen(day, 10, 10 + m, "Code", "planner.py", f"def plan_trip(city): # step {m}"))
    for m in range(0, 30, 2):
        events.append(screen(day, 13, 20 + m, "Slack", "#travel", f"Marta: I'll water the ficus {m}"))
    for m in range(0, 20, 2):
        events.append(screen(day, 15, 35 + m, "Terminal", "bash", f"pytest -q ({m} passed)"))
    a.memories.add_events(events)
    a.memories.add(
        EpisodicMemory(
            actor="user",
            event_type="activity",
            summary="Booked the Pestana hotel in Lisbon",
            occurred_at=at(day, 9, 5),
            ended_at=at(day, 9, 45),
        )
    )
    a.memories.add(
        EpisodicMemory(
            actor="user",
            event_type="activity",
            summary="Worked on planner.py",
            occurred_at=at(day, 10, 10),
            ended_at=at(day, 11, 0),
        )
    )
    a.memories.add(CoreBlock(label="persona", value="Ana, a developer in Porto. Prefers short answers.", pinned=True))
    a.memories.add(CoreBlock(label="human", value="Travels to Lisbon in May; has a ficus that needs watering."))
    a.memories.add(SemanticMemory(name="Pestana", summary="Hotel on Rua Augusta, Lisbon", details="Booked for May"))
    a.memories.add(
        ProceduralMemory(
            entry_type="workflow",
            summary="Release the app",
            steps=["run the tests", "tag the version", "build the wheel"],
        )
    )
    a.memories.add(
        ResourceMemory(
            title="TAP booking TP1337",
            summary="Flight to Lisbon",
            resource_type="document",
            locator="~/Documents/tap-tp1337.pdf",
        )
    )
    a.memories.add(
        VaultEntry(entry_type="credential", source="manual", sensitivity="high", caption="Hotel Wi-Fi password"),
        secret="pestana-guest-2024",
    )


def shoot(qtbot: QtBot, widget: QWidget, name: str) -> None:
    qtbot.wait(150)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 5000


def test_screenshots_of_each_view(qtbot: QtBot, desktop: Desktop) -> None:
    today = date.today()
    seed(desktop, today)
    w = desktop.window
    s = desktop.session

    ask = w.ask
    with qtbot.waitSignal(ask.answered, timeout=15000):
        ask.ask("Which hotel did we book in Lisbon?")
    with qtbot.waitSignal(ask.answered, timeout=15000):
        ask.ask("What is the capital of Mars?")
    with qtbot.waitSignal(ask.detail.shown, timeout=15000):
        ask.detail.show_item(ask.turns[0].answer.citations[0].hit.id if ask.turns[0].answer else "")
    shoot(qtbot, w, "1-ask")

    search = w.show_view("search")
    assert search is w.search
    with qtbot.waitSignal(search.results_shown, timeout=15000):
        search.query.setText("Lisbon")
    first = search.results.topLevelItem(0)
    assert first is not None and first.child(0) is not None
    with qtbot.waitSignal(search.detail.shown, timeout=15000):
        search.results.setCurrentItem(first.child(0))
    shoot(qtbot, w, "2-search")

    timeline = w.show_view("timeline")
    assert timeline is w.timeline
    qtbot.waitUntil(lambda: len(timeline.canvas.blocks) >= 4, timeout=15000)
    timeline.canvas.select(0)
    qtbot.waitUntil(lambda: bool(timeline.block_events), timeout=15000)
    shoot(qtbot, w, "3-timeline")

    memories = w.show_view("memories")
    assert memories is w.memories
    qtbot.waitUntil(lambda: len(memories.ids()) == 2, timeout=15000)
    memories.select_id(memories.ids()[0])
    shoot(qtbot, w, "4-memories-core")
    memories.show_type("vault")
    qtbot.waitUntil(lambda: len(memories.ids()) == 1, timeout=15000)
    memories.select_id(memories.ids()[0])
    shoot(qtbot, w, "5-memories-vault")

    w.show_view("settings")
    idle(qtbot, s)
    shoot(qtbot, w, "6-settings")
    content = w.settings.scroll_area.widget()
    assert content is not None
    shoot(qtbot, content, "6b-settings-full-page")

    desktop.recall.popup()
    with qtbot.waitSignal(s.tasks.busy_changed, timeout=15000, check_params_cb=lambda n: n == 0):
        desktop.recall.query.setText("ficus")
    qtbot.waitUntil(lambda: desktop.recall.results.count() > 0, timeout=15000)
    shoot(qtbot, desktop.recall, "7-quick-recall")
    desktop.recall.hide()
    idle(qtbot, s)


def test_screenshot_with_a_dark_palette(qtbot: QtBot, desktop: Desktop) -> None:
    """The app takes its colours from the system palette; a dark one must stay readable."""
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    dark = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#2b2d30"),
        (QPalette.ColorRole.WindowText, "#dfe1e5"),
        (QPalette.ColorRole.Base, "#1e1f22"),
        (QPalette.ColorRole.AlternateBase, "#26282b"),
        (QPalette.ColorRole.Text, "#dfe1e5"),
        (QPalette.ColorRole.Button, "#3c3f41"),
        (QPalette.ColorRole.ButtonText, "#dfe1e5"),
        (QPalette.ColorRole.Highlight, "#2f65ca"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.Link, "#6ea8fe"),
        (QPalette.ColorRole.PlaceholderText, "#8c8f94"),
    ):
        dark.setColor(role, QColor(color))
    app.setPalette(dark)
    try:
        seed(desktop, date.today())
        timeline = desktop.window.show_view("timeline")
        assert timeline is desktop.window.timeline
        qtbot.waitUntil(lambda: len(timeline.canvas.blocks) >= 4, timeout=15000)
        timeline.canvas.select(1)
        qtbot.waitUntil(lambda: bool(timeline.block_events), timeout=15000)
        shoot(qtbot, desktop.window, "8-timeline-dark")
    finally:
        app.setPalette(before)
        idle(qtbot, desktop.session)


def test_screenshots_of_setup_and_unlock(qtbot: QtBot, tmp_path: Path) -> None:
    fresh = Assistant(tmp_path / "fresh")
    tasks = TaskManager()
    setup = UnlockDialog(fresh, tasks)
    qtbot.addWidget(setup)
    setup.show()
    qtbot.waitExposed(setup)
    setup.passphrase.setText("four words")
    setup.confirm.setText("for words")
    setup.ok_button.click()  # mismatched: the message shows in the shot
    shoot(qtbot, setup, "0-setup")
    setup.confirm.setText("four words")
    with qtbot.waitSignal(setup.accepted, timeout=15000):
        setup.ok_button.click()
    tasks.wait()
    fresh.close()

    locked = Assistant(tmp_path / "fresh")
    unlock = UnlockDialog(locked, tasks)
    qtbot.addWidget(unlock)
    unlock.show()
    qtbot.waitExposed(unlock)
    unlock.passphrase.setText("wrong words")
    unlock.ok_button.click()
    qtbot.waitUntil(unlock.message.isVisible, timeout=15000)
    shoot(qtbot, unlock, "0-unlock-wrong")
    tasks.wait()
