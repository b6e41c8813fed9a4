"""What the user is looking at: the active window, idle time and screen lock, behind one interface.

Platform adapters live in window_x11 / window_windows / window_macos and are imported only when
picked, so the heavy libraries they need load only on their platform.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from assistant.capture.frames import WindowInfo
from assistant.capture.screen import check_display_session
from assistant.errors import CaptureUnavailable

# Lower-cased app names (WM_CLASS, process or bundle names) whose titles may carry a URL or a host.
BROWSERS = frozenset(
    {
        "firefox",
        "firefox-esr",
        "navigator",
        "librewolf",
        "waterfox",
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google chrome",
        "chrome",
        "brave",
        "brave-browser",
        "microsoft-edge",
        "msedge",
        "vivaldi",
        "vivaldi-stable",
        "opera",
        "epiphany",
        "org.gnome.epiphany",
        "safari",
        "arc",
        "falkon",
        "qutebrowser",
        "midori",
        "zen",
        "tor browser",
    }
)
_BROWSER_SUFFIX = re.compile(
    r"\s+[-—–]\s+(?:mozilla firefox|firefox|chromium|google chrome|brave|microsoft edge|vivaldi|opera|"
    r"safari|librewolf|qutebrowser|web)\b.*$",
    re.IGNORECASE,
)
_URL = re.compile(r"\b(?:https?|file|ftp)://[^\s<>\"'`]+", re.IGNORECASE)
_HOST = re.compile(
    r"^(?:localhost(?::\d+)?|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::\d+)?)(?:/\S*)?$",
    re.IGNORECASE,
)


class WindowProbe(Protocol):
    """Cheap, read-only queries made once per capture tick."""

    def active_window(self) -> WindowInfo | None:
        """The focused top-level window, or None when nothing has focus."""
        ...

    def idle_seconds(self) -> float | None:
        """Seconds since the last keyboard/mouse input, or None when the platform cannot tell."""
        ...

    def screen_locked(self) -> bool:
        """True while the screen locker or screen saver is up."""
        ...


@runtime_checkable
class WindowLister(Protocol):
    """Optional: probes that can list visible windows let the pipeline black out excluded ones."""

    def visible_windows(self) -> list[WindowInfo]:
        """Mapped, on-screen top-level windows with geometry, in stacking order: bottom to top (the
        last one is in front), so what covers a window can be subtracted from it."""
        ...


def is_browser(app: str) -> bool:
    name = app.lower().removesuffix(".exe").removesuffix(".app")
    return name in BROWSERS


def url_from_title(title: str, app: str) -> str | None:
    """A URL read off a window title, when it is there to read.

    Any app's title may contain a full URL ("… https://x.org/a …"). Browsers also title a page that
    has no <title> with its address ("github.com/foo - Chromium"); that form is taken as-is (it may
    lack a scheme) and only for browsers, so "report.pdf - Viewer" is never read as a host.
    """
    match = _URL.search(title)
    if match:
        return match.group(0).rstrip(".,;:)]}")
    if not is_browser(app):
        return None
    page = _BROWSER_SUFFIX.sub("", title).strip()
    return page if page and _HOST.match(page) else None


def probe_for_session(env: Mapping[str, str] | None = None, platform: str | None = None) -> WindowProbe:
    """The window probe for this platform; CaptureUnavailable where capture cannot work."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform == "win32":
        from assistant.capture.window_windows import WindowsProbe

        return WindowsProbe()
    if platform == "darwin":
        from assistant.capture.window_macos import MacProbe

        return MacProbe()
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        check_display_session(env, platform)
        from assistant.capture.window_x11 import X11Probe

        return X11Probe(env.get("DISPLAY"))
    raise CaptureUnavailable(f"unsupported display server: {platform}")
