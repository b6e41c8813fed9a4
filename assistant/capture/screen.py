"""Grabbing monitors with mss, and deciding cheaply whether a grab differs from the last one kept."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from assistant.capture.frames import Frame
from assistant.errors import CaptureUnavailable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MonitorChoice = Literal["primary", "all"]
NO_DISPLAY = "no display: set DISPLAY or run under X11"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def check_display_session(env: Mapping[str, str] | None = None, platform: str | None = None) -> None:
    """Raise CaptureUnavailable unless this session has an X11 display we can read (Linux/BSD only).

    Under Wayland, mss and X11 window queries see only XWayland clients, so capture would record
    black frames and wrong titles: refuse clearly instead.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform in ("win32", "darwin"):
        return
    session = env.get("XDG_SESSION_TYPE", "").lower()
    if session == "wayland" or (env.get("WAYLAND_DISPLAY") and session != "x11"):
        raise CaptureUnavailable("unsupported display server: wayland")
    if not env.get("DISPLAY"):
        raise CaptureUnavailable(NO_DISPLAY)


class ScreenGrabber:
    """Grabs the primary monitor or all monitors. One mss session, opened on first use and reused."""

    def __init__(
        self,
        monitors: MonitorChoice = "primary",
        display: str | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        if monitors not in ("primary", "all"):
            raise ValueError(f"monitors must be 'primary' or 'all', not {monitors!r}")
        self._choice = monitors
        self._display = display
        self._clock = clock
        self._sct: Any = None
        self._lock = threading.Lock()

    def _session(self) -> Any:
        if self._sct is None:
            if self._display is None:
                check_display_session()
            import mss

            try:
                # `display` is a Linux-only argument: mss warns when it is passed elsewhere.
                linux_display = self._display and sys.platform.startswith("linux")
                self._sct = mss.MSS(display=self._display) if linux_display else mss.MSS()
                _ = self._sct.monitors  # connects: fail here, not in the middle of a tick
            except mss.exception.ScreenShotError as exc:
                self._sct = None
                raise CaptureUnavailable(f"no display: cannot open the screen ({exc})") from exc
        return self._sct

    def _selected(self, sct: Any) -> list[tuple[int, Mapping[str, int]]]:
        monitors = list(sct.monitors[1:])
        if not monitors:
            raise CaptureUnavailable("no display: no monitor found")
        if self._choice == "all":
            return list(enumerate(monitors, start=1))
        primary = sct.primary_monitor
        index = next((i for i, m in enumerate(monitors, start=1) if m == primary), 1)
        return [(index, monitors[index - 1])]

    def grab(self) -> list[Frame]:
        """Grab the selected monitors now. Raises CaptureUnavailable when the display is gone."""
        import mss

        with self._lock:
            sct = self._session()
            try:
                frames = []
                for index, mon in self._selected(sct):
                    shot = sct.grab(mon)
                    scale = shot.width / mon["width"] if mon["width"] else 1.0
                    frames.append(
                        Frame(index, shot.width, shot.height, shot.raw, self._clock(), mon["left"], mon["top"], scale)
                    )
                return frames
            except mss.exception.ScreenShotError as exc:
                # The X server may have gone (logout, Xvfb killed): reconnect on the next tick.
                self._close_locked()
                raise CaptureUnavailable(f"no display: the screen cannot be read ({exc})") from exc

    def _close_locked(self) -> None:
        if self._sct is not None:
            self._sct.close()
            self._sct = None

    def close(self) -> None:
        with self._lock:
            self._close_locked()


class ChangeDetector:
    """Compares a frame with the last frame KEPT for its monitor, on a small grayscale grid.

    Every `step`-th pixel of the green channel (the bulk of luminance) is sampled and averaged into
    cells of `cell` x `cell` samples (24 x 24 screen pixels by default): about 1 ms for 1080p. A cell
    changed when its mean moved by more than `cell_delta` gray levels; the frame changed when at
    least `threshold` of its cells did (0.002 = 8 of 3600 cells, about a short phrase of text), so a
    blinking cursor or a ticking clock does not count. Comparing with the last kept frame, not the
    previous grab, lets slow changes (typing) add up until they count.
    """

    def __init__(self, threshold: float = 0.002, cell_delta: float = 4.0, step: int = 3, cell: int = 8) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError("threshold is a fraction of the screen, between 0 and 1")
        self.threshold = threshold
        self.cell_delta = cell_delta
        self.step = step
        self.cell = cell
        self._kept: dict[int, npt.NDArray[np.float32]] = {}
        self._lock = threading.Lock()

    def signature(self, frame: Frame) -> npt.NDArray[np.float32]:
        """The frame reduced to a grid of cell means (gray levels 0-255)."""
        import numpy as np

        pixels = np.frombuffer(frame.bgra, dtype=np.uint8).reshape(frame.height, frame.width, 4)
        green = pixels[:: self.step, :: self.step, 1]
        rows, cols = max(1, green.shape[0] // self.cell), max(1, green.shape[1] // self.cell)
        cell_h, cell_w = min(self.cell, green.shape[0]), min(self.cell, green.shape[1])
        grid = green[: rows * cell_h, : cols * cell_w].astype(np.uint16)
        sums = grid.reshape(rows, cell_h, cols, cell_w).sum(axis=(1, 3), dtype=np.uint32)
        means: npt.NDArray[np.float32] = (sums / float(cell_h * cell_w)).astype(np.float32)
        return means

    def _changed_cells(self, sig: npt.NDArray[np.float32], kept: npt.NDArray[np.float32] | None) -> float:
        """Fraction of cells that moved (1.0 without a comparable reference)."""
        import numpy as np

        if kept is None or kept.shape != sig.shape:
            return 1.0
        return float(np.count_nonzero(np.abs(sig - kept) > self.cell_delta)) / sig.size

    def changed_fraction(self, frame: Frame) -> float:
        """Fraction of cells that differ from the last kept frame, without keeping anything."""
        sig = self.signature(frame)
        with self._lock:
            return self._changed_cells(sig, self._kept.get(frame.monitor))

    def observe(self, frame: Frame, force: bool = False) -> bool:
        """True when the frame should be kept; it then becomes the reference for its monitor."""
        sig = self.signature(frame)
        with self._lock:
            fraction = self._changed_cells(sig, self._kept.get(frame.monitor))
            changed = force or (fraction > 0 and fraction >= self.threshold)
            if changed:
                self._kept[frame.monitor] = sig
            return changed

    def reset(self, monitor: int | None = None) -> None:
        """Forget the reference (one monitor or all): the next frame is kept."""
        with self._lock:
            if monitor is None:
                self._kept.clear()
            else:
                self._kept.pop(monitor, None)
