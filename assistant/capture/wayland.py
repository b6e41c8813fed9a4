"""Choosing how to capture a Wayland session: which screen reader, which window probe, and what to tell
the user before the first capture.

Screen: on wlroots compositors grim's screencopy works without a portal or a dialog, so it is tried
first; elsewhere (GNOME, KDE) the XDG desktop portal's Screenshot interface is the way, and it may ask
the user once. `ASSISTANT_WAYLAND_SCREEN=portal|screencopy` forces one. Windows: sway's IPC tells the
focused window and every visible one; GNOME and KDE do not tell an ordinary client, so there the
accessibility bus (AT-SPI) is asked, which knows the apps that expose accessibility; without it the
window is "unknown" (None) rather than a guess.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.capture.frames import WindowInfo
from assistant.capture.session_lock import SessionLock
from assistant.errors import CaptureUnavailable

if TYPE_CHECKING:
    from assistant.capture.pipeline import Grabber
    from assistant.capture.screen import MonitorChoice
    from assistant.capture.window import WindowProbe

SCREENCOPY = "screencopy (grim)"
PORTAL = "xdg-desktop-portal (Screenshot)"
SWAY_IPC = "sway IPC"
ATSPI = "AT-SPI accessibility (apps that expose it; no window rectangles)"
NO_WINDOWS = "unknown (this desktop does not tell apps which window is active)"
FORCE_ENV = "ASSISTANT_WAYLAND_SCREEN"
NO_SCREEN = (
    "wayland: no way to read the screen in this session: install grim (wlroots compositors such as "
    "sway) or xdg-desktop-portal with your desktop's portal backend (GNOME, KDE)"
)
DIALOG_NOTICE = (
    "This desktop lets apps read the screen only through its screenshot permission. When capture starts, "
    "your desktop shows its own dialog asking whether this app may take screenshots: choose Allow (and "
    "'remember' if it offers that), or capture cannot run. Screenshots are read into text on this computer; "
    "the image file the desktop hands over is deleted at once."
)
ATSPI_NOTICE = (
    "This desktop tells apps which window is active only through accessibility, and only for apps that "
    "expose it: an excluded app that does not is captured like any other, and a private window beside the "
    "active one is not blacked out. Pause capture while you use them."
)
UNKNOWN_WINDOWS_NOTICE = (
    "This desktop does not tell apps which window is active, so excluded apps and private-browsing windows "
    "cannot be recognised: pause capture while you use them."
)


@dataclass(frozen=True)
class WaylandChoice:
    """What this session uses: `screen` and `windows` name the backends (as `assistant status` shows)."""

    screen: str
    windows: str

    @property
    def dialog(self) -> bool:
        """True when the first grab may raise a system consent dialog."""
        return self.screen == PORTAL

    def summary(self) -> str:
        return f"wayland: screen via {self.screen}; windows via {self.windows}"


def is_wayland(env: Mapping[str, str]) -> bool:
    session = env.get("XDG_SESSION_TYPE", "").lower()
    return session == "wayland" or (bool(env.get("WAYLAND_DISPLAY")) and session != "x11")


def applies(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True on a Linux/BSD desktop running a Wayland session (Windows and macOS have their own route)."""
    platform = sys.platform if platform is None else platform
    return platform not in ("win32", "darwin") and is_wayland(os.environ if env is None else env)


def compositor_socket(env: Mapping[str, str]) -> Path:
    """The compositor's socket: WAYLAND_DISPLAY may be absolute, else it is under XDG_RUNTIME_DIR."""
    name = env.get("WAYLAND_DISPLAY") or "wayland-0"
    path = Path(name)
    return path if path.is_absolute() else Path(env.get("XDG_RUNTIME_DIR", "")) / name


def _sway_socket(env: Mapping[str, str]) -> str | None:
    path = env.get("SWAYSOCK") or env.get("I3SOCK")
    return path if path and Path(path).is_socket() else None


def _window_source(env: Mapping[str, str]) -> str:
    from assistant.capture.window_atspi import accessibility_bus

    if _sway_socket(env):
        return SWAY_IPC
    return ATSPI if accessibility_bus(env.get("DBUS_SESSION_BUS_ADDRESS")) else NO_WINDOWS


