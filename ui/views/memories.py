"""Memories: one table per type with a detail/edit panel. The vault lists captions only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.values import MEMORY_TYPES, CoreBlock, Memory, MemoryType
from ui.format import TYPE_LABELS, short, when
from ui.session import Session
from ui.views.memory_editor import MemoryEditor

PAGE = 200

COLUMNS: dict[str, list[tuple[str, str]]] = {
    "core": [("label", "Label"), ("value", "Value"), ("pinned", "Pinned")],
    "episodic": [("@when", "When"), ("actor", "Actor"), ("summary", "Summary")],
    "semantic": [("name", "Name"), ("summary", "Summary")],
    "procedural": [("entry_type", "Kind"), ("summary", "Summary"), ("@steps", "Steps")],
    "resource": [("title", "Title"), ("resource_type", "Kind"), ("summary", "Summary")],
    "vault": [("caption", "Caption"), ("entry_type", "Kind"), ("sensitivity", "Sensitivity")],
}

BY_MODEL = "A chat model fills it at each consolidation"
BY_HAND = "add one yourself (New…)"
# What fills each store and how: without a chat model only the user's own entries fill the typed ones.
FILLED_BY: dict[str, str] = {
    "core": f"What the assistant always keeps in mind about you (who you are, how you like answers). "
    f"{BY_MODEL}; or {BY_HAND} and Pin it.",
    "episodic": "What happened, made from your screen captures and chats at each consolidation (no model needed).",
    "semantic": f"Facts about people, places and things you saw or talked about. {BY_MODEL}; or {BY_HAND}.",
    "procedural": f"Steps you followed or were told (how to do something). {BY_MODEL}; or {BY_HAND}.",
    "resource": f"Documents, pages and files you worked with. {BY_MODEL}; or {BY_HAND}.",
    "vault": f"Passwords, tokens and card numbers seen on screen or in chats, sealed (no model needed); or {BY_HAND}.",
}
NO_MODEL = (
    "No chat model is active, so nothing fills it but you: install one in Settings → Models "
    "(an instruction-tuned one, such as qwen2.5-1.5b-instruct) or `assistant models download NAME`."
)
MODEL_OFF = "The model pass is off in Settings (consolidation), so nothing fills it but you."


def filled_by(type_: str, chat_model: str | None, model_pass: bool) -> str:
    """The hint above a store's table: what fills it, and whether anything will."""
    text = FILLED_BY[type_]
    if BY_MODEL not in text:
        return text
    if not model_pass:
        return f"{text} {MODEL_OFF}"
    return f"{text} {NO_MODEL}" if chat_model is None else f"{text} The active chat model: {chat_model}."


def cell_text(memory: Memory, key: str) -> str:
    if key == "@when":
        return when(memory.occurred_at or memory.created_at)
    if key == "@steps":
        return str(len(getattr(memory, "steps", [])))
    value = getattr(memory, key, "")
    if isinstance(value, bool):
        return "pinned" if value else ""
    return short(str(value), 200)


