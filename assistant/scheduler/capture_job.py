"""Running the capture pipeline every few seconds on an APScheduler 3 background scheduler."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol

log = logging.getLogger(__name__)

JOB_ID = "capture-tick"


class Tickable(Protocol):
    def tick(self) -> None: ...

    def stop(self, timeout: float | None = None) -> None: ...


class CaptureJob:
    """Calls `pipeline.tick` every `interval_seconds`.

    A tick never overlaps the previous one (max_instances=1); ticks missed while the machine was
    busy or asleep collapse into one (coalesce) and are dropped when later than `misfire_grace_time`:
    a stale screenshot time is worth nothing. Pass `scheduler` to share one BackgroundScheduler with
    other jobs; by default the job owns a one-thread scheduler.
    """

    def __init__(self, pipeline: Tickable, interval_seconds: float = 3.0, scheduler: Any = None) -> None:
        if interval_seconds <= 0:
            raise ValueError("the capture interval must be positive")
        self.pipeline = pipeline
        self.interval_seconds = interval_seconds
        self._own_scheduler = scheduler is None
        self._scheduler = scheduler
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        with self._lock:
            if self._started:
                return
            if self._scheduler is None:
                self._scheduler = BackgroundScheduler(
                    executors={"default": ThreadPoolExecutor(max_workers=1)}, timezone="UTC"
                )
            self._scheduler.add_job(
                self.pipeline.tick,
                "interval",
                seconds=self.interval_seconds,
                id=JOB_ID,
                replace_existing=True,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(self.interval_seconds)),
                next_run_time=_now(),
            )
            if not self._scheduler.running:
                self._scheduler.start()
            self._started = True
        log.info("capture started (every %g s)", self.interval_seconds)

    @property
    def running(self) -> bool:
        return self._started

    def scheduled_seconds(self) -> float | None:
        """The interval the scheduler really ticks at (None when stopped)."""
        with self._lock:
            job = self._scheduler.get_job(JOB_ID) if self._started else None
        return None if job is None else float(job.trigger.interval.total_seconds())

    def reschedule(self, interval_seconds: float) -> None:
        """Tick every `interval_seconds` from now on (safe from inside a tick)."""
        if interval_seconds <= 0:
            raise ValueError("the capture interval must be positive")
        with self._lock:
            self.interval_seconds = interval_seconds
            if self._started:
                self._scheduler.reschedule_job(JOB_ID, trigger="interval", seconds=interval_seconds)
                self._scheduler.modify_job(JOB_ID, misfire_grace_time=max(1, int(interval_seconds)))
        log.info("capture interval now %g s", interval_seconds)

    def stop(self) -> None:
        """Stop ticking, wait for a running tick, then stop the pipeline (which drains its OCR queue)."""
        with self._lock:
            if not self._started:
                return
            self._started = False
            scheduler = self._scheduler
        if self._own_scheduler:
            scheduler.shutdown(wait=True)
            self._scheduler = None
        else:
            from apscheduler.jobstores.base import JobLookupError

            with contextlib.suppress(JobLookupError):
                scheduler.remove_job(JOB_ID)
        self.pipeline.stop()
        log.info("capture stopped")


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def run_forever(job: CaptureJob, stop: threading.Event | None = None) -> None:
    """Run capture in the foreground until SIGINT (Ctrl-C) or SIGTERM, then shut down cleanly.

    Signal handlers can only be installed from the main thread; elsewhere pass `stop` and set it.
    """
    stop = stop or threading.Event()
    previous: dict[signal.Signals, Callable[[int, FrameType | None], Any] | int | None] = {}

    def _handle(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping capture", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, _handle)
    try:
        job.start()
        while not stop.wait(0.5):  # a timed wait keeps the main thread responsive to signals
            pass
    finally:
        job.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