def choose(env: Mapping[str, str] | None = None) -> WaylandChoice:
    """Which backends this session would use; raises CaptureUnavailable when none can read the screen."""
    from assistant.capture.portal import screenshot_portal_version
    from assistant.capture.wayland_grab import screencopy_available

    env = os.environ if env is None else env
    sock = compositor_socket(env)
    if not sock.is_socket():
        raise CaptureUnavailable(
            f"wayland: no compositor socket at {sock} (check WAYLAND_DISPLAY and "
            "XDG_RUNTIME_DIR, or run the app inside the desktop session)"
        )
    windows = _window_source(env)
    forced = env.get(FORCE_ENV, "").strip().lower()
    if forced not in ("", "portal", "screencopy"):
        raise CaptureUnavailable(f"wayland: {FORCE_ENV} must be 'portal' or 'screencopy', not {forced!r}")
    if forced != "portal" and screencopy_available(env=env):
        return WaylandChoice(SCREENCOPY, windows)
    if forced != "screencopy" and screenshot_portal_version(env.get("DBUS_SESSION_BUS_ADDRESS")) is not None:
        return WaylandChoice(PORTAL, windows)
    raise CaptureUnavailable(
        NO_SCREEN if not forced else f"wayland: the {forced} route ({FORCE_ENV}) is not available in this session"
    )


_KEYS = (
    "XDG_SESSION_TYPE",
    "WAYLAND_DISPLAY",
    "XDG_RUNTIME_DIR",
    "SWAYSOCK",
    "I3SOCK",
    "DBUS_SESSION_BUS_ADDRESS",
    FORCE_ENV,
)
_chosen: dict[tuple[str, ...], WaylandChoice] = {}
_failed: dict[tuple[str, ...], tuple[float, str]] = {}
RETRY_SECONDS = 30.0  # status is polled every few seconds: a failed probe (a grim run, a D-Bus call) waits


def describe(env: Mapping[str, str] | None = None) -> WaylandChoice | str:
    """This session's choice, or why there is none (for status). A choice is kept for the process; a
    failure for RETRY_SECONDS only, since the user may fix it (install grim) while the app runs."""
    env = os.environ if env is None else env
    key = tuple(env.get(k, "") for k in _KEYS)
    if key in _chosen:
        return _chosen[key]
    failed = _failed.get(key)
    if failed is not None and time.monotonic() - failed[0] < RETRY_SECONDS:
        return failed[1]
    try:
        _chosen[key] = choose(env)
    except CaptureUnavailable as exc:
        _failed[key] = (time.monotonic(), str(exc))
        return str(exc)
    _failed.pop(key, None)
    return _chosen[key]


def build(monitors: MonitorChoice, env: Mapping[str, str] | None = None) -> tuple[Grabber, WindowProbe, WaylandChoice]:
    """The grabber and window probe for this Wayland session, and what was chosen."""
    env = os.environ if env is None else env
    picked = choose(env)
    _chosen[tuple(env.get(k, "") for k in _KEYS)] = picked
    probe: WindowProbe
    outputs = None
    sway = _sway_socket(env)
    a11y = None
    if picked.windows == ATSPI:
        from assistant.capture.window_atspi import AtspiProbe, accessibility_bus

        a11y = accessibility_bus(env.get("DBUS_SESSION_BUS_ADDRESS"))
    if sway is not None and picked.windows == SWAY_IPC:
        from assistant.capture.window_sway import SwayIpc, SwayProbe

        sway_probe = SwayProbe(SwayIpc(sway))
        probe, outputs = sway_probe, sway_probe.outputs
    elif a11y is not None:
        probe = AtspiProbe(a11y)
    else:
        probe = UnknownWindowProbe()
    grabber: Grabber
    if picked.screen == SCREENCOPY:
        from assistant.capture.wayland_grab import GrimGrabber

        grabber = GrimGrabber(monitors, outputs=outputs)
    else:
        from assistant.capture.portal import PortalGrabber

        grabber = PortalGrabber(env.get("DBUS_SESSION_BUS_ADDRESS"))
    return grabber, probe, picked


def notice(picked: WaylandChoice) -> str | None:
    """What to tell the user before the first capture on this session, or None."""
    parts = [DIALOG_NOTICE] if picked.dialog else []
    if picked.windows != SWAY_IPC:
        parts.append(ATSPI_NOTICE if picked.windows == ATSPI else UNKNOWN_WINDOWS_NOTICE)
    return "\n\n".join(parts) or None


class UnknownWindowProbe:
    """For Wayland desktops that do not tell an ordinary client about windows (GNOME, KDE): the window is
    unknown (None), never guessed; the screen lock still comes from the D-Bus screen savers."""

    def __init__(self, session_lock: SessionLock | None = None) -> None:
        self._session_lock = session_lock or SessionLock()

    def active_window(self) -> WindowInfo | None:
        return None

    def idle_seconds(self) -> float | None:
        return None

    def screen_locked(self) -> bool:
        return self._session_lock.locked() is True

    def close(self) -> None:
        self._session_lock.close()
