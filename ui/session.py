"""The unlocked app's shared state: the facade, the task manager, capture state and change signals.

Views, the tray and quick recall all talk to the core through one Session, so a pause from the tray
shows in the status bar and a forget in one view refreshes the others.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from assistant.api import Assistant, CaptureStatus, ConsolidationReport, ModelEntry
from assistant.values import ImportResult, SearchMode
from ui.tasks import TaskHandle, TaskManager

# What the tray and status bar show, folded from the core's capture state.
Shown = Literal["off", "recording", "paused", "unavailable"]
OFF: Shown = "off"
RECORDING: Shown = "recording"
PAUSED: Shown = "paused"
UNAVAILABLE: Shown = "unavailable"


def capture_state_of(status: CaptureStatus | None) -> Shown:
    """Fold the core's capture state into the four states the UI shows: idle and locked still record
    (they skip frames while the user is away), a full disk makes capture unavailable until space is freed."""
    if status is None:
        return OFF
    if status.disk_full or status.state == "unavailable":
        return UNAVAILABLE
    if status.state == "paused":
        return PAUSED
    if status.state in ("recording", "idle", "locked"):
        return RECORDING
    return OFF


class Session(QObject):
    capture_changed = Signal(str, object)  # (the state shown, the core's CaptureStatus)
    data_changed = Signal()  # memories or events were added, edited or forgotten
    settings_changed = Signal()
    message = Signal(str)  # a short line for the status bar
    consolidation_progress = Signal(int, int)  # (done, total); (0, 0) when idle
    model_changed = Signal(str)  # the active chat model's name ("" = none: quoted answers)
    model_backlog_changed = Signal(int)  # episodes waiting for the model pass
    search_changed = Signal(object)  # the SearchMode: hybrid, or full text only and why
    import_progress = Signal(int, int, str)  # (done, of, "storing" or "indexing"); (0, 0, "") when done

    def __init__(
        self, assistant: Assistant, tasks: TaskManager | None = None, parent: QObject | None = None, poll_ms: int = 2000
    ) -> None:
        super().__init__(parent)
        self.assistant = assistant
        self.tasks = tasks or TaskManager(self)
        self.capture_state: Shown = OFF
        self.capture_status: CaptureStatus | None = None
        self.keyring_enabled = False  # true once we know the keyring holds the key
        self.chat_model: str | None = None  # None: not known yet
        self.search_mode: SearchMode | None = None  # None: not known yet
        self._notes_seen: dict[str, str] = {}
        self.confirm_notice: Callable[[str], bool] = _confirm_notice  # tests answer in its place
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.refresh_capture)
        self.tasks.task_failed.connect(lambda name, exc: self.message.emit(f"{name}: {exc}"))

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> TaskHandle:
        return self.tasks.submit(fn, *args, **kwargs)

    @property
    def local_only(self) -> bool:
        return self.assistant.settings.current.privacy.local_only

    def report_notes(self) -> None:
        """Say in the status bar any new condition the core noted (a broken model, ...)."""
        notes = self.assistant.notes().said()
        fresh = [v for k, v in notes.items() if self._notes_seen.get(k) != v]
        if notes.get("search") != self._notes_seen.get("search"):
            self.refresh_search()  # the vector index loaded, or failed to
        self._notes_seen = notes
        if fresh:
            self.message.emit("; ".join(fresh))

    def refresh_model(self) -> None:
        def show(entry: ModelEntry | None) -> None:
            self.set_chat_model(entry.name if entry is not None else "")

        self.tasks.submit(self.assistant.models.active, "chat", name="active model", owner=self, on_result=show)
        self.refresh_search()  # the embedding model may have changed too

    def refresh_search(self) -> None:
        if self.assistant.unlocked:
            self.tasks.submit(self.assistant.search.mode, name="search mode", owner=self, on_result=self._set_search)

    def _set_search(self, mode: SearchMode) -> None:
        if mode != self.search_mode:
            self.search_mode = mode
            self.search_changed.emit(mode)

    def set_chat_model(self, name: str) -> None:
        self.chat_model = name
        self.model_changed.emit(name)

    # -- capture ----------------------------------------------------------------------------------
    def start_polling(self) -> None:
        self._poll.start()
        self.refresh_capture()

    def refresh_capture(self) -> None:
        self.report_notes()  # e.g. how far embedding a backlog has got, after a restart
        if self.assistant.unlocked:
            self.tasks.submit(
                self.assistant.capture.status, name="capture status", owner=self, on_result=self._set_capture_status
            )
            self.tasks.submit(
                self.assistant.consolidation.waiting_for_model,
                name="model backlog",
                owner=self,
                on_result=self.model_backlog_changed.emit,
            )

    def _set_capture_status(self, status: CaptureStatus) -> None:
        state = capture_state_of(status)
        changed = state != self.capture_state or status != self.capture_status
        self.capture_state, self.capture_status = state, status
        if changed:
            self.capture_changed.emit(state, status)

    def _capture_call(
        self, control: Callable[..., None], action: str, note: str, *args: Any, consent: bool = False
    ) -> TaskHandle:
        """Run a capture control in the write lane; `note` goes to the status bar when it worked.
        `consent`: the control also changes capture.enabled (start, stop)."""

        def done(_result: None) -> None:
            self.message.emit(note)
            if consent:
                self.settings_changed.emit()
            self.refresh_capture()

        handle = self.tasks.submit(control, *args, name=action, owner=self, serial=True, on_result=done)
        handle.failed.connect(lambda _exc: self.refresh_capture())
        return handle

    def pause_capture(self, minutes: float | None) -> TaskHandle:
        what = "until resumed" if minutes is None else f"for {_minutes(minutes)}"
        return self._capture_call(self.assistant.capture.pause, "pause capture", f"capture paused {what}", minutes)

    def resume_capture(self) -> TaskHandle:
        return self._capture_call(self.assistant.capture.resume, "resume capture", "capture resumed")

    def start_capture(self) -> TaskHandle | None:
        """Start recording, once the user has read what the core says to expect on this desktop (the
        Wayland consent dialog); None when they cancel there."""
        if not self._notice_read():
            self.message.emit("capture not started")
            return None
        return self._capture_call(self.assistant.capture.start, "start capture", "capture started", consent=True)

    def _notice_read(self) -> bool:
        notice = self.assistant.capture.notice()  # cached by the core
        if not notice:
            return True
        if not self.confirm_notice(notice):
            return False
        self.tasks.submit(self.assistant.capture.acknowledge_notice, name="capture notice", owner=self, serial=True)
        return True

    def stop_capture(self) -> TaskHandle:
        return self._capture_call(self.assistant.capture.stop, "stop capture", "capture stopped", consent=True)

    def load_index_in_background(self) -> None:
        """Searches use full text and the vectors loaded so far until the index has loaded (returns at
        once: it loads on a core thread), so the first search never waits minutes for a large archive."""
        self.assistant.search.load_index_in_background()

    def start_background(self) -> TaskHandle:
        """Scheduled consolidation, and capture if the user consented. Capture consented elsewhere
        (another desktop, the CLI) still shows this desktop's notice first; Cancel there turns capture off."""
        if self.assistant.settings.current.capture.enabled and not self._notice_read():
            self.tasks.submit(self.assistant.capture.stop, name="stop capture", owner=self, serial=True)
        return self.tasks.submit(
            self.assistant.start_background,
            name="start capture",
            owner=self,
            serial=True,
            on_result=lambda _r: self.refresh_capture(),
        )

    # -- consolidation ------------------------------------------------------------------------------
    def consolidate(self) -> TaskHandle:
        def finished(report: ConsolidationReport) -> None:
            self.consolidation_progress.emit(0, 0)
            self.message.emit(f"consolidation done: {report_line(report)}")
            self.data_changed.emit()

        handle = self.tasks.submit(
            self.assistant.consolidation.run,
            name="consolidation",
            owner=self,
            serial=True,
            progress_arg="progress",
            on_result=finished,
            on_progress=lambda d, t: self.consolidation_progress.emit(int(d), int(t)),
            model_pass=False,  # the model reads its backlog in the background: hours of it would hold the write lane
        )
        handle.failed.connect(lambda _e: self.consolidation_progress.emit(0, 0))
        return handle

    # -- import ---------------------------------------------------------------------------------------
    def import_chats(self, path: str) -> TaskHandle:
        """Import a chat transcript (its format told from its content), then embed it for search."""
        assistant = self.assistant

        def work(progress: Callable[[int, int, str], None]) -> ImportResult:
            result = assistant.memories.import_file(path, progress=lambda done, total: progress(done, total, "storing"))
            assistant.search.index_pending(lambda done, total: progress(done, total, "indexing"))
            return result

        def finished(result: ImportResult) -> None:
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
        def saved(_r: None) -> None:
            self.settings_changed.emit()

        return self.tasks.submit(
            self.assistant.settings.set,
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


def report_line(report: ConsolidationReport) -> str:
    """A consolidation report in one line: what came in and what it became."""
    parts = [
        f"{report.events} events read",
        f"{report.added} new",
        f"{report.merged} merged",
        f"{report.updated} updated",
    ]
    n = report.model_waiting
    status = f"{n} episode{'s' if n != 1 else ''} waiting for the model" if n else report.model_status
    return ", ".join(parts) + (f" ({status})" if status else "")


def import_line(result: ImportResult) -> str:
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
