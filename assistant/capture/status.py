"""Capture's state as the facade reports it: a closed set of states, the reason beside it, the counters."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from assistant.capture.stats import CaptureStats

# off: not capturing in this process; stopped: the pipeline has shut down; idle/locked: running, but
# skipping frames while the user is away or the screen is locked; unavailable: cannot capture (`reason`).
CaptureState = Literal["off", "recording", "paused", "idle", "locked", "stopped", "unavailable"]
CAPTURE_STATES: tuple[CaptureState, ...] = get_args(CaptureState)


@dataclass(frozen=True)
class CaptureStatus:
    state: CaptureState
    reason: str | None = None  # why it is unavailable, or paused by the core ("the disk is full; ...")
    disk_full: bool = False  # the last frame could not be stored; capture retries by itself
    last_capture: datetime | None = None  # the newest screen capture in the store
    stats: CaptureStats | None = None  # the running pipeline's counters; None when it does not run here
    backend: str = ""  # which screen reader and window probe this session uses (or why none can run)

    @property
    def words(self) -> str:
        """The state in words, with its reason: "unavailable: no display", "paused: the disk is full; ..."."""
        return f"{self.state}: {self.reason}" if self.reason else self.state

    @property
    def paused_until(self) -> datetime | None:
        return self.stats.paused_until if self.stats is not None else None

    def as_dict(self) -> dict[str, Any]:
        """Flat and JSON-ready (times as ISO text), for `assistant capture once --json`."""
        out: dict[str, Any] = {"state": self.words, "last_capture": self.last_capture}
        if self.stats is not None:
            out.update(asdict(self.stats), state=self.words)
        out["disk_full"] = self.disk_full
        out["backend"] = self.backend
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in out.items()}


def state_of(pipeline_state: str) -> tuple[CaptureState, str | None]:
    """The pipeline's state word ("recording", "unavailable: no display", ...) as a state and a reason."""
    word, _, reason = pipeline_state.partition(": ")
    if word in CAPTURE_STATES:
        return word, reason or None
    return "unavailable", pipeline_state  # not a state the pipeline documents: show it as it is
