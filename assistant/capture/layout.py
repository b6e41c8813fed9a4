"""Where each window shows on a kept frame: what to black out (never-record windows and the
assistant's own, only where they show) and which windows to read on their own.

Reading each visible window's region apart keeps side-by-side windows from being merged line by
line into one text, and lets each text be stored under its own window's app and title.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.capture.frames import Frame, WindowInfo
from assistant.capture.regions import Box, area, subtract
from assistant.capture.thumbnail import window_box

MIN_VISIBLE_AREA = 32 * 16  # less than this shows no readable line of text


@dataclass(frozen=True)
class Region:
    """A visible window's box on the frame; `hidden` are the parts of it under other windows
    (blacked out before OCR). `focused` marks the active window."""

    window: WindowInfo
    box: Box
    hidden: tuple[Box, ...] = ()
    focused: bool = False


@dataclass
class Layout:
    masks: list[Box] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)  # the focused window first, then front to back
    masked_windows: int = 0


def same_window(a: WindowInfo | None, b: WindowInfo | None) -> bool:
    if a is None or b is None:
        return False
    if a.window_id is not None and b.window_id is not None:
        return a.window_id == b.window_id
    return a == b


def _overlap(a: Box, b: Box) -> Box | None:
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] < box[2] and box[1] < box[3] else None


def plan(
    frame: Frame,
    stack: Sequence[WindowInfo],
    active: WindowInfo | None,
    private: Callable[[WindowInfo], bool],
    active_only: bool = False,
) -> Layout:
    """`stack` is bottom to top. The active window, when missing from it, counts as the top one."""
    if active is not None and active.geometry is not None and not any(same_window(w, active) for w in stack):
        stack = [*stack, active]
    # Another app's menu or tooltip is read with the window under it, as the user sees it.
    boxes = [None if w.popup and not private(w) else window_box(frame, w) for w in stack]
    out = Layout()
    for i, (window, box) in enumerate(zip(stack, boxes, strict=True)):
        if box is None:
            continue
        above = [b for b in boxes[i + 1 :] if b is not None]
        visible = subtract(box, above)
        if private(window):
            out.masks += visible
            out.masked_windows += bool(visible)
            continue
        focused = same_window(window, active)
        if area(visible) < MIN_VISIBLE_AREA or (active_only and not focused):
            continue
        hidden = tuple(o for b in above if (o := _overlap(box, b)) is not None)
        out.regions.append(Region(window, box, hidden, focused))
    out.regions = [r for r in out.regions if r.focused] + [r for r in reversed(out.regions) if not r.focused]
    return out
