"""One APScheduler BackgroundScheduler for the core's periodic work: capture ticks share it, and it
runs consolidation (and with it retention) every few minutes, and the model pass on its own executor
(one thread, so it never takes a worker that a capture tick needs). Jobs never overlap themselves,
missed runs collapse into one, and everything stops cleanly on exit."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from assistant.scheduler.model_job import MODEL_JOB

log = logging.getLogger(__name__)
CONSOLIDATION_JOB = "consolidate"
MODEL_EXECUTOR = "model"


class BackgroundService:
    def __init__(self) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        # Two workers: a capture tick is never stuck behind a long consolidation run. The model pass has
        # an executor of its own: its one thread is niced for good, and it never holds a default worker.
        self.scheduler: Any = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=2), MODEL_EXECUTOR: ThreadPoolExecutor(max_workers=1)},
            timezone="UTC",
        )
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # set first on stop: a running model pass stops between episodes

    def start(self) -> None:
        with self._lock:
            if not self.scheduler.running:
                self.scheduler.start()

    def schedule_consolidation(self, run: Callable[[], Any], every_minutes: float) -> None:
        def guarded() -> None:
            try:
                run()
            except Exception as exc:  # a failed run is retried at the next interval, never kills the scheduler
                log.warning("background consolidation failed: %s", type(exc).__name__)

        self.scheduler.add_job(
            guarded,
            "interval",
            minutes=every_minutes,
            id=CONSOLIDATION_JOB,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=60,
        )
        self.start()

    def schedule_model_pass(self, run: Callable[[], Any], every_seconds: float = 60.0) -> None:
        """Call `run` (a scheduler.model_job.ModelPassJob) every `every_seconds` on the model executor."""
        from datetime import UTC, datetime, timedelta

        self.scheduler.add_job(
            run,
            "interval",
            seconds=every_seconds,
            id=MODEL_JOB,
            executor=MODEL_EXECUTOR,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(every_seconds)),
            next_run_time=datetime.now(UTC) + timedelta(seconds=min(every_seconds, 5.0)),
        )
        self.start()

    def consolidation_every(self, every_minutes: float) -> bool:
        """Run the scheduled consolidation at a new interval from now on; False when none is scheduled."""
        if self.scheduler.get_job(CONSOLIDATION_JOB) is None:
            return False
        self.scheduler.reschedule_job(CONSOLIDATION_JOB, trigger="interval", minutes=every_minutes)
        return True

    def consolidation_interval(self) -> float | None:
        """Minutes between scheduled consolidations, None when none is scheduled."""
        job = self.scheduler.get_job(CONSOLIDATION_JOB)
        return None if job is None else job.trigger.interval.total_seconds() / 60

    def jobs(self) -> list[str]:
        return [j.id for j in self.scheduler.get_jobs()]

    def stop(self) -> None:
        self.stopping.set()
        with self._lock:
            if self.scheduler.running:
                self.scheduler.shutdown(wait=True)
