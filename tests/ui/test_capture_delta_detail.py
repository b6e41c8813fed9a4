"""A delta capture's detail says it holds only the new lines and links to its keyframe, whose full text
opens in place; the timeline block lists the keyframe's text, then each capture's new lines."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from tests.ui.conftest import idle, screen
from ui.app import Desktop


def test_a_delta_capture_links_to_its_keyframe(qtbot: QtBot, desktop: Desktop) -> None:
    day = date.today()
    keyframe = screen(day, 9, 0, "Chat", "Team - Chat", "Inbox Sent Drafts\nmessage one about the lantern")
    keyframe.meta = {"lines": 2}
    delta = screen(day, 9, 0, "Chat", "Team - Chat", "message two about the harbour", second=4)
    delta.meta = {"lines": 3, "keyframe": keyframe.id}
    desktop.session.assistant.memories.add_events([keyframe, delta])
    view = desktop.window.show_view("timeline")
    assert view is desktop.window.timeline
    qtbot.waitUntil(lambda: len(view.canvas.blocks) == 1, timeout=15000)
    view.canvas.select(0)
    qtbot.waitUntil(lambda: len(view.block_events) == 2, timeout=15000)
    block_text = view.block_view.toPlainText()
    assert block_text.index("message one about the lantern") < block_text.index("message two about the harbour")

    detail = view.detail
    detail.show_item(delta.id)
    qtbot.waitUntil(lambda: detail.current is not None and detail.current.id == delta.id, timeout=15000)
    shown = detail.browser.toHtml()
    assert "Only the lines new since the previous capture" in shown and "3 lines were on screen" in shown
    assert f"item:{keyframe.id}" in shown and "message one" not in detail.browser.toPlainText()
    detail.browser.anchorClicked.emit(QUrl(f"item:{keyframe.id}"))
    qtbot.waitUntil(lambda: detail.current is not None and detail.current.id == keyframe.id, timeout=15000)
    text = detail.browser.toPlainText()
    assert "message one about the lantern" in text and "Only the lines new" not in text
    idle(qtbot, desktop.session)
