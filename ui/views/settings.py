"""Settings: every change is saved through the facade (debounced, in the write lane) as you make it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui import autostart
from ui.format import human_bytes
from ui.hotkey import readable, to_spec
from ui.session import Session
from ui.views.settings_integrations import IntegrationsBox
from ui.views.settings_widgets import ListEditor, ModelsBox, PassphraseBox

SAVE_DELAY_MS = 400


def allow_network(parent: QWidget) -> bool:
    """Ask before local-only mode goes off (tests replace this)."""
    answer = QMessageBox.question(
        parent,
        "Allow network connections?",
        "Local-only mode refuses every connection to another machine. Turned off, the app may connect to the "
        "network: for model downloads, and for a Chroma server if you configured one (it then receives your "
        "search vectors).\n\n"
        "Turn local-only mode off?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class SettingsView(QWidget):
    hotkey_changed = Signal(str)
    saved = Signal()  # after each batch of changes reached the config file

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.pending: dict[str, Any] = {}
        self._loading = False
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setSpacing(14)
        column.addWidget(self._capture_box())
        column.addWidget(self._storage_box())
        column.addWidget(self._memory_box())
        self.models = ModelsBox(session)
        column.addWidget(self.models)
        column.addWidget(self._privacy_box())
        self.passphrase = PassphraseBox(session)
        column.addWidget(self.passphrase)
        column.addWidget(self._desktop_box())
        self.integrations = IntegrationsBox(session)
        column.addWidget(self.integrations)
        column.addStretch(1)
        content.setMaximumWidth(860)
        holder = QWidget()
        centered = QHBoxLayout(holder)
        centered.addWidget(content, 1)
        centered.addStretch(0)
        self.scroll_area = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.load()

    # -- building -----------------------------------------------------------------------------------
    def _capture_box(self) -> QGroupBox:
        box = QGroupBox("Screen capture")
        form = QFormLayout(box)
        self.capture_enabled = QCheckBox("Record the screen (text is read on this computer)")
        self.interval = QDoubleSpinBox()
        self.interval.setRange(0.5, 600)
        self.interval.setSuffix(" s")
        self.interval.setDecimals(1)
        self.monitors = QComboBox()
        self.monitors.addItem("All monitors", "all")
        self.monitors.addItem("Primary monitor only", "primary")
        self.excluded_apps = ListEditor("app name, e.g. keepassxc")
        self.excluded_titles = ListEditor("words in a window title, e.g. Incognito")
        for field in (self.interval, self.monitors):
            field.setMaximumWidth(220)
        form.addRow("", self.capture_enabled)
        form.addRow("Every", self.interval)
        form.addRow("Monitors", self.monitors)
        form.addRow("Never record apps", self.excluded_apps)
        form.addRow("Never record titles", self.excluded_titles)
        builtin = QLabel("Password managers and private browser windows are never recorded, whatever these lists hold.")
        builtin.setWordWrap(True)
        form.addRow("", builtin)
        self.capture_enabled.toggled.connect(self._capture_toggled)
        self.session.capture_changed.connect(self._capture_state_changed)
        self.session.settings_changed.connect(self._capture_state_changed)
        self.interval.valueChanged.connect(lambda v: self.stage("capture.interval_seconds", float(v)))
        self.monitors.currentIndexChanged.connect(
            lambda _i: self.stage("capture.monitors", self.monitors.currentData())
        )
        self.excluded_apps.changed.connect(lambda v: self.stage("capture.excluded_apps", v))
        self.excluded_titles.changed.connect(lambda v: self.stage("capture.excluded_titles", v))
        return box

    def _storage_box(self) -> QGroupBox:
        box = QGroupBox("Thumbnails and storage")
        form = QFormLayout(box)
        self.keep_thumbnails = QCheckBox("Keep small encrypted screenshots for the timeline")
        self.retention = QSpinBox()
        self.retention.setRange(1, 3650)
        self.retention.setSuffix(" days")
        self.budget = QSpinBox()
        self.budget.setRange(64, 1_000_000)
        self.budget.setSingleStep(256)
        self.budget.setSuffix(" MB")
        self.usage = QProgressBar()
        self.usage.setTextVisible(True)
        self.usage_row = QWidget()
        row = QHBoxLayout(self.usage_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.usage, 1)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh_usage)
        row.addWidget(refresh)
        for field in (self.retention, self.budget):
            field.setMaximumWidth(220)
        form.addRow("", self.keep_thumbnails)
        form.addRow("Keep thumbnails for", self.retention)
        form.addRow("Storage budget", self.budget)
        form.addRow("In use", self.usage_row)
        self._bind_check(self.keep_thumbnails, "capture.keep_thumbnails")
        self.retention.valueChanged.connect(lambda v: self.stage("capture.thumbnail_retention_days", int(v)))
        self._usage_total: int | None = None  # until the first measurement
        self.usage.setRange(0, 0)
        self.budget.valueChanged.connect(self._budget_changed)
        return box

    def _memory_box(self) -> QGroupBox:
        box = QGroupBox("Memory")
        form = QFormLayout(box)
        self.consolidate_every = QSpinBox()
        self.consolidate_every.setRange(1, 24 * 60)
        self.consolidate_every.setSuffix(" min")
        self.consolidate_every.setToolTip("How often new captures and chats are turned into memories")
        self.raw_retention = QSpinBox()
        self.raw_retention.setRange(0, 3650)
        self.raw_retention.setSuffix(" days")
        self.raw_retention.setSpecialValueText("forever")
        self.raw_retention.setToolTip(
            "Raw screen text and chat turns are deleted this long after they were stored and consolidated; "
            "the memories made from them stay"
        )
        self.idle_minutes = QDoubleSpinBox()
        self.idle_minutes.setRange(0.5, 240)
        self.idle_minutes.setDecimals(1)
        self.idle_minutes.setSuffix(" min")
        self.idle_minutes.setToolTip("Capture skips frames once mouse and keyboard have been still this long")
        self.model_on_ac = QCheckBox("On AC power, let the chat model read new episodes while I work")
        self.model_on_ac.setToolTip(
            "Otherwise it waits until you are idle. It uses one CPU thread at low priority "
            "and gives way to your questions"
        )
        for field in (self.consolidate_every, self.raw_retention, self.idle_minutes):
            field.setMaximumWidth(220)
        form.addRow("Consolidate every", self.consolidate_every)
        form.addRow("Keep raw captures and chats", self.raw_retention)
        form.addRow("Stop capturing when idle for", self.idle_minutes)
        form.addRow("", self.model_on_ac)
        self._bind_check(self.model_on_ac, "consolidation.model_on_ac")
        self.consolidate_every.valueChanged.connect(lambda v: self.stage("consolidation.interval_minutes", float(v)))
        self.raw_retention.valueChanged.connect(lambda v: self.stage("consolidation.raw_retention_days", int(v)))
        self.idle_minutes.valueChanged.connect(lambda v: self.stage("capture.idle_seconds", round(float(v) * 60, 1)))
        return box

    def _privacy_box(self) -> QGroupBox:
        box = QGroupBox("Privacy")
        layout = QVBoxLayout(box)
        self.local_only = QCheckBox("Local-only mode: refuse every network connection (model downloads too)")
        self.keyring = QCheckBox(
            "Unlock with the OS keyring (no passphrase at start; less protection if someone uses your session)"
        )
        self.keyring_note = QLabel()
        self.keyring_note.setStyleSheet("color: gray;")
        self.lock_after = QSpinBox()
        self.lock_after.setRange(0, 24 * 60)
        self.lock_after.setSuffix(" min")
        self.lock_after.setSpecialValueText("never")
        self.lock_after.setToolTip("Forget the keys and ask for the passphrase after this long without input")
        lock_form = QFormLayout()
        lock_form.addRow("Lock after no input for", self.lock_after)
        layout.addWidget(self.local_only)
        layout.addWidget(self.keyring)
        layout.addWidget(self.keyring_note)
        layout.addLayout(lock_form)
        self.lock_after.valueChanged.connect(lambda v: self.stage("privacy.lock_after_idle_minutes", float(v)))
        self.local_only.toggled.connect(self._local_only_toggled)
        self.keyring.toggled.connect(self._keyring_toggled)
        return box

    def _desktop_box(self) -> QGroupBox:
        box = QGroupBox("Desktop")
        form = QFormLayout(box)
        self.hotkey = QLineEdit()
        self.hotkey.setPlaceholderText("Ctrl+Shift+Space")
        self.hotkey.setToolTip("Global shortcut for quick recall, written like Ctrl+Alt+R")
        self.hotkey.editingFinished.connect(self._hotkey_edited)
        self.start_on_login = QCheckBox("Start when I log in (in the tray)")
        form.addRow("Quick recall hotkey", self.hotkey)
        form.addRow("", self.start_on_login)
        self._bind_check(self.start_on_login, "ui.start_on_login")
        self.start_on_login.toggled.connect(self._autostart_toggled)
        return box

    def _bind_check(self, box: QCheckBox, key: str) -> None:
        box.toggled.connect(lambda on: self.stage(key, bool(on)))

    # -- values -----------------------------------------------------------------------------------
    def load(self) -> None:
        """Show the current settings (no saves are triggered while filling in)."""
        s = self.session.assistant.settings.current
        self._loading = True
        try:
            self.capture_enabled.setChecked(s.capture.enabled)
            self.interval.setValue(s.capture.interval_seconds)
            self.monitors.setCurrentIndex(max(0, self.monitors.findData(s.capture.monitors)))
            self.excluded_apps.set_values(list(s.capture.excluded_apps))
            self.excluded_titles.set_values(list(s.capture.excluded_titles))
            self.keep_thumbnails.setChecked(s.capture.keep_thumbnails)
            self.retention.setValue(s.capture.thumbnail_retention_days)
            self.budget.setValue(s.capture.storage_budget_mb)
            self.consolidate_every.setValue(round(s.consolidation.interval_minutes))
            self.raw_retention.setValue(s.consolidation.raw_retention_days)
            self.model_on_ac.setChecked(s.consolidation.model_on_ac)
            self.idle_minutes.setValue(s.capture.idle_seconds / 60)
            self.local_only.setChecked(s.privacy.local_only)
            self.lock_after.setValue(round(s.privacy.lock_after_idle_minutes))
            self.keyring.setChecked(self.session.keyring_enabled)
            self.hotkey.setText(readable(s.ui.hotkey))
            self.start_on_login.setChecked(s.ui.start_on_login)
        finally:
            self._loading = False

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh_usage()
        self.models.refresh()
        self.integrations.refresh()

    def stage(self, key: str, value: Any) -> None:
        if self._loading:
            return
        self.pending[key] = value
        self._save_timer.start()

    @property
    def dirty(self) -> bool:
        return bool(self.pending) or self._save_timer.isActive()

    def flush(self) -> None:
        """Write the staged changes now (one task, in the write lane)."""
        self._save_timer.stop()
        if not self.pending:
            return
        changes, self.pending = self.pending, {}
        assistant = self.session.assistant

        def write() -> list[str]:
            for key, value in changes.items():
                assistant.settings.set(key, value)
            return list(changes)

        def done(keys: list[str]) -> None:
            live = any(k.startswith("capture.") for k in keys)  # applied at the next tick, no restart
            self.session.message.emit("settings saved; capture uses them from now on" if live else "settings saved")
            self.session.settings_changed.emit()
            self.saved.emit()

        self.session.run(write, name="save settings", owner=self, serial=True, on_result=done)

    # -- side effects of some settings -------------------------------------------------------------
    def _capture_toggled(self, on: bool) -> None:
        """Start or stop recording; the core keeps the consent. A start that fails unticks the box."""
        if self._loading:
            return
        handle = self.session.start_capture() if on else self.session.stop_capture()
        if handle is not None:
            handle.failed.connect(lambda _exc: self._capture_state_changed())
        elif on:  # the user cancelled at the notice: nothing records, so the switch goes back off
            self._capture_state_changed()

    def _capture_state_changed(self, *_args: Any) -> None:
        self._loading = True
        self.capture_enabled.setChecked(self.session.assistant.settings.current.capture.enabled)
        self._loading = False

    def _local_only_toggled(self, on: bool) -> None:
        """Turning the network on is asked about first: a stray click must not open the machine's door."""
        if self._loading:
            return
        if not on and not allow_network(self):
            self._loading = True
            self.local_only.setChecked(True)
            self._loading = False
            return
        self.stage("privacy.local_only", bool(on))

    def _keyring_toggled(self, on: bool) -> None:
        if self._loading:
            return

        def done(_r: None) -> None:
            self.session.keyring_enabled = on
            self.integrations.refresh()  # the entry needs a passphrase only without keyring unlock
            self.keyring_note.setText(
                "The key is in your OS keyring."
                if on
                else "The keyring no longer holds the key; the passphrase is needed at start."
            )

        def failed(exc: BaseException) -> None:
            self._loading = True
            self.keyring.setChecked(not on)
            self._loading = False
            self.keyring_note.setText(str(exc))

        self.session.run(
            self.session.assistant.security.set_keyring_unlock,
            on,
            name="keyring",
            owner=self,
            serial=True,
            on_result=done,
            on_error=failed,
        )

    def _hotkey_edited(self) -> None:
        text = to_spec(self.hotkey.text().strip()) if self.hotkey.text().strip() else ""
        if text and text != self.session.assistant.settings.current.ui.hotkey:
            self.stage("ui.hotkey", text)
            self.hotkey_changed.emit(text)

    def _autostart_toggled(self, on: bool) -> None:
        if not self._loading:
            try:
                self.session.message.emit(autostart.set_start_on_login(on, str(self.session.assistant.paths.root)))
            except OSError as exc:
                self.session.message.emit(f"cannot change start on login: {exc}")

    def _budget_changed(self, value: int) -> None:
        self.stage("capture.storage_budget_mb", int(value))
        if self._usage_total is not None:
            self._show_usage(self._usage_total)

    def refresh_usage(self) -> None:
        self.session.run(
            self.session.assistant.capture.storage_usage,
            name="storage usage",
            owner=self,
            on_result=lambda usage: self._show_usage(usage.total),
        )

    def _show_usage(self, total: int) -> None:
        self._usage_total = total
        budget = self.budget.value() * 1024 * 1024
        self.usage.setRange(0, 1000)
        self.usage.setValue(min(1000, int(1000 * total / budget)) if budget else 0)
        self.usage.setFormat(f"{human_bytes(total)} of {human_bytes(budget)}")
