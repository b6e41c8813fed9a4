"""The capture job on a real APScheduler: ticks at the interval, never overlaps, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import threading
import time

from assistant.scheduler.capture_job import CaptureJob, run_forever


class SlowPipeline:
    def __init__(self, tick_seconds: float = 0.0) -> None:
        self.tick_seconds = tick_seconds
        self.ticks = 0
        self.running = 0
        self.max_running = 0
        self.stopped = 0
        self._lock = threading.Lock()

    def tick(self) -> None:
        with self._lock:
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        time.sleep(self.tick_seconds)
        with self._lock:
            self.running -= 1
            self.ticks += 1

    def stop(self, timeout: float | None = None) -> None:
        self.stopped += 1


def wait_for(predicate: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


def test_ticks_at_the_interval_then_stops_cleanly() -> None:
    pipeline = SlowPipeline()
    job = CaptureJob(pipeline, interval_seconds=0.05)
    job.start()
    try:
        assert wait_for(lambda: pipeline.ticks >= 3)
    finally:
        job.stop()
    after_stop = pipeline.ticks
    time.sleep(0.2)
    assert pipeline.ticks == after_stop and pipeline.stopped == 1 and not job.running
    job.stop()  # twice is fine
    assert pipeline.stopped == 1


def test_a_slow_tick_is_never_overlapped() -> None:
    pipeline = SlowPipeline(tick_seconds=0.15)
    job = CaptureJob(pipeline, interval_seconds=0.02)
    job.start()
    try:
        assert wait_for(lambda: pipeline.ticks >= 3)
    finally:
        job.stop()
    assert pipeline.max_running == 1


def test_run_forever_stops_on_sigint_and_restores_the_handler() -> None:
    pipeline = SlowPipeline()
    job = CaptureJob(pipeline, interval_seconds=0.05)
    before = signal.getsignal(signal.SIGINT)

    def interrupt() -> None:
        wait_for(lambda: pipeline.ticks >= 2)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    run_forever(job)  # returns instead of raising KeyboardInterrupt
    assert pipeline.ticks >= 2 and pipeline.stopped == 1
    assert signal.getsignal(signal.SIGINT) is before


def test_run_forever_with_an_event_off_the_main_thread() -> None:
    pipeline = SlowPipeline()
    stop = threading.Event()
    runner = threading.Thread(target=run_forever, args=(CaptureJob(pipeline, 0.05), stop))
    runner.start()
    assert wait_for(lambda: pipeline.ticks >= 1)
    stop.set()
    runner.join(10)
    assert not runner.is_alive() and pipeline.stopped == 1
