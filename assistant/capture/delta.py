"""Screen text stored as deltas: a kept frame stores only the OCR lines that are new since the previous
stored frame of the same window; a keyframe stores the whole text.

A text-heavy window repeats most of its lines from frame to frame, so storing each line once per
keyframe instead of once per frame is what keeps capture far below the size of the screenshots.

A frame is a keyframe when its monitor has no previous frame, when the window (app + title) differs
from that frame's, when that frame is older than `horizon`, when the keyframe is older than
`keyframe_every`, or when most of its lines are new anyway. So every timeline block (split at window
changes and at gaps longer than `horizon`) opens with a keyframe, and losing an event (retention, a
forgotten item, a failed write) loses at most `keyframe_every` of context, never the new lines that
other events hold.

Stored events say which they are in their meta: "lines" counts the non-empty lines that were on screen,
and a delta frame has "keyframe", the id of the keyframe event whose text it extends.

A window read beside or behind the focused one (record.focused False) has its own chain, per monitor
and window; such events are not activity (timeline blocks are made of focused windows only).

The state between frames is in memory only, one entry per monitor (and per background window): the
window, the keyframe's id and time, and hashes of the previous frame's lines, never their text. The
text reaching here is already redacted (capture/record.py), so no secret takes part in the diff. The
state moves on only once an event is stored (`stored`): after a failed write the next frame diffs
against what is really in the store, and after a crash the next frame is a keyframe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from assistant.capture.frames import CapturedFrame

KEYFRAME_EVERY = timedelta(minutes=5)
# Shorter than the gap that splits a timeline block (consolidation.grouping.MAX_GAP, 5 min), so a block
# never opens on a delta whose keyframe sits in an earlier block.
HORIZON = timedelta(minutes=2)
_MAX_CHAINS = 64


@dataclass(frozen=True)
class _Last:
    """The previous stored frame of one monitor."""

    window: tuple[str, str]
    keyframe_id: str
    keyframe_at: datetime
    at: datetime
    lines: frozenset[int]  # hash() of each line: enough to diff, nothing to read back


@dataclass(frozen=True)
class ScreenText:
    """What to store for one frame: `text` and the `meta` entries above (empty when OCR did not run)."""

    text: str
    meta: dict[str, Any]
    key: tuple[Any, ...]  # whose chain: the monitor's focused window, or one background window
    window: tuple[str, str]
    at: datetime
    lines: frozenset[int] | None  # None: no OCR text, the frame leaves the state as it was
    keyframe: _Last | None  # the keyframe a delta extends; None for a keyframe


def screen_lines(text: str) -> list[str]:
    """The non-empty lines of OCR text, stripped: the unit the diff works in."""
    return [line for line in (raw.strip() for raw in text.splitlines()) if line]


class LineDeltas:
    """Per-monitor diff state; not thread-safe (the one capture worker calls it)."""

    def __init__(self, keyframe_every: timedelta = KEYFRAME_EVERY, horizon: timedelta = HORIZON) -> None:
        self._keyframe_every = keyframe_every
        self._horizon = horizon
        self._last: dict[tuple[Any, ...], _Last] = {}

    def text_for(self, record: CapturedFrame) -> ScreenText:
        window = (record.app, record.title)
        key: tuple[Any, ...] = (record.monitor,) if record.focused else (record.monitor, *window)
        base = ScreenText(record.text, {}, key, window, record.captured_at, None, None)
        if record.ocr_status != "ok":
            return base
        lines = screen_lines(record.text)
        hashes = frozenset(hash(line) for line in lines)
        full = ScreenText(record.text, {"lines": len(lines)}, key, window, record.captured_at, hashes, None)
        last = self._last.get(key)
        if (
            last is None
            or last.window != window
            or record.captured_at - last.at > self._horizon
            or record.captured_at - last.keyframe_at >= self._keyframe_every
        ):
            return full
        new = [line for line in dict.fromkeys(lines) if hash(line) not in last.lines]
        if 2 * len(new) > len(lines):
            return full  # most of the screen changed: the whole text costs little more than the delta
        return ScreenText(
            "\n".join(new),
            {"lines": len(lines), "keyframe": last.keyframe_id},
            key,
            window,
            record.captured_at,
            hashes,
            last,
        )

    def stored(self, planned: ScreenText, event_id: str) -> None:
        """`planned` is in the store now, as event `event_id`: the next frame diffs against it."""
        last = self._last.get(planned.key)
        if planned.lines is None:
            # No text to diff against; a frame of another window still ends the old window's chain.
            if last is not None and last.window != planned.window:
                del self._last[planned.key]
            return
        base = planned.keyframe
        self._last[planned.key] = _Last(
            window=planned.window,
            keyframe_id=base.keyframe_id if base else event_id,
            keyframe_at=base.keyframe_at if base else planned.at,
            at=planned.at,
            lines=planned.lines,
        )
        if len(self._last) > _MAX_CHAINS:  # background windows come and go: forget the stale chains
            self._last = {k: v for k, v in self._last.items() if planned.at - v.at <= self._horizon}
