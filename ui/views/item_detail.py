"""A read-only panel for one memory or raw event, with its sources as links that open them in place."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from assistant.values import Memory, RawEvent, VaultEntry
from ui.format import TYPE_SINGULAR, when
from ui.session import Session


def esc(text: Any) -> str:
    return html.escape(str(text))


def item_link(item_id: str) -> str:
    return f"item:{item_id}"


def memory_html(memory: Memory) -> str:
    label = TYPE_SINGULAR.get(memory.type, memory.type)
    rows = [
        f"<h3>{esc(label)}</h3>",
        f"<p style='color:gray'>{esc(when(memory.occurred_at or memory.created_at))}"
        f" · <code>{esc(memory.id)}</code></p>",
        "<table cellspacing='4'>",
    ]
    for name, value in memory.own_fields().items():
        if value in ("", None, []):
            continue
        shown = (
            "<br>".join(f"{i}. {esc(s)}" for i, s in enumerate(value, 1))
            if isinstance(value, list)
            else esc(when(value) if hasattr(value, "tzinfo") else value).replace("\n", "<br>")
        )
        rows.append(f"<tr><td valign='top'><b>{esc(name.replace('_', ' '))}</b></td><td>{shown}</td></tr>")
    rows.append("</table>")
    if isinstance(memory, VaultEntry):
        rows.append("<p><i>The secret value is sealed; reveal it from Memories → Vault.</i></p>")
    if memory.sources:
        rows.append("<p><b>Sources</b></p><ul>")
        for src in memory.sources:
            target = src.event_id
            text = f"{esc(src.kind)}: {esc(src.ref)}"
            rows.append(f"<li><a href='{item_link(target)}'>{text}</a></li>" if target else f"<li>{text}</li>")
        rows.append("</ul>")
    return "".join(rows)


def event_html(event: RawEvent) -> str:
    label = "Chat message" if event.kind == "chat" else "Screen capture"
    rows = [
        f"<h3>{label}</h3>",
        f"<p style='color:gray'>{esc(when(event.occurred_at))} · <code>{esc(event.id)}</code></p>",
        "<table cellspacing='4'>",
    ]
    for name in ("speaker", "session", "app", "title", "url"):
        value = getattr(event, name)
        if value:
            rows.append(f"<tr><td><b>{name}</b></td><td>{esc(value)}</td></tr>")
    rows.append("</table>")
    keyframe = event.meta.get("keyframe")
    if keyframe:  # a delta capture stores only its new lines (assistant/capture/delta.py)
        rows.append(
            f"<p style='color:gray'>Only the lines new since the previous capture of this window are "
            f"stored here ({esc(event.meta.get('lines', '?'))} lines were on screen): the full text is "
            f"<a href='{item_link(str(keyframe))}'>its keyframe</a> plus the new lines of the captures "
            f"since.</p>"
        )
    rows.append(f"<p>{esc(event.text).replace(chr(10), '<br>')}</p>")
    return "".join(rows)


class ItemDetail(QWidget):
    """Shows whatever id it is given; `shown` fires with the loaded Memory or RawEvent."""

    shown = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.current: Memory | RawEvent | None = None
        self._history: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.document().setDocumentMargin(10)
        self.browser.anchorClicked.connect(self._link)
        self.placeholder = QLabel("Select an item to see it and where it came from.")
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: gray; padding: 12px;")
        layout.addWidget(self.placeholder)
        layout.addWidget(self.browser)
        self.browser.hide()

    def show_item(self, item_id: str) -> None:
        self._history.clear()
        self._load(item_id)

    def _load(self, item_id: str) -> None:
        memories = self.session.assistant.memories
        getter = memories.event if item_id.startswith("ev_") else memories.get
        self.session.run(
            getter,
            item_id,
            name="open item",
            owner=self,
            on_result=self._render,
            on_error=lambda exc: self._show_html(f"<p>{esc(exc)}</p>"),
        )

    def clear(self) -> None:
        self.current = None
        self.browser.clear()
        self.browser.hide()
        self.placeholder.show()

    def _render(self, item: Memory | RawEvent) -> None:
        self.current = item
        body = event_html(item) if isinstance(item, RawEvent) else memory_html(item)
        back = "<p><a href='back:'>← back</a></p>" if self._history else ""
        self._show_html(back + body)
        self.shown.emit(item)

    def _show_html(self, text: str) -> None:
        self.placeholder.hide()
        self.browser.show()
        self.browser.setHtml(text)

    def _link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("back:") and self._history:
            self._load(self._history.pop())
        elif text.startswith("item:"):
            if self.current is not None:
                self._history.append(self.current.id)
            self._load(text.removeprefix("item:"))
