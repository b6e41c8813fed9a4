"""Timeline: seeded screen captures appear as blocks in the right hour lanes; a click shows their text."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from assistant.values import EpisodicMemory
from tests.ui.conftest import at, idle, screen
from ui.app import Desktop


def seed_day(desktop: Desktop, day: date) -> None:
    a = desktop.session.assistant
    a.memories.add_events(
        [
            *(screen(day, 9, m, "Firefox", "Release notes", f"Firefox page text {m}") for m in (10, 12, 14, 16)),
            *(screen(day, 10, 55, "Editor", "plan.md", "quarterly plan draft", second=s) for s in (0, 30)),
            *(screen(day, 11, m, "Editor", "plan.md", "quarterly plan draft") for m in (0, 2, 4)),
            screen(day, 14, 5, "Terminal", "bash", "pytest -q passed"),
        ]
    )
    a.memories.add(
        EpisodicMemory(
            actor="user",
            event_type="activity",
            summary="Read the Firefox release notes",
            occurred_at=at(day, 9, 10),
            ended_at=at(day, 9, 16),
        )
    )


def test_blocks_land_in_their_hour_lanes_and_show_their_text(qtbot: QtBot, desktop: Desktop) -> None:
    today = date.today()
    seed_day(desktop, today)
    view = desktop.window.show_view("timeline")
    assert view is desktop.window.timeline
    qtbot.waitUntil(lambda: view.timeline is not None and len(view.canvas.blocks) == 3, timeout=15000)
    canvas = view.canvas
    assert canvas.apps_in_lane(9) == ["Firefox"]
    assert canvas.apps_in_lane(10) == ["Editor"] and canvas.apps_in_lane(11) == ["Editor"]  # spans the hour
    assert canvas.apps_in_lane(14) == ["Terminal"]
    assert all(not canvas.apps_in_lane(h) for h in (0, 8, 12, 13, 15, 23))
    assert view.timeline is not None and len(view.timeline.episodes) == 1
    assert "3 blocks, 1 episode" in view.summary.text()
    # The day's headline: time on screen and where it went. Firefox: 9:10-9:16, then at most 5 minutes of
    # the silence until 10:55; Terminal, the day's last capture: one capture interval.
    qtbot.waitUntil(lambda: "on screen" in view.headline.text(), timeout=15000)
    assert view.headline.text() == "25 min on screen: Editor 14 min, Firefox 11 min, Terminal 3 s"
    assert "Terminal" in view.headline.toolTip() and "plan.md" in view.headline.toolTip()

    firefox = next(s for s in canvas.segments if not s.episode and canvas.blocks[s.index].app == "Firefox")
    rect = canvas.segment_rect(firefox)
    assert rect.top() >= canvas.lane_y(9) and rect.bottom() <= canvas.lane_y(10)
    view.scroll_area.ensureVisible(int(rect.center().x()), int(rect.center().y()))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert canvas.selected == firefox.index
    qtbot.waitUntil(lambda: len(view.block_events) == 4, timeout=15000)
    text = view.block_view.toPlainText()
    assert "Firefox page text 10" in text and "Firefox page text 16" in text
    assert "Read the Firefox release notes" in text  # the episode covering the block

    view.zoom(1)
    assert canvas.segment_rect(firefox).width() > rect.width()

    view.next_button.click()
    qtbot.waitUntil(
        lambda: view.day == today + timedelta(days=1) and view.timeline is not None and not view.canvas.blocks,
        timeout=15000,
    )
    assert "nothing recorded" in view.summary.text(), view.summary.text()
    view.prev_button.click()
    qtbot.waitUntil(lambda: len(view.canvas.blocks) == 3, timeout=15000)
    idle(qtbot, desktop.session)


def test_jump_to_a_date(qtbot: QtBot, desktop: Desktop) -> None:
    past = date(2024, 5, 2)
    seed_day(desktop, past)
    view = desktop.window.show_view("timeline")
    assert view is desktop.window.timeline
    view.date_edit.setDate(view.date_edit.date().fromString("2024-05-02", "yyyy-MM-dd"))
    qtbot.waitUntil(lambda: view.day == past and len(view.canvas.blocks) == 3, timeout=15000)
    idle(qtbot, desktop.session)


def test_a_captured_block_shows_its_thumbnail(xvfb_display: str, qtbot: QtBot, desktop: Desktop) -> None:
    """A real capture of a private X display (thumbnails kept): clicking its block shows the picture."""
    a = desktop.session.assistant
    a.settings.set("capture.keep_thumbnails", True)
    assert a.capture.once() == 1
    view = desktop.window.show_view("timeline")
    assert view is desktop.window.timeline
    view.reload()
    qtbot.waitUntil(lambda: len(view.canvas.blocks) == 1, timeout=15000)
    block = view.canvas.blocks[0]
    assert a.capture.thumbnail(block.event_ids[0])
    view.canvas.select(0)
    qtbot.waitUntil(lambda: view.thumbs.count() > 0, timeout=15000)
    first = view.thumbs.itemAt(0)
    label = first.widget() if first is not None else None
    assert isinstance(label, QLabel) and not label.pixmap().isNull()
    idle(qtbot, desktop.session)


def test_a_typed_date_opens_that_day_and_the_calendar_marks_days_with_records(qtbot: QtBot, desktop: Desktop) -> None:
    from PySide6.QtCore import QDate
    from PySide6.QtGui import QFont

    today = date.today()
    earlier = today.replace(day=1) if today.day != 1 else today.replace(day=2)
    seed_day(desktop, today)
    desktop.session.assistant.memories.add_events([screen(earlier, 8, 0, "Editor", "notes.md", "a note")])
    view = desktop.window.show_view("timeline")
    assert view is desktop.window.timeline
    qtbot.waitUntil(lambda: view.marked_days == {today, earlier}, timeout=15000)
    calendar = view.date_edit.calendarWidget()
    weight = calendar.dateTextFormat(QDate(today.year, today.month, today.day)).fontWeight()
    assert weight == QFont.Weight.Bold
    empty = next(d for d in range(1, 28) if date(today.year, today.month, d) not in view.marked_days)
    assert calendar.dateTextFormat(QDate(today.year, today.month, empty)).fontWeight() != QFont.Weight.Bold

    # Typing a date (year 2023 here, whose weekday differs) and Enter opens that day.
    edit = view.date_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_End)
    for _ in range(4):
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, "2023")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.day.year == 2023, timeout=5000)
    assert (view.day.month, view.day.day) == (today.month, today.day) or today == date(today.year, 2, 29)
    assert view.weekday.text() == f"{view.day:%A}"
    idle(qtbot, desktop.session)
