"""The facade's capture, background-work and model methods (a part of `Assistant`, kept apart for size)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.capture import pause_note
from assistant.capture.control import CaptureControl
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.llm.gguf_info import Role
from assistant.llm.manager import RECOMMENDED, ModelEntry, RecommendedModel
from assistant.llm.service import ModelService
from assistant.paths import DataPaths
from assistant.scheduler.service import BackgroundService

if TYPE_CHECKING:
    from assistant.consolidation.backlog import ModelBacklog
    from assistant.consolidation.engine import ConsolidationReport
    from assistant.scheduler.model_job import ModelPassJob
    from assistant.store.opened import OpenedStore


class CaptureAndModels:
    paths: DataPaths
    settings: Settings
    models: ModelService
    _capture: CaptureControl | None
    _background: BackgroundService | None
    notes: dict[str, str]

    if TYPE_CHECKING:

        @property
        def store(self) -> OpenedStore: ...

        def set_setting(self, dotted: str, value: Any) -> None: ...

        def require_writable(self) -> None: ...

        def consolidate(
            self, progress: Callable[[int, int], None] | None = None, *, model_pass: bool = True
        ) -> ConsolidationReport: ...

        @property
        def model_backlog(self) -> ModelBacklog: ...

        def index_pending(self, progress: Callable[[int, int], None] | None = None) -> int: ...

    def consolidate_and_index(self) -> None:
        """The periodic job: new raw events become memories, everything new gets its vector, and a
        daily encrypted backup is written (keeping `backup.keep` of them)."""
        from assistant.store.backup import rotate_if_due

        self.consolidate(model_pass=False)  # the model pass reads its backlog on its own schedule
        self.index_pending()
        try:
            rotate_if_due(self.store, self.settings.backup.keep)
        except AssistantError as exc:  # e.g. a damaged store: say so where the user looks
            self.notes["backup"] = f"automatic backup failed: {exc}"

    def _model_pass_job(self, reason_to_wait: Callable[[], str | None] | None = None) -> ModelPassJob:
        """The background model pass: reads the backlog while the user is idle or on AC power (or while
        `reason_to_wait` says None), on one CPU thread."""
        from assistant.consolidation.backlog import read_backlog
        from assistant.locking.part import display_idle
        from assistant.scheduler.model_job import ModelPassGate, ModelPassJob
        from assistant.scheduler.power import on_battery

        idle = display_idle()

        def gate() -> str | None:  # the settings as they are now
            s = self.settings.consolidation
            return ModelPassGate(idle, on_battery, s.model_idle_seconds, s.model_on_ac).reason_to_wait()

        def drain(keep_going: Callable[[], bool]) -> None:
            if self.settings.consolidation.use_model:
                read_backlog(self.model_backlog, self.models.chat_model, keep_going, threads=1)

        return ModelPassJob(drain, reason_to_wait or gate, self.background.stopping)

    def model_backlog_size(self) -> int:
        """Episodes waiting for the model pass (the status bar's "42 episodes waiting for the model")."""
        return self.model_backlog.waiting()

    # -- capture and background work ----------------------------------------------------------------
    @property
    def background(self) -> BackgroundService:
        if self._background is None:
            self._background = BackgroundService()
        return self._background

    @property
    def capture(self) -> CaptureControl:
        if self._capture is None:
            self.require_writable()  # refused before grabbing and reading a screen it could not store
            self._capture = CaptureControl(self.store, self.settings.capture, self.background.scheduler)
        return self._capture

    def start_background(self) -> None:
        """Periodic consolidation, and capture if the user turned it on (capture is off until they do)."""
        self.require_writable()  # every job would fail at its first write
        self.background.schedule_consolidation(self.consolidate_and_index, self.settings.consolidation.interval_minutes)
        self.background.schedule_model_pass(self._model_pass_job())
        if self.settings.capture.enabled:
            self.capture.start()

    def start_capture(self) -> None:
        """Start recording the screen and remember the user's consent."""
        self.capture.start()
        self.set_setting("capture.enabled", True)
        self.background.start()

    def stop_capture(self) -> None:
        self.capture.stop()
        pause_note.resumed(self.paths)
        self.set_setting("capture.enabled", False)

    def pause_capture(self, minutes: float | None = None) -> None:
        """Pause for `minutes`, or until resumed when None; resumes by itself when the time is up."""
        self.capture.pause(minutes)
        pause_note.paused(self.paths, minutes)  # for `assistant status` in another process

    def resume_capture(self) -> None:
        self.capture.resume()
        pause_note.resumed(self.paths)

    def capture_once(self) -> int:
        return self.capture.capture_once()

    def capture_status(self) -> dict[str, Any]:
        return self.capture.status()

    def capture_notice(self) -> str | None:
        """What the user must read before capture first runs on this desktop (the Wayland consent dialog
        to expect, exclusions that cannot work there), until acknowledge_capture_notice(); else None."""
        found = self.capture.notice()
        return None if found is None else found[1]

    def acknowledge_capture_notice(self) -> None:
        """The user has read this desktop's notice: it is not shown again (kept in config.toml)."""
        found = self.capture.notice()
        if found is not None:
            self.set_setting("capture.notice_shown_for", found[0])

    def register_own_window(self, window_id: int) -> None:
        """A window of the app is shown: capture never records it (its pixels are masked, and macOS
        and Windows leave it out of screen captures). Works locked or unlocked."""
        from assistant.capture.own_windows import hide_from_capture

        hide_from_capture(window_id)

    def thumbnail(self, event_id: str) -> bytes | None:
        from assistant.store.blob_rows import thumbnail_of

        blob_id = thumbnail_of(self.store.db.reader(), event_id)
        return self.store.blobs.get(blob_id) if blob_id else None

    def storage_usage(self) -> dict[str, int]:
        files = [self.paths.database, Path(f"{self.paths.database}-wal")]
        return {
            "database": sum(f.stat().st_size for f in files if f.exists()),
            "thumbnails": self.store.blobs.size(),
            "budget": self.settings.capture.storage_budget_mb * 1024 * 1024,
        }

    # -- models -----------------------------------------------------------------------------------
    def list_models(self) -> list[ModelEntry]:
        return self.models.list()

    def active_model(self, role: Role) -> ModelEntry | None:
        return self.models.active(role)

    def recommended_models(self) -> list[RecommendedModel]:
        return list(RECOMMENDED)

    def use_model(self, name: str, role: Role) -> ModelEntry:
        return self.models.use(name, role)

    def download_model(self, name: str, progress: Callable[[int, int], None] | None = None) -> ModelEntry:
        self.paths.ensure()
        return self.models.download(name, progress)
