"""Window metadata helpers that need no display: URL from a title, and refusing unusable sessions."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant.capture.screen import check_display_session
from assistant.capture.window import probe_for_session, url_from_title
from assistant.errors import CaptureUnavailable


@pytest.mark.parametrize(
    ("title", "app", "url"),
    [
        (
            "Docs – https://docs.python.org/3/library/re.html – Mozilla Firefox",
            "firefox",
            "https://docs.python.org/3/library/re.html",
        ),
        ("github.com/anthropics - Chromium", "Chromium", "github.com/anthropics"),
        ("localhost:8080 - Google Chrome", "Google-chrome", "localhost:8080"),
        ("example.org — Mozilla Firefox", "firefox", "example.org"),
        ("Pull requests · octo/repo - Google Chrome", "Google-chrome", None),
        ("report.pdf - Document Viewer", "Evince", None),
        ("notes.md - Visual Studio Code", "Code", None),
        ("curl https://example.com/api/v1, done", "xterm", "https://example.com/api/v1"),
    ],
)
def test_url_from_title(title: str, app: str, url: str | None) -> None:
    assert url_from_title(title, app) == url


def test_wayland_is_refused_clearly() -> None:
    with pytest.raises(CaptureUnavailable, match="^unsupported display server: wayland$"):
        check_display_session({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, "linux")
    with pytest.raises(CaptureUnavailable, match="wayland"):
        check_display_session({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux")
    with pytest.raises(CaptureUnavailable, match="wayland"):
        probe_for_session({"XDG_SESSION_TYPE": "wayland"}, "linux")


def test_missing_display_is_refused_clearly() -> None:
    with pytest.raises(CaptureUnavailable, match="^no display: set DISPLAY or run under X11$"):
        check_display_session({}, "linux")
    with pytest.raises(CaptureUnavailable, match="no display"):
        probe_for_session({"XDG_SESSION_TYPE": "tty"}, "linux")


def test_x11_session_is_accepted_and_other_platforms_are_not_checked() -> None:
    check_display_session({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0", "WAYLAND_DISPLAY": "w"}, "linux")
    check_display_session({}, "win32")
    check_display_session({}, "darwin")


def test_unknown_platform_is_unsupported() -> None:
    with pytest.raises(CaptureUnavailable, match="^unsupported display server: haiku1$"):
        probe_for_session({}, "haiku1")


def _unused_display() -> str:
    number = next(n for n in range(197, 400) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    return f":{number}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 display names exist on Linux only")
def test_unreachable_x_server_is_unavailable_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.capture.screen import ScreenGrabber
    from assistant.capture.window_x11 import X11Probe

    display = _unused_display()
    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(CaptureUnavailable, match="^no display: "):
        ScreenGrabber().grab()
    with pytest.raises(CaptureUnavailable, match="^no display: "):
        X11Probe(display)


def test_window_box_maps_virtual_screen_geometry_onto_a_monitor() -> None:
    from datetime import UTC, datetime

    from assistant.capture.frames import Frame, WindowInfo
    from assistant.capture.thumbnail import window_box

    def frame(left: int, scale: float, w: int, h: int) -> Frame:
        return Frame(2, w, h, bytes(w * h * 4), datetime.now(UTC), left=left, top=0, scale=scale)

    second = frame(1920, 1.0, 1280, 1024)
    assert window_box(second, WindowInfo("a", "t", geometry=(2000, 100, 300, 200))) == (80, 100, 380, 300)
    assert window_box(second, WindowInfo("a", "t", geometry=(1800, 0, 300, 200))) == (0, 0, 180, 200)  # clipped
    assert window_box(second, WindowInfo("a", "t", geometry=(100, 100, 300, 200))) is None  # other monitor
    retina = frame(0, 2.0, 2880, 1800)  # 1440x900 points
    assert window_box(retina, WindowInfo("a", "t", geometry=(10, 20, 100, 50))) == (20, 40, 220, 140)
    assert window_box(retina, WindowInfo("a", "t")) is None
