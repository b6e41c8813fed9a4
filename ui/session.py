"""The unlocked app's shared state: the facade, the task manager, capture state and change signals.

Views, the tray and quick recall all talk to the core through one Session, so a pause from the tray
shows in the status bar and a forget in one view refreshes the others. Facade methods that a given
core build lacks are reported by `can()`, and the controls that need them are hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from assistant.api import Assistant
from ui.tasks import TaskHandle, TaskManager

# What the tray and status bar show; derived from capture_status()["state"] and the settings.
OFF, RECORDING, PAUSED, UNAVAILABLE = "off", "recording", "paused", "unavailable"


def facade_method(assistant: Assistant, name: str) -> Callable[..., Any] | None:
    """The facade method `name`, or None when this core build does not have it."""
    fn = getattr(assistant, name, None)
    return fn if callable(fn) else None


def capture_state_of(status: dict[str, Any] | None) -> str:
    """Fold the core's capture state word into the four states the UI shows."""
    if not status:
        return OFF
    word = str(status.get("state", "")).lower()
    if status.get("disk_full"):
        return UNAVAILABLE
    if "paus" in word:
        return PAUSED
    if word in ("running", "recording", "capturing", "active", "on", "started", "idle", "locked"):
        return RECORDING
    if "unavail" in word or "error" in word or "fail" in word:
        return UNAVAILABLE
    return OFF


