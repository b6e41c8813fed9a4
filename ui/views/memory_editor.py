"""The edit form for one memory, built from its dataclass fields; vault entries reveal only on passphrase."""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime
from typing import Any, get_args, get_origin

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assistant.errors import WrongPassphrase
from assistant.values import MEMORY_CLASSES, Memory, MemoryType, VaultEntry, utcnow
from ui.format import TYPE_LABELS, when
from ui.session import Session

BASE_FIELDS = {f.name for f in dataclasses.fields(Memory)}
LONG_TEXT = {"value", "details", "content", "summary"}
REVEAL_SECONDS = 30


def editable_fields(cls: type[Memory]) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(cls)
    return [
        (f.name, hints[f.name])
        for f in dataclasses.fields(cls)
        if f.name not in BASE_FIELDS and hints[f.name] not in (datetime, datetime | None)
    ]


class MemoryEditor(QWidget):
    saved = Signal(object)  # the Memory as stored
    forgotten = Signal(str)  # its id

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.memory: Memory | None = None
        self.type_: MemoryType = "core"
        self.inputs: dict[str, QWidget] = {}

        self.title = QLabel("<b>Select a memory</b>")
        self.meta = QLabel()
        self.meta.setStyleSheet("color: gray;")
        self.meta.setWordWrap(True)
        self.form_box = QWidget()
        self.form = QFormLayout(self.form_box)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.secret_input = QLineEdit()
        self.secret_input.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_input.setPlaceholderText("the value to seal; it is never shown in lists")
        self.secret_row = QWidget()
        secret_form = QFormLayout(self.secret_row)
        secret_form.setContentsMargins(0, 0, 0, 0)
        secret_form.addRow("Secret", self.secret_input)

        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save)
        self.forget_button = QPushButton("Forget…")
        self.forget_button.clicked.connect(self.ask_forget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.forget_button)

        self.confirm_bar = QWidget()
        confirm = QHBoxLayout(self.confirm_bar)
        confirm.setContentsMargins(0, 0, 0, 0)
        confirm.addWidget(QLabel("Forget it everywhere, for good?"))
        self.with_sources = QCheckBox("and its sources")
        confirm.addWidget(self.with_sources)
        confirm.addStretch(1)
        self.confirm_forget = QPushButton("Forget")
        self.confirm_forget.clicked.connect(self.forget)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(lambda: self.confirm_bar.setVisible(False))
        confirm.addWidget(self.confirm_forget)
        confirm.addWidget(cancel)
        self.confirm_bar.hide()

        self.vault_box = QGroupBox("Sealed value")
        vault = QVBoxLayout(self.vault_box)
        vault.addWidget(
            QLabel(f"Enter your passphrase again to reveal it. It hides itself after {REVEAL_SECONDS} seconds.")
        )
        row = QHBoxLayout()
        self.reveal_passphrase = QLineEdit()
        self.reveal_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.reveal_passphrase.setPlaceholderText("passphrase")
        self.reveal_passphrase.returnPressed.connect(self.reveal)
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.clicked.connect(self.reveal)
        row.addWidget(self.reveal_passphrase, 1)
        row.addWidget(self.reveal_button)
        vault.addLayout(row)
        self.revealed = QLineEdit()
        self.revealed.setReadOnly(True)
        self.revealed.hide()
        vault.addWidget(self.revealed)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self.hide_secret)

        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addWidget(self.form_box)
        layout.addWidget(self.secret_row)
        layout.addWidget(self.vault_box)
        layout.addLayout(buttons)
        layout.addWidget(self.confirm_bar)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.set_memory(None)

    # -- the form ---------------------------------------------------------------------------------
    def _build_form(self, cls: type[Memory]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs = {}
        for name, hint in editable_fields(cls):
            widget: QWidget
            if hint is bool:
                widget = QCheckBox()
            elif hint is int:
                spin = QSpinBox()
                spin.setRange(0, 1_000_000)
                widget = spin
            elif get_origin(hint) is typing.Literal:
                combo = QComboBox()
                combo.addItems([str(a) for a in get_args(hint)])
                widget = combo
            elif get_origin(hint) is list or name in LONG_TEXT:
                edit = QPlainTextEdit()
                edit.setFixedHeight(90 if name in ("value", "details", "content", "steps") else 56)
                if get_origin(hint) is list:
                    edit.setPlaceholderText("one per line")
                widget = edit
            else:
                widget = QLineEdit()
            self.inputs[name] = widget
            self.form.addRow(name.replace("_", " ").capitalize(), widget)

    def _put(self, name: str, value: Any) -> None:
        widget = self.inputs[name]
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value or 0))
        elif isinstance(widget, QComboBox):
            widget.setCurrentText(str(value))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText("\n".join(value) if isinstance(value, list) else str(value or ""))
        elif isinstance(widget, QLineEdit):
            widget.setText(str(value or ""))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        hints = dict(editable_fields(MEMORY_CLASSES[self.type_]))
        for name, widget in self.inputs.items():
            if isinstance(widget, QCheckBox):
                out[name] = widget.isChecked()
            elif isinstance(widget, QSpinBox):
                out[name] = widget.value()
            elif isinstance(widget, QComboBox):
                out[name] = widget.currentText()
            elif isinstance(widget, QPlainTextEdit):
                text = widget.toPlainText()
                out[name] = (
                    [ln.strip() for ln in text.splitlines() if ln.strip()] if get_origin(hints[name]) is list else text
                )
            elif isinstance(widget, QLineEdit):
                out[name] = widget.text()
        return out

    def set_field(self, name: str, value: Any) -> None:
        self._put(name, value)

    def set_memory(self, memory: Memory | None, type_: MemoryType | None = None) -> None:
        """Show `memory` for editing; None with a type starts a new one of that type."""
        self.memory = memory
        self.type_ = memory.type if memory is not None else (type_ or self.type_)
        cls = MEMORY_CLASSES[self.type_]
        self._build_form(cls)
        self.hide_secret()
        self.status.clear()
        self.confirm_bar.hide()
        is_vault = cls is VaultEntry
        self.vault_box.setVisible(is_vault and memory is not None)
        self.secret_row.setVisible(is_vault and memory is None and type_ is not None)
        self.forget_button.setVisible(memory is not None)
        label = TYPE_LABELS[self.type_]
        if memory is None:
            self.title.setText(f"<b>New: {label}</b>" if type_ else "<b>Select a memory</b>")
            self.meta.setText("")
            self.form_box.setVisible(type_ is not None)
            self.save_button.setVisible(type_ is not None)
            return
        self.form_box.show()
        self.save_button.show()
        self.title.setText(f"<b>{label}</b>")
        sources = ", ".join(f"{s.kind}:{s.ref}" for s in memory.sources[:5])
        self.meta.setText(
            f"{when(memory.occurred_at or memory.created_at)} · updated {when(memory.updated_at)}"
            + (f"\nfrom {sources}" if sources else "")
        )
        for name, value in memory.own_fields().items():
            if name in self.inputs:
                self._put(name, value)

    # -- actions ----------------------------------------------------------------------------------
    def save(self) -> None:
        values = self.values()
        if self.memory is not None:
            updated = dataclasses.replace(self.memory, **values, updated_at=utcnow())
            job: Any = self.session.assistant.memories.update
            args: tuple[Any, ...] = (updated,)
            kwargs: dict[str, Any] = {}
        else:
            cls = MEMORY_CLASSES[self.type_]
            try:
                created = cls(**values, occurred_at=utcnow())
            except TypeError as exc:
                self.status.setText(f"Fill in every field: {exc}")
                return
            secret = self.secret_input.text() if cls is VaultEntry else None
            if cls is VaultEntry and not secret:
                self.status.setText("A vault entry needs the value to seal.")
                return
            job, args, kwargs = self.session.assistant.memories.add, (created,), {"secret": secret}
        self.status.setText("saving…")
        self.session.run(
            job,
            *args,
            **kwargs,
            name="save memory",
            owner=self,
            serial=True,
            on_result=self._saved,
            on_error=lambda exc: self.status.setText(str(exc)),
        )

    def _saved(self, memory: Memory) -> None:
        self.secret_input.clear()
        self.set_memory(memory)
        self.status.setText("Saved.")
        self.saved.emit(memory)
        self.session.data_changed.emit()

    def ask_forget(self) -> None:
        self.confirm_bar.setVisible(True)

    def forget(self) -> None:
        if self.memory is None:
            return
        memory_id = self.memory.id

        def done(_removed: Any) -> None:
            self.set_memory(None)
            self.status.setText("Forgotten.")
            self.forgotten.emit(memory_id)
            self.session.data_changed.emit()

        self.session.run(
            self.session.assistant.memories.forget,
            memory_id,
            with_sources=self.with_sources.isChecked(),
            name="forget",
            owner=self,
            serial=True,
            on_result=done,
            on_error=lambda exc: self.status.setText(str(exc)),
        )

    def reveal(self) -> None:
        if not isinstance(self.memory, VaultEntry):
            return
        passphrase = self.reveal_passphrase.text()
        self.reveal_passphrase.clear()
        if not passphrase:
            self.status.setText("Enter your passphrase to reveal the value.")
            return

        def shown(value: str) -> None:
            self.revealed.setText(value)
            self.revealed.show()
            self.status.clear()
            self._hide_timer.start(REVEAL_SECONDS * 1000)

        def failed(exc: BaseException) -> None:
            self.hide_secret()
            self.status.setText(
                "Wrong passphrase: the value stays sealed." if isinstance(exc, WrongPassphrase) else str(exc)
            )

        self.status.setText("unsealing…")
        self.session.run(
            self.session.assistant.memories.reveal_secret,
            self.memory.id,
            passphrase,
            name="reveal",
            owner=self,
            on_result=shown,
            on_error=failed,
        )

    def hide_secret(self) -> None:
        self._hide_timer.stop()
        self.revealed.clear()
        self.revealed.hide()
