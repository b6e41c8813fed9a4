"""Ask: a cited answer from seeded chat, links that open the cited item, and "I don't know"."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from assistant.values import Answer, RawEvent
from tests.conftest import FIXTURES
from tests.ui.conftest import idle
from ui.app import Desktop


def test_ask_shows_a_cited_answer_and_citations_open_the_source(qtbot: QtBot, desktop: Desktop) -> None:
    desktop.session.assistant.import_file(FIXTURES / "chat.jsonl", "jsonl")
    view = desktop.window.ask
    view.input.setText("Which hotel is it?")
    with qtbot.waitSignal(view.answered, timeout=15000) as signal:
        view.ask_button.click()
    answer = signal.args[0]
    assert isinstance(answer, Answer) and answer.known and answer.citations
    turn = view.turns[-1]
    assert turn.done and turn.tokens  # the text arrived through on_token before the result
    shown = view.transcript.toPlainText()
    assert "Which hotel is it?" in shown and "Pestana" in shown and "Sources" in shown
    cited = answer.citations[0].hit.id
    assert f'href="item:{cited}"' in view.transcript.toHtml()

    with qtbot.waitSignal(view.detail.shown, timeout=15000) as opened:
        view.open_link(QUrl(f"item:{cited}"))
    item = opened.args[0]
    assert isinstance(item, RawEvent) and item.id == cited
    assert "Pestana" in view.detail.browser.toPlainText()
    idle(qtbot, desktop.session)


def test_ask_says_i_dont_know(qtbot: QtBot, desktop: Desktop) -> None:
    view = desktop.window.ask
    view.input.setText("What is the airspeed of an unladen swallow?")
    with qtbot.waitSignal(view.answered, timeout=15000) as signal:
        view.input.returnPressed.emit()
    assert signal.args[0].known is False
    assert "I don't know" in view.transcript.toPlainText()
    assert "href=" not in view.transcript.toHtml().split("<body", 1)[1]