class MemoriesView(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.type_: MemoryType = "core"
        self.memories: list[Memory] = []
        self._stale = True

        self.tabs = QTabBar()
        for t in MEMORY_TYPES:
            self.tabs.addTab(TYPE_LABELS[t])
        self.tabs.currentChanged.connect(lambda i: self.show_type(MEMORY_TYPES[i]))

        self.table = QTableWidget()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.currentCellChanged.connect(lambda row, *_: self._select_row(row))

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: gray;")

        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: gray;")
        self.more_button = QPushButton("Load more")
        self.more_button.clicked.connect(lambda: self.load(more=True))
        self.new_button = QPushButton("New…")
        self.new_button.clicked.connect(self.new_memory)
        self.pin_button = QPushButton("Pin")
        self.pin_button.setToolTip("Pinned core blocks are always given to the assistant")
        self.pin_button.clicked.connect(self.toggle_pin)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(self.pin_button)
        bottom.addWidget(self.new_button)
        bottom.addWidget(self.more_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.hint)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(bottom)

        self.editor = MemoryEditor(session)
        self.editor.saved.connect(self._saved)
        self.editor.forgotten.connect(self._forgotten)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(splitter, 1)
        session.data_changed.connect(self._mark_stale)
        self._configure_columns()

    # -- loading ----------------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.load()

    def _mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.load()

    def show_type(self, type_: MemoryType) -> None:
        self.type_ = type_
        if self.tabs.currentIndex() != MEMORY_TYPES.index(type_):
            self.tabs.setCurrentIndex(MEMORY_TYPES.index(type_))
            return  # currentChanged calls back here
        self.editor.set_memory(None)
        self._configure_columns()
        self.load()

    def _configure_columns(self) -> None:
        cols = COLUMNS[self.type_]
        self.table.clear()
        self.table.setColumnCount(len(cols))
        self.table.setHorizontalHeaderLabels([title for _key, title in cols])
        header = self.table.horizontalHeader()
        for i in range(len(cols)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(cols) - 1 if self.type_ != "core" else 1, QHeaderView.ResizeMode.Stretch)
        self.pin_button.setVisible(self.type_ == "core")
        self._show_hint()

    def _show_hint(self) -> None:
        app = self.session.assistant
        active = app.models.active("chat")  # the model registry, a small JSON file
        self.hint.setText(
            filled_by(self.type_, active.name if active else None, app.settings.current.consolidation.use_model)
        )

    def load(self, more: bool = False) -> None:
        self._stale = False
        self._show_hint()  # a model may have been installed since
        type_ = self.type_
        offset = len(self.memories) if more else 0
        self.session.run(
            self.session.assistant.memories.latest,
            type_,
            limit=PAGE,
            offset=offset,
            name="list memories",
            owner=self,
            on_result=lambda found: self._loaded(type_, found, more),
            on_error=lambda exc: self.count_label.setText(str(exc)),
        )

    def _loaded(self, type_: MemoryType, found: list[Memory], more: bool) -> None:
        if type_ != self.type_:
            return
        keep_id = self.editor.memory.id if self.editor.memory is not None else None
        self.memories = [*self.memories, *found] if more else list(found)
        if type_ == "core":  # pinned blocks first
            self.memories.sort(key=lambda m: not getattr(m, "pinned", False))
        self._fill()
        self.more_button.setVisible(len(found) == PAGE)
        count = len(self.memories)
        self.count_label.setText(
            f"{count} {TYPE_LABELS[type_].lower()}" if count else f"No {TYPE_LABELS[type_].lower()} yet."
        )
        if keep_id is not None:
            self.select_id(keep_id)

    def _fill(self) -> None:
        cols = COLUMNS[self.type_]
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.memories))
        for row, memory in enumerate(self.memories):
            for col, (key, _title) in enumerate(cols):
                item = QTableWidgetItem(cell_text(memory, key))
                item.setData(Qt.ItemDataRole.UserRole, memory.id)
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)

    # -- selection and edits ----------------------------------------------------------------------
    def open_memory(self, memory: Memory) -> None:
        """Switch to the memory's type and show it (selected once the list has loaded)."""
        if memory.type != self.type_:
            self.show_type(memory.type)
        self.editor.set_memory(memory)
        if not self.select_id(memory.id):
            self.load()

    def ids(self) -> list[str]:
        return [m.id for m in self.memories]

    def select_id(self, memory_id: str) -> bool:
        for row, memory in enumerate(self.memories):
            if memory.id == memory_id:
                self.table.setCurrentCell(row, 0)
                self._select_row(row)
                return True
        return False

    def _select_row(self, row: int) -> None:
        if 0 <= row < len(self.memories):
            memory = self.memories[row]
            if self.editor.memory is None or self.editor.memory.id != memory.id:
                self.editor.set_memory(memory)
            self.pin_button.setText("Unpin" if getattr(memory, "pinned", False) else "Pin")

    def new_memory(self) -> None:
        self.table.clearSelection()
        self.editor.set_memory(None, self.type_)

    def toggle_pin(self) -> None:
        memory = self.editor.memory
        if isinstance(memory, CoreBlock):
            self.editor.set_field("pinned", not memory.pinned)
            self.editor.save()

    def _saved(self, memory: Memory) -> None:
        if memory.type != self.type_:
            return
        for i, m in enumerate(self.memories):
            if m.id == memory.id:
                self.memories[i] = memory
                break
        else:
            self.memories.insert(0, memory)
        self._fill()
        self.select_id(memory.id)

    def _forgotten(self, memory_id: str) -> None:
        self.memories = [m for m in self.memories if m.id != memory_id]
        self._fill()
        self.count_label.setText(f"{len(self.memories)} {TYPE_LABELS[self.type_].lower()}")
