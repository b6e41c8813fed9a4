"""Pieces of the settings view: a list editor, the models box and the passphrase box."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.api import ModelEntry
from assistant.errors import WrongPassphrase
from assistant.values import passphrase_problem
from ui.format import human_bytes
from ui.session import Session


class ListEditor(QWidget):
    """A list of strings with add and remove; `changed` carries the whole list."""

    changed = Signal(list)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = QListWidget()
        self.items.setMaximumHeight(110)
        self.entry = QLineEdit()
        self.entry.setPlaceholderText(placeholder)
        self.entry.returnPressed.connect(self.add_current)
        add = QPushButton("Add")
        add.clicked.connect(self.add_current)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(self.entry, 1)
        row.addWidget(add)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.items)
        layout.addLayout(row)

    def values(self) -> list[str]:
        return [self.items.item(i).text() for i in range(self.items.count())]

    def set_values(self, values: list[str]) -> None:
        self.items.clear()
        self.items.addItems(values)

    def add_current(self) -> None:
        text = self.entry.text().strip()
        if text and text not in self.values():
            self.items.addItem(text)
            self.changed.emit(self.values())
        self.entry.clear()

    def remove_selected(self) -> None:
        for item in self.items.selectedItems():
            self.items.takeItem(self.items.row(item))
        self.changed.emit(self.values())


class ModelsBox(QGroupBox):
    """Installed models with their role; make one active, or download a recommended one."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Models", parent)
        self.session = session
        self.table = QTreeWidget()
        self.table.setHeaderLabels(["Name", "Role", "Size", "Source"])
        self.table.setRootIsDecorated(False)
        self.table.setMaximumHeight(140)
        self.use_button = QPushButton("Use selected")
        self.use_button.clicked.connect(self.use_selected)
        self.download_name = QComboBox()
        self.download_name.setEditable(True)
        line = self.download_name.lineEdit()
        if line is not None:
            line.setPlaceholderText("model to download: a recommended name, or repo_id/file.gguf")
        for rec in session.assistant.models.recommended():  # a constant list: no worker needed
            self.download_name.addItem(f"{rec.name}", rec.name)
            self.download_name.setItemData(
                self.download_name.count() - 1,
                f"{human_bytes(float(rec.size_bytes))} download, about {rec.ram_gb:g} GB of RAM: {rec.notes}",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.download_name.setCurrentIndex(-1)
        self.download_button = QPushButton("Download")
        self.download_button.clicked.connect(self.download)
        self.progress = QProgressBar()
        self.progress.hide()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: gray;")
        row = QHBoxLayout()
        row.addWidget(self.use_button)
        row.addStretch(1)
        self.download_row = QWidget()
        drow = QHBoxLayout(self.download_row)
        drow.setContentsMargins(0, 0, 0, 0)
        drow.addWidget(self.download_name, 1)
        drow.addWidget(self.download_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.download_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.note)
        session.settings_changed.connect(self.update_privacy)
        self.update_privacy()

    def update_privacy(self) -> None:
        blocked = self.session.local_only
        self.download_button.setEnabled(not blocked)
        self.download_button.setToolTip("Local-only mode is on: turn it off to download" if blocked else "")

    def refresh(self) -> None:
        self.session.run(
            self.session.assistant.models.installed,
            name="list models",
            owner=self,
            on_result=self._fill,
            on_error=lambda exc: self.note.setText(str(exc)),
        )

    def _fill(self, entries: list[ModelEntry]) -> None:
        self.table.clear()
        for e in entries:
            item = QTreeWidgetItem([e.name, e.role, human_bytes(float(e.size)), e.source])
            item.setData(0, Qt.ItemDataRole.UserRole, (e.name, e.role))
            self.table.addTopLevelItem(item)
        for col in range(4):
            self.table.resizeColumnToContents(col)
        if not entries:
            self.note.setText("No models installed: answers quote your memory directly.")

    def use_selected(self) -> None:
        item = self.table.currentItem()
        if item is None:
            self.note.setText("Select a model first.")
            return
        name, role = item.data(0, Qt.ItemDataRole.UserRole)
        self.session.run(
            self.session.assistant.models.use,
            name,
            role,
            name="use model",
            owner=self,
            serial=True,
            on_result=lambda _e: self._used(name, role),
            on_error=lambda exc: self.note.setText(str(exc)),
        )

    def _used(self, name: str, role: str) -> None:
        self.note.setText(f"{name} is now the {role} model.")
        self.session.message.emit(f"{role} model: {name}")
        if role == "chat":
            self.session.set_chat_model(name)
        self.session.settings_changed.emit()

    def download(self) -> None:
        name = self.download_name.currentText().strip()
        if not name:
            self.note.setText("Type the name of the model to download.")
            return
        self.progress.setRange(0, 0)
        self.progress.show()
        self.download_button.setEnabled(False)

        def progressed(done: int, total: int) -> None:
            if total > 0:
                self.progress.setRange(0, 1000)
                self.progress.setValue(int(1000 * done / total))
                self.progress.setFormat(f"{human_bytes(done)} of {human_bytes(total)}")

        def finished(_entry: ModelEntry) -> None:
            self.progress.hide()
            self.update_privacy()
            self.note.setText(f"Downloaded {name}.")
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.progress.hide()
            self.update_privacy()
            self.note.setText(str(exc))

        self.session.run(
            self.session.assistant.models.download,
            name,
            name="download model",
            owner=self,
            progress_arg="progress",
            on_progress=progressed,
            on_result=finished,
            on_error=failed,
        )


class PassphraseBox(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Passphrase", parent)
        self.session = session
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.confirm = QLineEdit()
        for edit in (self.old, self.new, self.confirm):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.change_button = QPushButton("Change passphrase")
        self.change_button.clicked.connect(self.change)
        self.note = QLabel()
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Current", self.old)
        form.addRow("New", self.new)
        form.addRow("New again", self.confirm)
        form.addRow("", self.change_button)
        form.addRow("", self.note)

    def change(self) -> None:
        old, new = self.old.text(), self.new.text()
        problem = passphrase_problem(new)
        if problem is not None:
            self.note.setText(problem)
            return
        if new != self.confirm.text():
            self.note.setText("The two new passphrases differ.")
            return
        self.change_button.setEnabled(False)
        self.note.setText("changing…")

        def done(_r: None) -> None:
            self.change_button.setEnabled(True)
            for edit in (self.old, self.new, self.confirm):
                edit.clear()
            self.note.setText("Passphrase changed.")

        def failed(exc: BaseException) -> None:
            self.change_button.setEnabled(True)
            self.note.setText(
                "The current passphrase is wrong; nothing was changed."
                if isinstance(exc, WrongPassphrase)
                else str(exc)
            )

        self.session.run(
            self.session.assistant.security.change_passphrase,
            old,
            new,
            name="change passphrase",
            owner=self,
            serial=True,
            on_result=done,
            on_error=failed,
        )
