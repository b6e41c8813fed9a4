"""Wayland capture without a compositor: sway tree parsing, the backend choice, the portal's D-Bus
exchange (against a fake portal on a private session bus) and the consent notice."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.capture import wayland
from assistant.capture.factory import session_backend
from assistant.capture.frames import WindowInfo
from assistant.capture.portal import DENIED, PortalGrabber, request_path, screenshot_portal_version
from assistant.capture.wayland_grab import bgra_from_ppm
from assistant.capture.window_atspi import accessibility_bus
from assistant.capture.window_sway import focused_window, parse_outputs, visible_windows
from assistant.errors import CaptureUnavailable
from tests.conftest import PASSPHRASE
from tests.fake_portal import FakePortal, fake_compositor, fake_grim
from tests.session_bus import bare_session_bus

__all__ = ["bare_session_bus"]  # the fixture, under the name the tests ask for


def view(
    name: str,
    pid: int,
    rect: tuple[int, int, int, int],
    *,
    app_id: str | None = None,
    cls: str | None = None,
    focused: bool = False,
    visible: bool = True,
    kind: str = "con",
) -> dict[str, Any]:
    x, y, w, h = rect
    node: dict[str, Any] = {
        "type": kind,
        "name": name,
        "pid": pid,
        "app_id": app_id,
        "focused": focused,
        "visible": visible,
        "rect": {"x": x, "y": y, "width": w, "height": h},
        "nodes": [],
        "floating_nodes": [],
    }
    if cls is not None:
        node["window_properties"] = {"class": cls, "instance": cls.lower(), "title": name}
    return node


def tree(*workspaces: dict[str, Any], ws_focused: bool = False) -> dict[str, Any]:
    output = {"type": "output", "name": "HEADLESS-1", "nodes": list(workspaces), "floating_nodes": []}
    scratch = {"type": "output", "name": "__i3", "nodes": [], "floating_nodes": []}
    return {"type": "root", "name": "root", "focused": False, "nodes": [scratch, output], "floating_nodes": []}


def workspace(
    name: str, tiled: list[dict[str, Any]], floating: list[dict[str, Any]] | None = None, focused: bool = False
) -> dict[str, Any]:
    split = {"type": "con", "name": None, "pid": None, "nodes": tiled, "floating_nodes": []}
    return {"type": "workspace", "name": name, "focused": focused, "nodes": [split], "floating_nodes": floating or []}


EDITOR = view("plan.md - Editor", 101, (0, 0, 960, 1080), app_id="org.example.Editor", focused=True)
BROWSER = view("Docs — https://example.org/a - Mozilla Firefox", 102, (960, 0, 960, 1080), app_id="firefox")
XTERM = view("~ - XTerm", 103, (500, 300, 640, 480), cls="XTerm", kind="floating_con")
HIDDEN = view("vault.kdbx - KeePassXC", 104, (0, 0, 1920, 1080), app_id="org.keepassxc.KeePassXC", visible=False)


def test_the_focused_view_with_its_rect_pid_and_app_id() -> None:
    t = tree(workspace("1", [EDITOR, BROWSER], [XTERM]), workspace("2", [HIDDEN]))
    assert focused_window(t) == WindowInfo("org.example.Editor", "plan.md - Editor", None, 101, (0, 0, 960, 1080))


def test_an_xwayland_view_is_named_by_its_x11_class_and_a_url_is_read_off_a_title() -> None:
    xterm = {**XTERM, "focused": True}
    assert focused_window(tree(workspace("1", [BROWSER], [xterm]))) == WindowInfo(
        "XTerm", "~ - XTerm", None, 103, (500, 300, 640, 480)
    )
    browser = {**BROWSER, "focused": True}
    info = focused_window(tree(workspace("1", [browser])))
    assert info is not None and info.url == "https://example.org/a"


def test_an_empty_focused_workspace_means_no_window() -> None:
    assert focused_window(tree(workspace("1", [], focused=True))) is None
    assert focused_window({"type": "root", "nodes": []}) is None


def test_visible_windows_are_the_shown_tiled_and_floating_views() -> None:
    t = tree(workspace("1", [EDITOR, BROWSER], [XTERM]), workspace("2", [HIDDEN]))
    assert [w.title for w in visible_windows(t)] == [EDITOR["name"], BROWSER["name"], XTERM["name"]]


def test_outputs_keep_the_active_ones_with_scale_and_focus() -> None:
    reply = [
        {
            "name": "DP-1",
            "active": True,
            "focused": False,
            "scale": 2.0,
            "rect": {"x": 0, "y": 0, "width": 1280, "height": 720},
        },
        {"name": "HDMI-A-1", "active": False, "rect": {"x": 0, "y": 0, "width": 0, "height": 0}},
        {"name": "DP-2", "active": True, "focused": True, "rect": {"x": 1280, "y": 0, "width": 1920, "height": 1080}},
    ]
    outs = parse_outputs(reply)
    assert [(o.name, o.rect, o.scale, o.focused) for o in outs] == [
        ("DP-1", (0, 0, 1280, 720), 2.0, False),
        ("DP-2", (1280, 0, 1920, 1080), 1.0, True),
    ]


# -- choosing the backends ---------------------------------------------------------------------------
@pytest.fixture
def compositor(tmp_path: Path) -> Iterator[dict[str, str]]:
    with fake_compositor(tmp_path) as env:
        yield env


def test_wayland_is_told_from_the_session_type_or_the_display() -> None:
    assert wayland.is_wayland({"XDG_SESSION_TYPE": "wayland"})
    assert wayland.is_wayland({"WAYLAND_DISPLAY": "wayland-0"})
    assert not wayland.is_wayland({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11"})
    assert not wayland.applies({"XDG_SESSION_TYPE": "wayland"}, "win32")
    assert wayland.applies({"XDG_SESSION_TYPE": "wayland"}, "linux")


def test_no_compositor_socket_is_named(tmp_path: Path) -> None:
    env = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-3", "XDG_RUNTIME_DIR": str(tmp_path)}
    with pytest.raises(CaptureUnavailable, match=f"^wayland: no compositor socket at {tmp_path}/wayland-3 "):
        wayland.choose(env)


def test_screencopy_is_chosen_when_grim_can_copy(
    compositor: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_grim(tmp_path, monkeypatch, works=True)
    picked = wayland.choose(compositor)
    assert picked == wayland.WaylandChoice(wayland.SCREENCOPY, wayland.NO_WINDOWS) and not picked.dialog


def test_the_portal_is_chosen_where_screencopy_is_missing(
    compositor: dict[str, str], bare_session_bus: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_grim(tmp_path, monkeypatch, works=False)
    env = {**compositor, "DBUS_SESSION_BUS_ADDRESS": bare_session_bus}
    with pytest.raises(CaptureUnavailable, match="^wayland: no way to read the screen in this session: install grim"):
        wayland.choose(env)  # no portal on the bus yet
    with FakePortal(bare_session_bus, tmp_path):
        picked = wayland.choose(env)
        assert picked.screen == wayland.PORTAL and picked.dialog
        notice = wayland.notice(picked)
        assert notice is not None and "dialog" in notice and "cannot be recognised" in notice


def test_a_forced_route_is_obeyed_or_refused_clearly(
    compositor: dict[str, str], bare_session_bus: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_grim(tmp_path, monkeypatch, works=True)
    env = {**compositor, "DBUS_SESSION_BUS_ADDRESS": bare_session_bus}
    with pytest.raises(CaptureUnavailable, match="the portal route .* is not available"):
        wayland.choose({**env, wayland.FORCE_ENV: "portal"})
    with FakePortal(bare_session_bus, tmp_path):
        assert wayland.choose({**env, wayland.FORCE_ENV: "portal"}).screen == wayland.PORTAL
        assert wayland.choose(env).screen == wayland.SCREENCOPY
    with pytest.raises(CaptureUnavailable, match="must be 'portal' or 'screencopy', not 'pipewire'"):
        wayland.choose({**env, wayland.FORCE_ENV: "pipewire"})


def test_a_sway_socket_picks_the_sway_probe(
    compositor: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_grim(tmp_path, monkeypatch, works=True)
    ipc = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ipc.bind(str(tmp_path / "sway-ipc.sock"))
    ipc.listen()
    try:
        grabber, probe, picked = wayland.build("primary", {**compositor, "SWAYSOCK": str(tmp_path / "sway-ipc.sock")})
    finally:
        ipc.close()
    assert picked.summary() == "wayland: screen via screencopy (grim); windows via sway IPC"
    assert type(probe).__name__ == "SwayProbe" and type(grabber).__name__ == "GrimGrabber"
    assert wayland.notice(picked) is None  # no dialog on wlroots, and the windows are known


def test_without_a_window_source_the_window_is_unknown_never_guessed() -> None:
    probe = wayland.UnknownWindowProbe()
    try:
        assert (probe.active_window(), probe.idle_seconds()) == (None, None)
    finally:
        probe.close()


# -- the Screenshot portal over D-Bus ----------------------------------------------------------------
def test_the_portal_version_is_read_or_none_without_a_portal(bare_session_bus: str, tmp_path: Path) -> None:
    assert screenshot_portal_version(bare_session_bus) is None
    assert screenshot_portal_version("unix:path=/nonexistent/bus") is None
    with FakePortal(bare_session_bus, tmp_path):
        assert screenshot_portal_version(bare_session_bus) == 2


def test_a_portal_screenshot_becomes_a_frame_and_its_file_is_deleted(bare_session_bus: str, tmp_path: Path) -> None:
    grabber = PortalGrabber(bare_session_bus, first_timeout=10, timeout=10)
    try:
        with FakePortal(bare_session_bus, tmp_path) as portal:
            (frame,) = grabber.grab()
            (again,) = grabber.grab()
            assert portal.calls() == 2
            assert portal.options()["interactive"] is False
    finally:
        grabber.close()
    assert (frame.width, frame.height, frame.monitor) == (320, 200, 1)
    image = frame.to_image()
    assert image.getpixel((20, 20)) == (0, 0, 0) and image.getpixel((100, 100)) == (255, 255, 255)
    assert again.to_image().getpixel((20, 20)) == (0, 0, 0)
    assert list(tmp_path.glob("*.png")) == []  # the screenshots did not stay on disk


def test_many_screenshots_leave_no_match_rules_behind(bare_session_bus: str, tmp_path: Path) -> None:
    # The bus lets a connection hold 8 rules here (512 by default: 25 minutes of capture at 3 s).
    grabber = PortalGrabber(bare_session_bus, first_timeout=10, timeout=10)
    try:
        with FakePortal(bare_session_bus, tmp_path) as portal:
            for _ in range(12):
                grabber.grab()
            assert portal.calls() == 12
    finally:
        grabber.close()


def test_a_declined_dialog_is_said_once_and_not_asked_again(bare_session_bus: str, tmp_path: Path) -> None:
    grabber = PortalGrabber(bare_session_bus, first_timeout=10, timeout=10)
    try:
        with FakePortal(bare_session_bus, tmp_path, deny=True) as portal:
            for _ in range(3):
                with pytest.raises(CaptureUnavailable, match="^wayland: the desktop refused the screenshot"):
                    grabber.grab()
            assert portal.calls() == 1
    finally:
        grabber.close()
    assert DENIED.endswith("then turn capture on again")


def test_a_missing_portal_fails_clearly(bare_session_bus: str) -> None:
    grabber = PortalGrabber(bare_session_bus, first_timeout=1, timeout=1)
    try:
        with pytest.raises(CaptureUnavailable, match="^wayland: the screenshot portal failed"):
            grabber.grab()  # no portal: the bus answers ServiceUnknown
    finally:
        grabber.close()


def test_the_request_path_follows_the_spec() -> None:
    assert request_path(":1.42", "tok_1") == "/org/freedesktop/portal/desktop/request/1_42/tok_1"


# -- the consent notice, through the facade ------------------------------------------------------------
def test_the_notice_is_given_once_per_desktop_setup_and_remembered(
    app: Assistant,
    compositor: dict[str, str],
    bare_session_bus: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_grim(tmp_path, monkeypatch, works=False)
    for key, value in {**compositor, "DBUS_SESSION_BUS_ADDRESS": bare_session_bus, "SWAYSOCK": ""}.items():
        monkeypatch.setenv(key, value)
    with FakePortal(bare_session_bus, tmp_path):
        notice = app.capture.notice()
        assert notice is not None and notice.startswith(wayland.DIALOG_NOTICE)
        assert wayland.UNKNOWN_WINDOWS_NOTICE in notice  # no sway here: exclusions cannot work, say so
        assert app.capture.notice() == notice  # until the user has read it
        app.capture.acknowledge_notice()
        assert app.capture.notice() is None
        data_dir = app.paths.root
        app.close()
        reopened = Assistant(data_dir)
        reopened.unlock(PASSPHRASE)
        try:
            assert reopened.capture.notice() is None  # kept in config.toml
            assert reopened.capture.status().backend == (
                "wayland: screen via xdg-desktop-portal (Screenshot); windows via " + wayland.NO_WINDOWS
            )
        finally:
            reopened.close()


def test_no_notice_on_x11(app: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    assert app.capture.notice() is None


# -- grim's PPM ------------------------------------------------------------------------------------------
def test_a_ppm_from_grim_becomes_bgra() -> None:
    ppm = b"P6\n2 1\n255\n" + bytes([255, 0, 0, 10, 20, 30])  # a red pixel, then (10, 20, 30)
    assert bgra_from_ppm(ppm) == (2, 1, bytes([0, 0, 255, 255, 30, 20, 10, 255]))


@pytest.mark.parametrize(
    "data", [b"", b"P5\n1 1\n255\n\x00", b"P6\n2 2\n255\n" + bytes(6), b"P6\n1 1\n65535\n" + bytes(6), b"\x89PNG\r\n"]
)
def test_anything_but_an_8_bit_ppm_is_refused_clearly(data: bytes) -> None:
    with pytest.raises(CaptureUnavailable, match="^wayland: grim sent no image"):
        bgra_from_ppm(data)


def test_a_failed_probe_is_retried_only_after_a_while(
    compositor: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Status is polled every few seconds: without a pause each poll would run grim and ask the bus again.
    fake_grim(tmp_path, monkeypatch, works=False)
    env = {**compositor, "DBUS_SESSION_BUS_ADDRESS": ""}
    assert wayland.describe(env) == wayland.NO_SCREEN
    (tmp_path / "bin" / "grim").write_text("#!/bin/sh\nprintf 'P6\\n1 1\\n255\\n\\377\\377\\377'\n")
    assert wayland.describe(env) == wayland.NO_SCREEN  # grim works now, but it is not asked yet
    monkeypatch.setattr(wayland, "RETRY_SECONDS", 0.0)
    assert wayland.describe(env) == wayland.WaylandChoice(wayland.SCREENCOPY, wayland.NO_WINDOWS)


def test_the_status_line_names_x11_or_why_capture_cannot_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    monkeypatch.setenv("DISPLAY", ":0")
    assert session_backend() == "X11: screen via mss; windows via Xlib"
    monkeypatch.delenv("DISPLAY")
    assert session_backend() == "unavailable: no display: set DISPLAY or run under X11"
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-9")
    assert session_backend().startswith(f"unavailable: wayland: no compositor socket at {tmp_path}/wayland-9")


def test_the_accessibility_route_warns_that_it_sees_only_some_apps(bare_session_bus: str) -> None:
    assert accessibility_bus(bare_session_bus) is None  # no org.a11y.Bus here
    assert accessibility_bus("unix:path=/nonexistent/bus") is None
    notice = wayland.notice(wayland.WaylandChoice(wayland.SCREENCOPY, wayland.ATSPI))
    assert notice == wayland.ATSPI_NOTICE
