"""Quick recall: a frameless, always-on-top box. Results as you type, Enter asks, Esc closes;
↓ moves into the results and Enter there opens the item in the main window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from assistant.values import Answer, SearchHit
from ui.format import TYPE_LABELS, short, when
from ui.session import Session

ID_ROLE = Qt.ItemDataRole.UserRole
RESULTS = 8


class QuickRecall(QWidget):
    open_item = Signal(str)  # an id to show in the main window
    answered = Signal(object)  # the Answer to a question asked here, for the Ask view

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        self.session = session
        self.hits: list[SearchHit] = []
        self.answer: Answer | None = None
        self._generation = 0
        self.setWindowTitle("Quick recall")
        self.setMinimumWidth(620)

        frame = QFrame(self)
        frame.setObjectName("recallFrame")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(12, 12, 12, 12)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Recall anything…  Enter asks · ↓ results · Esc closes")
        font = self.query.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.query.setFont(font)
        self.query.textChanged.connect(self._typed)
        self.query.installEventFilter(self)
        self.results = QListWidget()
        self.results.setMaximumHeight(230)
        self.results.itemActivated.connect(self._activate)
        self.results.installEventFilter(self)
        self.results.hide()
        self.reply = QLabel()
        self.reply.setTextFormat(Qt.TextFormat.PlainText)  # stored text is never markup: "<img src=…>" stays text
        self.reply.setWordWrap(True)
        self.reply.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reply.hide()
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        layout.addWidget(self.reply)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.search_now)

    # -- showing ----------------------------------------------------------------------------------
    def popup(self) -> None:
        screen = QGuiApplication.screenAt(self.cursor().pos()) or QGuiApplication.primaryScreen()
        self.adjustSize()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(area.center().x() - self.width() // 2, area.top() + area.height() // 4)
        self.show()
        self.raise_()
        self.activateWindow()
        self.query.setFocus()
        self.query.selectAll()

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            self.popup()

    # -- searching and asking ---------------------------------------------------------------------
    def _typed(self, _text: str) -> None:
        self._debounce.start()

    def search_now(self) -> None:
        self._debounce.stop()
        self._generation += 1
        generation = self._generation
        text = self.query.text().strip()
        self.reply.hide()
        if not text:
            self._show_hits([], generation)
            return
        self.session.run(
            self.session.assistant.search.find,
            text,
            limit=RESULTS,
            name="quick recall",
            owner=self,
            on_result=lambda hits: self._show_hits(hits, generation),
        )

    def _show_hits(self, hits: list[SearchHit], generation: int) -> None:
        if generation != self._generation:
            return
        self.hits = list(hits)
        self.results.clear()
        for hit in self.hits:
            item = QListWidgetItem(
                f"{TYPE_LABELS.get(hit.type, hit.type)} · {when(hit.occurred_at)} — {short(hit.text, 110)}"
            )
            item.setData(ID_ROLE, hit.id)
            self.results.addItem(item)
        self.results.setVisible(bool(self.hits))
        self.adjustSize()

    def ask_now(self) -> None:
        question = self.query.text().strip()
        if not question:
            return
        # Enter within the debounce of the last key: search now, so the pending search cannot fire
        # later and hide the reply asked for here.
        if self._debounce.isActive():
            self.search_now()
        self.answer = None
        self.reply.setText("thinking…")
        self.reply.show()
        streamed: list[str] = []

        def token(text: str) -> None:
            streamed.append(text)
            self.reply.setText("".join(streamed))

        def done(answer: Answer) -> None:
            self.answer = answer
            reason = answer.unknown_reason
            self.reply.setText(answer.text if reason is None else f"I don't know: {reason}")
            self.adjustSize()
            self.answered.emit(answer)
            self.session.data_changed.emit()

        self.session.run(
            self.session.assistant.answers.ask,
            question,
            name="ask",
            owner=self,
            progress_arg="on_token",
            on_progress=token,
            on_result=done,
            on_error=lambda exc: self.reply.setText(str(exc)),
        )

    def _activate(self, item: QListWidgetItem) -> None:
        if item.data(ID_ROLE):
            self.open_item.emit(str(item.data(ID_ROLE)))
            self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.hide()
                return True
            if watched is self.query and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.ask_now()
                return True
            if watched is self.query and key == Qt.Key.Key_Down and self.results.count():
                self.results.setFocus()
                self.results.setCurrentRow(0)
                return True
            if watched is self.results and key == Qt.Key.Key_Up and self.results.currentRow() == 0:
                self.query.setFocus()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)
