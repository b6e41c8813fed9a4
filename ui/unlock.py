"""The unlock dialog: passphrase or OS keyring; on first run a short setup (passphrase twice, capture
consent, model choice). Key derivation runs in the task manager, so the dialog never freezes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from assistant.api import Assistant, ModelEntry
from assistant.errors import WrongPassphrase
from assistant.values import passphrase_problem
from ui.icons import icon
from ui.tasks import TaskManager

NO_MODEL = "No model: answers quote your memory"


class UnlockDialog(QDialog):
    def __init__(self, assistant: Assistant, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assistant = assistant
        self.tasks = tasks
        self.setup_mode = not assistant.initialized
        self.unlocked_via_keyring = False
        self.setWindowTitle("Set up your memory" if self.setup_mode else "Unlock your memory")
        self.setWindowIcon(icon("app"))
        self.setMinimumWidth(480)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.setContentsMargins(20, 20, 20, 16)
        heading = QLabel(
            "<b>Welcome.</b> Everything you keep here stays on this computer, encrypted with a passphrase "
            "only you know. It cannot be recovered if you forget it."
            if self.setup_mode
            else "<b>Your memory is locked.</b><br>Enter your passphrase to open it."
        )
        heading.setWordWrap(True)
        layout.addWidget(heading)
        where = QLabel()
        where.setStyleSheet("color: gray;")
        where.setToolTip(str(assistant.paths.root))
        where.setText(where.fontMetrics().elidedText(str(assistant.paths.root), Qt.TextElideMode.ElideMiddle, 400))
        layout.addWidget(where)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("passphrase")
        form.addRow("Passphrase", self.passphrase)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setPlaceholderText("the same again")
        self.capture = QCheckBox("Record my screen")
        self.capture.setChecked(False)
        consent = QLabel(
            "Screenshots are read into text on this computer and kept encrypted. Off until you "
            "tick this; you can pause or stop it any time from the tray or Settings."
        )
        consent.setWordWrap(True)
        consent.setStyleSheet("color: gray;")
        self.model = QComboBox()
        self.model.addItem(NO_MODEL, "")
        layout.addLayout(form)
        if self.setup_mode:
            form.addRow("Confirm", self.confirm)
            layout.addWidget(self.capture)
            layout.addWidget(consent)
            models = QFormLayout()
            models.addRow("Answer model", self.model)
            self._model_label = models.labelForField(self.model)
            layout.addLayout(models)
            self._load_models()

        self.message = QLabel()
        self.message.setObjectName("unlockMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.message.hide()
        layout.addWidget(self.message)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.hide()
        layout.addWidget(self.busy)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create" if self.setup_mode else "Unlock")
        self.keyring_button = self.buttons.addButton("Use keyring", QDialogButtonBox.ButtonRole.ActionRole)
        # Offered only to those who opted in (Settings → Privacy); the others have no key there.
        self.keyring_button.setVisible(not self.setup_mode and self.assistant.security.keyring_enabled)
        self.keyring_button.setToolTip("Unlock with the key kept in your OS keyring (if you opted in)")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.keyring_button.clicked.connect(lambda: self.try_keyring(quiet=False))
        layout.addWidget(self.buttons)
        self.passphrase.setFocus()

    # -- first run --------------------------------------------------------------------------------
    def _load_models(self) -> None:
        def fill(entries: list[ModelEntry]) -> None:
            for entry in entries:
                if entry.role == "chat":
                    self.model.addItem(entry.name, entry.name)

        def failed(_exc: BaseException) -> None:
            self.model.hide()
            self._model_label.hide()

        self.tasks.submit(
            self.assistant.models.installed, name="list models", owner=self, on_result=fill, on_error=failed
        )

    # -- actions ----------------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.fit_height()

    def fit_height(self) -> None:
        """Grow to fit what is shown: a message appearing below the fields used to squeeze the rows above
        it into each other (clipped text) instead of making the dialog taller."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        wanted = self.sizeHint().height()
        if self.height() < wanted:
            self.resize(self.width(), wanted)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.fit_height()
        for widget in (self.ok_button, self.keyring_button, self.passphrase, self.confirm):
            widget.setEnabled(not busy)

    def try_keyring(self, quiet: bool = True) -> None:
        """Unlock from the OS keyring. Quietly at start-up (most users did not opt in), and without
        locking the fields, so a slow keyring never stops anyone typing the passphrase."""
        if self.setup_mode:
            return
        if not quiet:
            self._set_busy(True)

        def failed(exc: BaseException) -> None:
            if not quiet:
                self._set_busy(False)
                self.show_message(
                    "The keyring has no key for this memory. Enter your passphrase."
                    if isinstance(exc, WrongPassphrase)
                    else str(exc)
                )
                self.passphrase.setFocus()

        def done(_r: Any) -> None:
            if self.result() != QDialog.DialogCode.Accepted:
                self.unlocked_via_keyring = True
                self.accept()

        # the write lane orders this with a passphrase unlock, so the store is never opened twice
        self.tasks.submit(
            self.assistant.unlock, None, name="unlock", owner=self, serial=True, on_result=done, on_error=failed
        )

    def submit(self) -> None:
        secret = self.passphrase.text()
        if self.setup_mode:
            problem = passphrase_problem(secret)
            if problem is not None:
                self.show_message(problem)
                return
            if secret != self.confirm.text():
                self.show_message("The two passphrases differ. Type the same passphrase twice.")
                return
            job: Any = self._create
            args: tuple[Any, ...] = (secret, self.capture.isChecked(), self.model.currentData() or "")
        else:
            if not secret:
                self.show_message("Enter your passphrase.")
                return
            job, args = self.assistant.unlock, (secret,)
        self.message.hide()
        self._set_busy(True)
        self.tasks.submit(
            job,
            *args,
            name="unlock",
            owner=self,
            serial=True,
            on_result=lambda _r: self.accept(),
            on_error=self._failed,
        )

    def _create(self, passphrase: str, capture: bool, model: str) -> None:
        self.assistant.init(passphrase)
        self.assistant.models.prepare_search()  # semantic search from the first minute; says why if not
        self.assistant.settings.set("capture.enabled", capture)
        if model:
            self.assistant.models.use(model, "chat")

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, WrongPassphrase):
            self.show_message("Wrong passphrase. Nothing was changed; try again.")
            self.passphrase.selectAll()
        else:
            self.show_message(str(exc) or type(exc).__name__)
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
