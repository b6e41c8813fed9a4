"""The capture loop: tick -> window check -> grab -> change test -> OCR worker -> redaction -> sink.

`tick()` runs on the scheduler's thread and stays cheap (a grab and a 1 ms comparison when nothing
changed). OCR runs on one worker thread fed by a bounded queue: when OCR falls behind, the OLDEST
waiting frame loses its OCR (it is still recorded, with ocr_status "dropped"), so the newest screen
is always read. The sink is called only from the worker thread, in capture order.

Nothing here logs what was on screen: logs carry counts, states and error types only.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from assistant.capture.filters import ExclusionRules, is_excluded
from assistant.capture.frames import CapturedFrame, Frame, OcrStatus, WindowInfo
from assistant.capture.layout import plan
from assistant.capture.own_windows import OWN_WINDOWS, OwnWindows
from assistant.capture.record import Job, PipelineSettings, build_record
from assistant.capture.screen import ChangeDetector
from assistant.capture.stats import CaptureStats, Counters
from assistant.capture.thumbnail import window_box
from assistant.capture.window import WindowLister, WindowProbe
from assistant.errors import CaptureUnavailable
from assistant.ocr.engine import OCR_UNAVAILABLE, OcrEngine

__all__ = ["CapturePipeline", "Grabber", "PipelineSettings", "Sink"]

log = logging.getLogger(__name__)

Sink = Callable[[CapturedFrame], None]


class Grabber(Protocol):
    """What the pipeline needs from a screen grabber (ScreenGrabber, or a fake in tests)."""

    def grab(self) -> list[Frame]: ...


def _unavailable(message: str) -> str:
    return "unavailable: " + message.removeprefix("OCR unavailable: ")


def _utcnow() -> datetime:
    return datetime.now(UTC)


class CapturePipeline:
    def __init__(
        self,
        grabber: Grabber,
        probe: WindowProbe,
        ocr: OcrEngine | None,
        rules: ExclusionRules,
        sink: Sink,
        settings: PipelineSettings | None = None,
        clock: Callable[[], datetime] = _utcnow,
        detector: ChangeDetector | None = None,
        own: OwnWindows = OWN_WINDOWS,
    ) -> None:
        self.grabber, self.probe, self.ocr, self.rules, self.sink = grabber, probe, ocr, rules, sink
        self.own = own
        self.settings = settings or PipelineSettings()
        self.clock = clock
        self.detector = detector or ChangeDetector(threshold=self.settings.change_threshold)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._tick_lock = threading.Lock()
        self._queue: deque[Job] = deque()
        self._worker: threading.Thread | None = None
        self._stopping = False
        self._paused = False
        self._pause_until: datetime | None = None
        self._last_app: str | None = None
        self._n = Counters()

    def reconfigure(self, rules: ExclusionRules, settings: PipelineSettings) -> None:
        """Use new exclusion rules and settings from the next tick on (a tick in flight ends first)."""
        with self._tick_lock:
            self.rules, self.settings = rules, settings
            self.detector.threshold = settings.change_threshold

    # ---- pause / resume -------------------------------------------------------------------------

    def pause(self, duration: timedelta | None = None) -> None:
        """Stop recording, for `duration` or until resume() (None = indefinitely)."""
        with self._lock:
            self._paused = True
            self._pause_until = None if duration is None else self.clock() + duration
        log.info("capture paused%s", "" if duration is None else f" for {duration}")

    def resume(self) -> None:
        with self._lock:
            self._end_pause()
        log.info("capture resumed")

    def _end_pause(self) -> None:
        self._paused, self._pause_until = False, None
        if self._n.state == "paused":
            self._n.state, self._n.last_skip_reason = "recording", None

    def _is_paused(self, now: datetime) -> bool:
        with self._lock:
            if self._paused and self._pause_until is not None and now >= self._pause_until:
                self._end_pause()
                log.info("capture resumed: the pause ended")
            return self._paused

    # ---- ticking --------------------------------------------------------------------------------

    def tick(self) -> None:
        """One capture attempt (the scheduler calls this every interval). Never raises for a missing
        display or OCR: the reason shows in `stats().state` instead, and the next tick tries again."""
        try:
            self._tick(force=False, explicit=False)
        except CaptureUnavailable as exc:
            self._set_state(f"unavailable: {exc}", None)
        except Exception as exc:  # a bug must show in the status view, not only in the scheduler's log
            log.exception("capture tick failed")
            self._set_state(f"unavailable: internal error ({type(exc).__name__})", None)

    def capture_once(self, timeout: float = 120.0) -> list[CapturedFrame]:
        """Capture now, whatever changed, and wait for OCR: the records, as also given to the sink.

        An explicit request, so a pause or idleness does not stop it; exclusions and the screen lock
        do (then the list is empty and `stats().last_skip_reason` says why). Raises CaptureUnavailable.
        """
        jobs = self._tick(force=True, explicit=True)
        records = []
        for job in jobs:
            if not job.done.wait(timeout):
                raise TimeoutError(f"OCR did not finish within {timeout:g} s")
            records += job.records
        return records

    def _tick(self, force: bool, explicit: bool) -> list[Job]:
        with self._tick_lock:
            if self._stopping:
                return []
            now = self.clock()
            if not explicit and self._is_paused(now):
                return self._skip("paused", "paused")
            if self.probe.screen_locked():
                return self._skip("locked", "screen locked")
            idle = self.probe.idle_seconds()
            if not explicit and idle is not None and idle >= self.settings.idle_after_seconds:
                return self._skip("idle", "user idle")
            window = self.probe.active_window()
            reason = "the assistant's own window" if self.own.is_own(window) else is_excluded(window, self.rules)
            if reason is not None:
                with self._lock:
                    self._n.frames_excluded += 1
                return self._skip("recording", reason)
            frames = self.grabber.grab()
            app = window.app if window else None
            app_changed = app != self._last_app
            jobs = [job for frame in frames if (job := self._consider(frame, window, force, app_changed))]
            self._last_app = app
            if jobs:
                self._lay_out(jobs, window)
            self._set_state("recording", None if jobs else "unchanged")
            for job in jobs:
                self._enqueue(job)
            return jobs

    def _consider(self, frame: Frame, window: WindowInfo | None, force: bool, app_changed: bool) -> Job | None:
        # Switching apps always yields a record (for the monitor showing the new window), even when
        # the pixels barely moved; a title that changes alone does not, or a ticking timer in a
        # title would cost one OCR per tick.
        on_frame = window is None or window.geometry is None or window_box(frame, window) is not None
        keep = self.detector.observe(frame, force=force or (app_changed and on_frame))
        with self._lock:
            self._n.frames_seen += 1
            if not keep:
                self._n.frames_unchanged += 1
                return None
            self._n.frames_kept += 1
            self._n.last_capture_at = frame.captured_at
        status: OcrStatus = "ok" if self.settings.ocr_enabled else "skipped"
        if status == "ok" and (self.ocr is None or not self.ocr.available()):
            status = "unavailable"
            with self._lock:
                self._n.ocr_status = _unavailable(OCR_UNAVAILABLE)
        return Job(frame, window, frame.captured_at, frame.monitor, status)

    def _lay_out(self, jobs: list[Job], active: WindowInfo | None) -> None:
        """Per kept frame: black out what shows of never-record windows and of the assistant's own
        (only what shows: one hidden behind the active window masks nothing), and split the rest
        into the windows' regions, read apart. Asked only for kept frames: an unchanged screen
        costs nothing more."""
        if not isinstance(self.probe, WindowLister):
            return
        stack = self.probe.visible_windows()

        def private(w: WindowInfo) -> bool:
            return self.own.is_own(w) or is_excluded(w, self.rules) is not None

        for job in jobs:
            assert job.frame is not None
            layout = plan(job.frame, stack, active, private, self.settings.crop_to_window)
            job.masks, job.regions = layout.masks, layout.regions
            if layout.masked_windows:
                with self._lock:
                    self._n.windows_masked += layout.masked_windows

    def _skip(self, state: str, reason: str) -> list[Job]:
        self._set_state(state, reason)
        return []

    def _set_state(self, state: str, reason: str | None) -> None:
        with self._lock:
            if state != self._n.state:
                log.info("capture state: %s", state.split(":", 1)[0])
            self._n.state, self._n.last_skip_reason = state, reason

    # ---- OCR queue and worker -------------------------------------------------------------------

    def _enqueue(self, job: Job) -> None:
        with self._wake:
            if job.status == "ok":
                waiting = [j for j in self._queue if j.status == "ok"]
                if len(waiting) >= self.settings.ocr_queue_size:
                    oldest = waiting[0]
                    oldest.status, oldest.frame = "dropped", None
                    self._n.ocr_dropped += 1
            self._queue.append(job)
            self._wake.notify()
            if self._worker is None:
                self._worker = threading.Thread(target=self._run_worker, name="capture-ocr", daemon=True)
                self._worker.start()

    def _run_worker(self) -> None:
        while True:
            with self._wake:
                while not self._queue and not self._stopping:
                    self._wake.wait()
                if not self._queue:
                    return
                job = self._queue.popleft()
                if self._stopping and job.status == "ok":
                    job.status, job.frame = "dropped", None  # stopping: keep the metadata, skip the wait
                    self._n.ocr_dropped += 1
                self._n.ocr_busy = True
            try:
                built = build_record(job, self.ocr, self.settings)
                self._count(built.outcome, built.detail, built.records)
                job.records = built.records
                for record in built.records:
                    self.sink(record)
                    with self._lock:
                        self._n.records += 1
            except Exception as exc:  # one bad frame or a failing store must not end capture
                with self._lock:
                    self._n.record_errors += 1
                log.error("a capture record was lost: %s", type(exc).__name__)
            finally:
                with self._wake:
                    self._n.ocr_busy = False
                    self._wake.notify_all()  # for drain()
                job.done.set()

    def _count(self, outcome: str, detail: str, records: list[CapturedFrame]) -> None:
        with self._lock:
            self._n.redactions += sum(r.redactions for r in records)
            self._n.secrets_found += sum(len(r.secrets) for r in records)
            if outcome == "done":
                self._n.ocr_done += 1
                self._n.ocr_status = "ok"
            elif outcome == "failed":
                self._n.ocr_failed += 1
            elif outcome == "unavailable":
                self._n.ocr_status = _unavailable(detail)

    # ---- lifecycle and status -------------------------------------------------------------------

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every queued frame has been read and handed to the sink; False on timeout."""
        with self._wake:
            return self._wake.wait_for(lambda: not self._queue and not self._n.ocr_busy, timeout)

    def stop(self, timeout: float | None = None) -> None:
        """Stop ticking, join the worker, close the grabber and probe (their X connections). The worker
        finishes the frame it is reading; frames still waiting are recorded without OCR ("dropped")
        so quitting is quick: call drain() first to read them. Safe to call twice."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
            worker = self._worker
        if worker is not None:
            worker.join(self.settings.stop_timeout_seconds if timeout is None else timeout)
            if worker.is_alive():
                log.warning("the OCR worker did not stop in time; it will end with the process")
        with self._tick_lock:  # a tick in flight finishes before its grabber and probe close
            for resource in (self.grabber, self.probe):
                close = getattr(resource, "close", None)
                if callable(close):
                    close()
        self._set_state("stopped", None)

    def stats(self) -> CaptureStats:
        now = self.clock()
        paused = self._is_paused(now)
        with self._lock:
            depth = sum(1 for j in self._queue if j.status == "ok") + int(self._n.ocr_busy)
            ocr_status = "disabled" if not self.settings.ocr_enabled else self._n.ocr_status
            state = "paused" if paused and self._n.state != "stopped" else self._n.state
            return self._n.snapshot(
                state=state,
                ocr_queue_depth=depth,
                ocr_status=ocr_status,
                paused_until=self._pause_until if paused else None,
            )