class Session(QObject):
    capture_changed = Signal(str, object)  # (state, the raw capture_status dict)
    data_changed = Signal()  # memories or events were added, edited or forgotten
    settings_changed = Signal()
    message = Signal(str)  # a short line for the status bar
    consolidation_progress = Signal(int, int)  # (done, total); (0, 0) when idle
    model_changed = Signal(str)  # the active chat model's name ("" = none: quoted answers)
    model_backlog_changed = Signal(int)  # episodes waiting for the model pass
    import_progress = Signal(int, int, str)  # (done, of, "storing" or "indexing"); (0, 0, "") when done

    def __init__(
        self, assistant: Assistant, tasks: TaskManager | None = None, parent: QObject | None = None, poll_ms: int = 2000
    ) -> None:
        super().__init__(parent)
        self.assistant = assistant
        self.tasks = tasks or TaskManager(self)
        self.capture_state = OFF
        self.capture_status: dict[str, Any] = {}
        self.keyring_enabled = False  # true once we know the keyring holds the key
        self.chat_model: str | None = None  # None: this core build cannot say
        self._notes_seen: dict[str, str] = {}
        self.confirm_notice: Callable[[str], bool] = _confirm_notice  # tests answer in its place
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.refresh_capture)
        self.tasks.task_failed.connect(lambda name, exc: self.message.emit(f"{name}: {exc}"))

    # -- facade capabilities ----------------------------------------------------------------------
    def can(self, method: str) -> bool:
        return callable(getattr(self.assistant, method, None))

    def method(self, name: str) -> Callable[..., Any]:
        """A facade method by name (for the ones a core build may not have yet; check `can` first)."""
        fn: Callable[..., Any] = getattr(self.assistant, name)
        return fn

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> TaskHandle:
        return self.tasks.submit(fn, *args, **kwargs)

    @property
    def local_only(self) -> bool:
        return bool(self.assistant.settings.privacy.local_only)

    def report_notes(self) -> None:
        """Say in the status bar any new condition the core noted (a broken model, ...)."""
        notes = {str(k): str(v) for k, v in dict(getattr(self.assistant, "notes", {}) or {}).items()}
        fresh = [v for k, v in notes.items() if self._notes_seen.get(k) != v]
        self._notes_seen = notes
        if fresh:
            self.message.emit("; ".join(fresh))

    def refresh_model(self) -> None:
        if self.can("active_model"):
            self.tasks.submit(
                self.method("active_model"),
                "chat",
                name="active model",
                owner=self,
                on_result=lambda entry: self.set_chat_model(str(getattr(entry, "name", "") or "")),
            )

    def set_chat_model(self, name: str) -> None:
        self.chat_model = name
        self.model_changed.emit(name)

    # -- capture ----------------------------------------------------------------------------------
    def start_polling(self) -> None:
        if self.can("capture_status"):
            self._poll.start()
            self.refresh_capture()

    def stop_polling(self) -> None:
        self._poll.stop()

    def refresh_capture(self) -> None:
        self.report_notes()  # e.g. how far embedding a backlog has got, after a restart
        if self.can("capture_status") and self.assistant.unlocked:
            self.tasks.submit(
                self.method("capture_status"), name="capture status", owner=self, on_result=self._set_capture_status
            )
        if self.can("model_backlog_size") and self.assistant.unlocked:
            self.tasks.submit(
                self.method("model_backlog_size"),
                name="model backlog",
                owner=self,
                on_result=lambda n: self.model_backlog_changed.emit(int(n)),
            )

    def _set_capture_status(self, status: Any) -> None:
        status = dict(status) if isinstance(status, dict) else {}
        state = capture_state_of(status)
        changed = state != self.capture_state or status != self.capture_status
        self.capture_state, self.capture_status = state, status
        if changed:
            self.capture_changed.emit(state, status)

    def _capture_call(self, method: str, action: str, note: str, *args: Any) -> TaskHandle | None:
        """Run a capture control in the write lane; `note` goes to the status bar when it worked."""
        if not self.can(method):
            self.message.emit(f"this version cannot {action}")
            return None

        def done(_result: Any) -> None:
            self.message.emit(note)
            if method in ("start_capture", "stop_capture"):  # these also change capture.enabled
                self.settings_changed.emit()
            self.refresh_capture()

        handle = self.tasks.submit(self.method(method), *args, name=action, owner=self, serial=True, on_result=done)
        handle.failed.connect(lambda _exc: self.refresh_capture())
        return handle

    def pause_capture(self, minutes: float | None) -> TaskHandle | None:
        what = "until resumed" if minutes is None else f"for {_minutes(minutes)}"
        return self._capture_call("pause_capture", "pause capture", f"capture paused {what}", minutes)

    def resume_capture(self) -> TaskHandle | None:
        return self._capture_call("resume_capture", "resume capture", "capture resumed")

    def start_capture(self) -> TaskHandle | None:
        """Start recording, once the user has read what the core says to expect on this desktop (the
        Wayland consent dialog); None when they cancel there."""
        if not self._notice_read():
            self.message.emit("capture not started")
            return None
        return self._capture_call("start_capture", "start capture", "capture started")

    def _notice_read(self) -> bool:
        notice = self.assistant.capture_notice() if self.can("capture_notice") else None  # cached by the core
        if not notice:
            return True
        if not self.confirm_notice(notice):
            return False
        self.tasks.submit(self.method("acknowledge_capture_notice"), name="capture notice", owner=self, serial=True)
        return True

    def stop_capture(self) -> TaskHandle | None:
        return self._capture_call("stop_capture", "stop capture", "capture stopped")

    def load_index_in_background(self) -> None:
        """Searches use full text and the vectors loaded so far until the index has loaded (returns at
        once: it loads on a core thread), so the first search never waits minutes for a large archive."""
        self.assistant.load_index_in_background()

    def start_background(self) -> TaskHandle | None:
        """Scheduled consolidation, and capture if the user consented; or just capture on older cores.
        Capture consented elsewhere (another desktop, the CLI) still shows this desktop's notice first;
        Cancel there turns capture off."""
        if self.assistant.settings.capture.enabled and not self._notice_read():
            self.tasks.submit(self.method("stop_capture"), name="stop capture", owner=self, serial=True)
        if self.can("start_background"):
            return self.tasks.submit(
                self.method("start_background"),
                name="start capture",
                owner=self,
                serial=True,
                on_result=lambda _r: self.refresh_capture(),
            )
        if self.assistant.settings.capture.enabled:
            return self.start_capture()
        return None

    # -- consolidation ------------------------------------------------------------------------------
    def consolidate(self) -> TaskHandle | None:
        if not self.can("consolidate"):
            return None

        def finished(report: Any) -> None:
            self.consolidation_progress.emit(0, 0)
            self.message.emit(f"consolidation done: {report_line(report)}")
            self.data_changed.emit()

        handle = self.tasks.submit(
            self.method("consolidate"),
            name="consolidation",
            owner=self,
            serial=True,
            progress_arg="progress",
            on_result=finished,
            on_progress=lambda d, t: self.consolidation_progress.emit(int(d), int(t)),
        )
        handle.failed.connect(lambda _e: self.consolidation_progress.emit(0, 0))
        return handle

    # -- import ---------------------------------------------------------------------------------------
    def import_chats(self, path: str) -> TaskHandle:
        """Import a chat transcript (its format told from its content), then embed it for search."""
        assistant = self.assistant

        def work(progress: Callable[[int, int, str], None]) -> Any:
            result = assistant.import_file(path, progress=lambda done, total: progress(done, total, "storing"))
            assistant.index_pending(lambda done, total: progress(done, total, "indexing"))
            return result

        def finished(result: Any) -> None:
            self.import_progress.emit(0, 0, "")
            self.message.emit(import_line(result))
            self.data_changed.emit()

        self.message.emit(f"importing {Path(path).name}…")
        handle = self.tasks.submit(
            work,
            name=f"import {Path(path).name}",
            owner=self,
            serial=True,
            progress_arg="progress",
            on_result=finished,
            on_progress=lambda d, t, phase: self.import_progress.emit(int(d), int(t), str(phase)),
        )
        handle.failed.connect(lambda _e: self.import_progress.emit(0, 0, ""))
        return handle

    # -- settings -------------------------------------------------------------------------------------
    def set_setting(self, dotted: str, value: Any) -> TaskHandle:
        def saved(_r: Any) -> None:
            self.settings_changed.emit()

        return self.tasks.submit(
            self.assistant.set_setting,
            dotted,
            value,
            name=f"setting {dotted}",
            owner=self,
            serial=True,
            on_result=saved,
        )

    def shutdown(self) -> None:
        self._poll.stop()
        self.tasks.wait(10000)


def report_line(report: Any) -> str:
    """A consolidation report in one line: what came in and what it became."""
    parts = [
        f"{getattr(report, name)} {label}"
        for name, label in (("events", "events read"), ("added", "new"), ("merged", "merged"), ("updated", "updated"))
        if isinstance(getattr(report, name, None), int)
    ]
    status = getattr(report, "model_status", "")
    return ", ".join(parts) + (f" ({status})" if status else "") if parts else "nothing to do"


def import_line(result: Any) -> str:
    name = Path(str(result.path)).name
    return f"imported {result.added} new message(s) of {result.read} from {name} ({result.format}" + (
        f"; {result.skipped} already there)" if result.skipped else ")"
    )


def _minutes(minutes: float) -> str:
    if minutes >= 60 and minutes % 60 == 0:
        hours = int(minutes // 60)
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return f"{minutes:g} min"


def _confirm_notice(text: str) -> bool:
    """The core's notice before the first capture on this desktop; OK goes on, Cancel does not start."""
    buttons = QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel
    answer = QMessageBox.information(None, "Before capture starts", text, buttons)
    return answer == QMessageBox.StandardButton.Ok
