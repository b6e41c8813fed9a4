"""Capture on/off/pause for the facade: builds the real pipeline, schedules it, stores what it records.

Settings reach a running capture at its next tick, with no restart: before each tick the capture
settings are compared with those applied; exclusions, OCR and thumbnail options and the storage budget
are swapped in, the interval is rescheduled, and a change of monitors or OCR engine rebuilds the
pipeline (off the tick's thread).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from assistant.capture.status import CaptureStatus, state_of
from assistant.capture.writer import FrameWriter
from assistant.config import CaptureSettings
from assistant.store.events import last_event_time
from assistant.store.opened import OpenedStore

if TYPE_CHECKING:
    from assistant.capture.pipeline import CapturePipeline
    from assistant.scheduler.capture_job import CaptureJob

log = logging.getLogger(__name__)
DISK_FULL_RETRY = timedelta(seconds=30)


class CaptureControl:
    def __init__(self, store: OpenedStore, settings: CaptureSettings, scheduler: Any = None) -> None:
        self._store = store
        self._settings = settings
        self._scheduler = scheduler
        self._lock = threading.Lock()
        self._pipeline: CapturePipeline | None = None
        self._job: CaptureJob | None = None
        self._problem: str | None = None
        self._settings_problem: str | None = None
        self._applied = _applied(settings)
        self.writer = FrameWriter(
            store,
            thumbnail_budget_bytes=settings.storage_budget_mb * 1024 * 1024,
            on_disk_full=self._disk_full,
            on_recovered=self._recovered,
        )

    def _disk_full(self, message: str) -> None:
        self._problem = message
        if self._pipeline is not None:
            self._pipeline.pause(DISK_FULL_RETRY)  # the pause ends by itself and the next frame retries

    def _recovered(self) -> None:
        self._problem = None

    def _build(self) -> CapturePipeline:
        from assistant.capture.factory import build_pipeline

        self._applied = _applied(self._settings)
        return build_pipeline(self._settings, self.writer)

    def follow_settings(self, pipeline: CapturePipeline) -> None:
        """Before a tick: apply what changed in the settings since the last tick (see the module doc)."""
        from assistant.capture.factory import exclusion_rules, pipeline_settings

        with self._lock:
            now = _applied(self._settings)
            if now == self._applied:
                return
            before, self._applied = self._applied, now
        try:
            if now.rebuild != before.rebuild:
                threading.Thread(target=self._restart, name="capture-rebuild", daemon=True).start()
                return
            if now.live != before.live:
                pipeline.reconfigure(exclusion_rules(self._settings), pipeline_settings(self._settings))
            if now.interval != before.interval and self._job is not None:
                self._job.reschedule(now.interval)
            self.writer.budget = now.budget
            self._settings_problem = None
            log.info("capture settings applied")
        except ValueError as exc:  # e.g. an invalid title pattern: keep the rules in force, say why
            self._settings_problem = f"capture settings not applied: {exc}"
            log.warning("capture settings not applied: %s", type(exc).__name__)

    def _restart(self) -> None:
        self.stop()
        try:
            self.start()
        except Exception as exc:  # e.g. the new OCR engine or monitors cannot be used here
            self._settings_problem = f"capture stopped: the new settings cannot be used ({exc})"
            log.warning("capture could not restart with the new settings: %s", type(exc).__name__)

    @property
    def running(self) -> bool:
        return self._job is not None

    def start(self) -> None:
        """Start recording at the configured interval. Raises CaptureUnavailable (no display, Wayland)."""
        from assistant.scheduler.capture_job import CaptureJob

        with self._lock:
            if self._job is not None:
                return
            self._pipeline = self._build()
            ticked = _FollowingSettings(self, self._pipeline)
            self._job = CaptureJob(ticked, self._settings.interval_seconds, scheduler=self._scheduler)
            self._job.start()

    def stop(self) -> None:
        with self._lock:
            job, self._job = self._job, None
            pipeline = self._pipeline
        if job is not None:
            if pipeline is not None:
                pipeline.drain(timeout=10)
            job.stop()

    def run_foreground(self) -> None:
        """Block until Ctrl-C or SIGTERM, then stop capture cleanly (for `assistant capture run`)."""
        from assistant.scheduler.capture_job import run_forever

        self.start()
        if self._job is not None:
            run_forever(self._job)
        self.stop()

    def pause(self, minutes: float | None) -> None:
        if self._pipeline is None:
            return
        self._pipeline.pause(None if minutes is None else timedelta(minutes=minutes))

    def resume(self) -> None:
        if self._pipeline is not None:
            self._pipeline.resume()

    def capture_once(self) -> int:
        """One capture now (ignoring pause), OCR included; returns how many frames were stored."""
        before = self.writer.stored
        if self._pipeline is not None and self._job is not None:
            self._pipeline.capture_once()
        else:
            pipeline = self._build()
            try:
                pipeline.capture_once()
            finally:
                pipeline.stop()
        return self.writer.stored - before

    def status(self) -> CaptureStatus:
        last = last_event_time(self._store.db.reader(), "screen")
        stats = self._pipeline.stats() if self._pipeline is not None and self._job is not None else None
        state, reason = state_of(stats.state) if stats is not None else ("off", None)
        if self._problem:  # "paused: the disk is full; ...": the pipeline is paused and retries by itself
            state, reason = state_of(self._problem)
        elif self._settings_problem:  # the rules in force stay (or capture stopped): say why
            state, reason = ("stopped" if stats is None else state), self._settings_problem
        return CaptureStatus(state, reason, self.writer.disk_full, last, stats, self.backend())

    def backend(self) -> str:
        """Which screen reader and window probe this session uses (or why capture cannot run here)."""
        from assistant.capture.factory import session_backend

        return session_backend()

    def notice(self) -> tuple[str, str] | None:
        """(key, text) of what the user must read before the first capture on this desktop, unless
        already shown for this key (settings' capture.notice_shown_for); else None."""
        from assistant.capture import wayland

        if not wayland.applies():
            return None
        picked = wayland.describe()
        if isinstance(picked, str) or picked.summary() == self._settings.notice_shown_for:
            return None  # capture cannot run (its error says why), or the user has read this already
        text = wayland.notice(picked)
        return None if text is None else (picked.summary(), text)


@dataclass(frozen=True)
class _Applied:
    """The capture settings in force, grouped by how a change is applied."""

    live: tuple[Any, ...]  # exclusions and pipeline options: swapped in at the next tick
    interval: float
    budget: int
    rebuild: tuple[Any, ...]  # monitors and OCR engine: a new pipeline


def _applied(s: CaptureSettings) -> _Applied:
    live = (
        tuple(s.excluded_apps),
        tuple(s.excluded_titles),
        s.idle_seconds,
        s.ocr,
        s.ocr_queue_size,
        s.ocr_active_window_only,
        s.keep_thumbnails,
        s.thumbnail_width,
    )
    return _Applied(
        live,
        s.interval_seconds,
        s.storage_budget_mb * 1024 * 1024,
        (s.monitors, s.tesseract_path, s.ocr_min_confidence),
    )


class _FollowingSettings:
    """What the capture job ticks: the settings are followed first, then the pipeline ticks."""

    def __init__(self, control: CaptureControl, pipeline: CapturePipeline) -> None:
        self._control, self._pipeline = control, pipeline

    def tick(self) -> None:
        self._control.follow_settings(self._pipeline)
        self._pipeline.tick()

    def stop(self, timeout: float | None = None) -> None:
        self._pipeline.stop(timeout)
