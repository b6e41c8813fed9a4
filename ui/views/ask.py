"""Ask: a chat with your memory. Tokens are appended as they arrive; citations link to the memory."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from assistant.values import Answer
from ui.format import TYPE_LABELS, short, when
from ui.session import Session
from ui.views.item_detail import ItemDetail, esc, item_link

_TAG = re.compile(r"\[(\d+)\]")


@dataclass
class Turn:
    question: str
    streamed: str = ""
    answer: Answer | None = None
    error: str = ""
    done: bool = False
    tokens: list[str] = field(default_factory=list)


def answer_html(turn: Turn) -> str:
    parts = [f"<p style='margin-bottom:2px'><b>You</b></p><p style='margin-top:0'>{esc(turn.question)}</p>"]
    parts.append("<p style='margin-bottom:2px'><b>Assistant</b></p>")
    answer = turn.answer
    if turn.error:
        parts.append(f"<p style='color:#c62828;margin-top:0'>{esc(turn.error)}</p>")
    elif answer is None:
        text = esc(turn.streamed).replace("\n", "<br>") if turn.streamed else "<i>thinking…</i>"
        parts.append(f"<p style='margin-top:0'>{text}{' ▍' if turn.streamed else ''}</p>")
    elif answer.unknown_reason is not None:
        reason = answer.unknown_reason
        parts.append(
            "<p style='margin-top:0'><span style='background:#8a93a0;color:white;'>&nbsp;I don't know&nbsp;"
            f"</span>&nbsp; <span style='color:gray'>{esc(reason)}</span></p>"
        )
    else:
        links = {c.tag.strip("[]"): c.hit.id for c in answer.citations}
        body = esc(answer.text).replace("\n", "<br>")
        body = _TAG.sub(
            lambda m: (
                f"<a href='{item_link(links[m.group(1)])}'>[{m.group(1)}]</a>" if m.group(1) in links else m.group(0)
            ),
            body,
        )
        parts.append(f"<p style='margin-top:0'>{body}</p>")
        if answer.citations:
            parts.append("<p style='margin-bottom:2px;color:gray'>Sources</p><ul style='margin-top:0'>")
            for c in answer.citations:
                kind = TYPE_LABELS.get(c.hit.type, c.hit.type)
                parts.append(
                    f"<li><a href='{item_link(c.hit.id)}'>{esc(c.tag)} {esc(kind)} · "
                    f"{esc(when(c.hit.occurred_at))}</a> — {esc(short(c.hit.text, 120))}</li>"
                )
            parts.append("</ul>")
    return "".join(parts)


class AskView(QWidget):
    answered = Signal(object)  # the Answer, once complete

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.turns: list[Turn] = []
        self.in_flight = 0

        self.transcript = QTextBrowser()
        self.transcript.setOpenLinks(False)
        self.transcript.document().setDocumentMargin(10)
        self.transcript.anchorClicked.connect(self.open_link)
        self.transcript.setPlaceholderText("Ask about anything you saw, read or talked about.")
        self.input = QLineEdit()
        self.input.setPlaceholderText("Ask your memory… (Enter)")
        self.input.setClearButtonEnabled(True)
        self.input.returnPressed.connect(self.ask_current)
        self.ask_button = QPushButton("Ask")
        self.ask_button.setDefault(True)
        self.ask_button.clicked.connect(self.ask_current)

        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(self.ask_button)
        chat = QWidget()
        chat_layout = QVBoxLayout(chat)
        chat_layout.setContentsMargins(0, 0, 0, 0)
        chat_layout.addWidget(self.transcript, 1)
        chat_layout.addLayout(row)

        self.detail = ItemDetail(session)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(chat)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._history_asked = False

        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(40)  # coalesce bursts of tokens into one repaint
        self._render_timer.timeout.connect(self.refresh_transcript)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._history_asked:  # once: later turns are added as they are asked, here or in quick recall
            self._history_asked = True
            self.session.run(
                self.session.assistant.answers.history, name="ask history", owner=self, on_result=self._show_history
            )

    def _show_history(self, answers: list[Answer]) -> None:
        """Past turns above this session's (a turn asked meanwhile may be among them already)."""
        here = {(t.question, t.answer.text) for t in self.turns if t.answer is not None}
        past = [Turn(a.question, answer=a, done=True) for a in answers if (a.question, a.text) not in here]
        self.turns = [*past, *self.turns]
        self.refresh_transcript()

    def add_answered(self, answer: Answer) -> None:
        """A question asked elsewhere (quick recall), shown here as if asked here."""
        self.turns.append(Turn(answer.question, answer=answer, done=True))
        self.refresh_transcript()

    def focus_input(self) -> None:
        self.input.setFocus()
        self.input.selectAll()

    def ask_current(self) -> None:
        question = self.input.text().strip()
        if question:
            self.input.clear()
            self.ask(question)

    def ask(self, question: str) -> Turn:
        turn = Turn(question)
        self.turns.append(turn)
        self.in_flight += 1
        self.refresh_transcript()

        def token(text: str) -> None:
            turn.tokens.append(text)
            turn.streamed += text
            self._render_timer.start()

        def done(answer: Answer) -> None:
            turn.answer, turn.done = answer, True
            self._finish()
            self.answered.emit(answer)

        def failed(exc: BaseException) -> None:
            turn.error, turn.done = str(exc) or type(exc).__name__, True
            self._finish()

        # ask() records the turn; the database serialises that write itself, so asking does not wait
        # behind long work in the write lane.
        self.session.run(
            self.session.assistant.answers.ask,
            question,
            name="ask",
            owner=self,
            progress_arg="on_token",
            on_progress=token,
            on_result=done,
            on_error=failed,
        )
        return turn

    def _finish(self) -> None:
        self.in_flight -= 1
        self.refresh_transcript()
        self.session.report_notes()
        self.session.data_changed.emit()

    def refresh_transcript(self) -> None:
        self.transcript.setHtml("<hr>".join(answer_html(t) for t in self.turns))
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())

    def open_link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("item:"):
            self.detail.show_item(text.removeprefix("item:"))
