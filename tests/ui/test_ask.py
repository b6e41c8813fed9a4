"""Ask: a cited answer from seeded chat, links that open the cited item, and "I don't know"."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from assistant.values import Answer, RawEvent
from tests.conftest import FIXTURES
from tests.ui.conftest import idle
from ui.app import Desktop
from ui.session import Session
from ui.views.ask import AskView


def test_ask_shows_a_cited_answer_and_citations_open_the_source(qtbot: QtBot, desktop: Desktop) -> None:
    desktop.session.assistant.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
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


def test_past_questions_come_back_after_a_restart_with_their_citations(qtbot: QtBot, session: Session) -> None:
    app = session.assistant
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    first = app.answers.ask("Which hotel is it?")  # as asked before the restart (in Ask, quick recall or the CLI)
    app.answers.ask("What is the airspeed of an unladen swallow?")
    view = AskView(session)  # a new window, as after a restart
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: len(view.turns) == 2, timeout=15000)
    hotel, swallow = view.turns
    assert hotel.question == "Which hotel is it?" and hotel.answer is not None and hotel.answer.known
    assert [c.hit.id for c in hotel.answer.citations] == [c.hit.id for c in first.citations]
    assert swallow.answer is not None and not swallow.answer.known
    shown = view.transcript.toPlainText()
    assert "Pestana" in shown and "Sources" in shown and "I don't know" in shown
    assert f'href="item:{first.citations[0].hit.id}"' in view.transcript.toHtml()
    idle(qtbot, session)


def test_a_quick_recall_question_shows_in_ask(qtbot: QtBot, desktop: Desktop) -> None:
    desktop.session.assistant.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    recall = desktop.recall
    recall.popup()
    recall.query.setText("Which hotel is it?")
    recall.ask_now()
    qtbot.waitUntil(lambda: recall.answer is not None, timeout=15000)
    ask = desktop.window.ask
    assert ask.turns and ask.turns[-1].question == "Which hotel is it?"
    assert "Pestana" in ask.transcript.toPlainText()
    idle(qtbot, desktop.session)
