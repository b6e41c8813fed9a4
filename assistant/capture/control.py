"""Capture on/off/pause for the facade: builds the real pipeline, schedules it, stores what it records."""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

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

        return build_pipeline(self._settings, self.writer)

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
            self._job = CaptureJob(self._pipeline, self._settings.interval_seconds, scheduler=self._scheduler)
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

    def status(self) -> dict[str, Any]:
        last = last_event_time(self._store.db.reader(), "screen")
        out: dict[str, Any] = {"state": "off", "last_capture": last.isoformat() if last else None}
        if self._pipeline is not None and self._job is not None:
            stats = asdict(self._pipeline.stats())
            out.update({k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in stats.items()})
        if self._problem:
            out["state"] = self._problem
        out["disk_full"] = self.writer.disk_full
        return out
