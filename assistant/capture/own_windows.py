"""The assistant's own windows are never recorded: its Search box, a revealed vault secret or an
answer on screen must not come back as captured text (a leak, and a feedback loop).

A window is ours when its process is this one or a running desktop app (X11 `_NET_WM_PID`, the owner
pid on macOS and Windows; the app's pid is in its single-instance lock file, so `assistant capture run`
in a terminal knows it too), or when the UI registered its window id. Registering also asks macOS and Windows to leave
the window out of every screen capture, ours and other programs' alike.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Iterable

from assistant.capture.frames import WindowInfo

log = logging.getLogger(__name__)

_WDA_EXCLUDEFROMCAPTURE = 0x11  # Windows 10 2004 and later
_WDA_MONITOR = 0x01  # older Windows: the window shows black in captures
_NS_WINDOW_SHARING_NONE = 0
APP_PIDS_TTL = 5.0  # seconds: an app started meanwhile is known within a few ticks


class OwnWindows:
    """Process ids and window ids that belong to the assistant. Thread-safe. Without `pids`: this
    process and the running desktop apps (looked up again every APP_PIDS_TTL seconds)."""

    def __init__(self, pids: Iterable[int] | None = None) -> None:
        self._fixed = None if pids is None else frozenset(pids)
        self._pids: frozenset[int] = frozenset()
        self._pids_at = -APP_PIDS_TTL
        self._ids: set[int] = set()
        self._lock = threading.Lock()

    def pids(self) -> frozenset[int]:
        if self._fixed is not None:
            return self._fixed
        now = time.monotonic()
        with self._lock:
            if now - self._pids_at >= APP_PIDS_TTL:
                self._pids, self._pids_at = frozenset({os.getpid(), *running_app_pids()}), now
            return self._pids

    def register(self, window_id: int) -> None:
        with self._lock:
            self._ids.add(window_id)

    def is_own(self, window: WindowInfo | None) -> bool:
        if window is None:
            return False
        if window.pid is not None and window.pid in self.pids():
            return True
        with self._lock:
            return window.window_id is not None and window.window_id in self._ids


OWN_WINDOWS = OwnWindows()  # this process's windows and the desktop app's


def running_app_pids() -> set[int]:
    """Pids of running desktop apps, from their single-instance lock files (Qt's QLockFile: the pid
    on the first line) in the user's private runtime dir."""
    from assistant.paths import runtime_dir

    found: set[int] = set()
    try:
        locks = list(runtime_dir(create=False).glob("*.lock"))  # looking must not leave a directory
    except Exception:  # no usable runtime dir: this process is still known
        return found
    for lock in locks:
        try:
            pid = int(lock.read_text(errors="replace").split("\n", 1)[0].strip())
            if sys.platform != "win32":  # (on Windows os.kill would end the process)
                os.kill(pid, 0)  # alive? a stale file from a crash names a dead pid
        except (OSError, ValueError):
            continue
        found.add(pid)
    return found


def hide_from_capture(window_id: int, platform: str | None = None) -> bool:
    """Register `window_id` as ours and, on macOS and Windows, exclude it from screen capture by the
    system. True when the system agreed (X11 has no such switch: masking does the work there)."""
    OWN_WINDOWS.register(window_id)
    platform = sys.platform if platform is None else platform
    try:
        if platform == "win32":
            import ctypes

            user32 = ctypes.windll.user32  # type: ignore[attr-defined,unused-ignore]
            hwnd = ctypes.c_void_p(window_id)
            return bool(
                user32.SetWindowDisplayAffinity(hwnd, _WDA_EXCLUDEFROMCAPTURE)
                or user32.SetWindowDisplayAffinity(hwnd, _WDA_MONITOR)
            )
        if platform == "darwin":
            import ctypes

            import objc  # type: ignore[import-not-found,unused-ignore]

            view = objc.objc_object(c_void_p=ctypes.c_void_p(window_id))  # Qt's winId() is an NSView
            view.window().setSharingType_(_NS_WINDOW_SHARING_NONE)
            return True
    except Exception as exc:  # an old system or a missing pyobjc: masking still applies
        log.warning("could not exclude a window from screen capture: %s", type(exc).__name__)
    return False
