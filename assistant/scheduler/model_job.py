"""When the model pass may spend CPU, and how little: the background job's gate and its thread's priority.

The deterministic pass runs on schedule whatever the user does; the model pass is slow (seconds to tens
of seconds per episode on a laptop CPU), so the background job reads the backlog only while the user is
idle, or while the machine is known to run on AC power. On battery, or where the platform cannot tell,
it waits for idleness, and it stops between two episodes as soon as the user is back. It runs on its
own executor thread, niced, and the model call is held to one CPU thread, so a capture tick (another
executor) and the user's apps keep the other cores and the CPU first.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

MODEL_JOB = "model-pass"
NICENESS = 10


def _ask(source: Callable[[], float | bool | None], what: str) -> float | bool | None:
    try:
        return source()
    except Exception as exc:  # a probe that fails says nothing, and nothing is assumed from it
        log.debug("%s unknown: %s", what, type(exc).__name__)
        return None


@dataclass
class ModelPassGate:
    """`idle_seconds`: seconds since the last input (None: unknown); `on_battery`: power.on_battery;
    `idle_after`: seconds without input that count as idle; `on_ac`: on AC power, run while the user
    works too (one thread, niced)."""

    idle_seconds: Callable[[], float | None]
    on_battery: Callable[[], bool | None]
    idle_after: float
    on_ac: bool = True

    def reason_to_wait(self) -> str | None:
        """None when the model pass may run now; else why not (for the status)."""
        idle = _ask(self.idle_seconds, "idle time")
        if isinstance(idle, (int, float)) and not isinstance(idle, bool) and idle >= self.idle_after:
            return None
        if self.on_ac and _ask(self.on_battery, "power source") is False:
            return None
        return "waiting for you to be idle" if idle is not None else "waiting: this desktop does not tell idle time"


def lower_this_thread(niceness: int = NICENESS) -> bool:
    """Lower the calling thread's CPU priority (Linux: a thread has its own nice value, set by its id);
    the rest of the process keeps its own. False where the platform cannot do it for one thread."""
    if not sys.platform.startswith("linux"):
        return False
    tid = threading.get_native_id()
    try:
        current = os.getpriority(os.PRIO_PROCESS, tid)
        if current < niceness:
            os.setpriority(os.PRIO_PROCESS, tid, niceness)
    except OSError as exc:
        log.info("could not lower the model pass's priority: %s", exc)
        return False
    return True


class ModelPassJob:
    """The job body: when `reason_to_wait()` is None (ModelPassGate's), lower this thread's priority and
    call `drain(keep_going)`; `keep_going()` turns False when there is a reason to wait again or `stopping`
    is set, and the drain stops between two episodes."""

    def __init__(
        self,
        drain: Callable[[Callable[[], bool]], object],
        reason_to_wait: Callable[[], str | None],
        stopping: threading.Event,
    ) -> None:
        self._drain = drain
        self._reason_to_wait = reason_to_wait
        self._stopping = stopping
        self.waiting_because: str | None = None  # why the last run did not drain (for the status)

    def keep_going(self) -> bool:
        if self._stopping.is_set():
            return False
        self.waiting_because = self._reason_to_wait()
        return self.waiting_because is None

    def __call__(self) -> None:
        if not self.keep_going():
            return
        lower_this_thread()
        try:
            self._drain(self.keep_going)
        except Exception as exc:  # retried at the next run; never kills the scheduler
            log.warning("background model pass failed: %s", type(exc).__name__)
