"""A GNOME/KDE screen lock, seen over a real (private) D-Bus session bus: a locked session is not
captured, an unlocked one is, and no bus or no screen saver means "unknown" without an error."""

from __future__ import annotations

import time

import pytest

from assistant.capture.filters import ExclusionRules
from assistant.capture.pipeline import CapturePipeline, PipelineSettings
from assistant.capture.screen import ScreenGrabber
from assistant.capture.session_lock import SessionLock
from assistant.capture.window import probe_for_session
from assistant.capture.window_x11 import X11Probe
from tests import session_bus as bus
from tests import xdisplay
from tests.session_bus import FakeScreenSaver
from tests.xdisplay import TextWindow

pytestmark = pytest.mark.integration
session_bus = bus.session_bus
xvfb_display = xdisplay.xvfb_display


@pytest.mark.parametrize("services", [("freedesktop",), ("gnome",), ("freedesktop", "gnome")])
def test_get_active_is_read_from_either_screen_saver(session_bus: str, services: tuple[str, ...]) -> None:
    with FakeScreenSaver(session_bus, *services) as saver:
        lock = SessionLock(session_bus, cache_seconds=0)
        try:
            assert lock.locked() is False
            saver.set_active(True)
            assert lock.locked() is True
            saver.set_active(False)
            assert lock.locked() is False
        finally:
            lock.close()


def test_one_connection_asked_at_most_once_per_cache_period(session_bus: str) -> None:
    with FakeScreenSaver(session_bus, "freedesktop") as saver:
        cached = SessionLock(session_bus, cache_seconds=60)
        every_time = SessionLock(session_bus, cache_seconds=0)
        try:
            for _ in range(50):  # fifty capture ticks
                assert cached.locked() is False
            assert saver.calls("freedesktop") == (1, 1)
            for _ in range(5):
                every_time.locked()
            assert saver.calls("freedesktop") == (6, 2)  # five more calls, all on one more connection
        finally:
            cached.close()
            every_time.close()


def test_no_bus_no_service_or_no_answer_is_unknown(session_bus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    assert SessionLock().locked() is None
    assert SessionLock("unix:path=/nonexistent/dbus-socket").locked() is None
    assert SessionLock("tcp:host=localhost,port=1").locked() is None  # a transport jeepney cannot use
    assert SessionLock(session_bus).locked() is None  # a bus, but no screen saver on it
    with FakeScreenSaver(session_bus, "gnome", silent=True):
        lock = SessionLock(session_bus, timeout=0.2)
        t0 = time.monotonic()
        assert lock.locked() is None
        assert time.monotonic() - t0 < 2.0  # two services x a short timeout, not a stalled tick
        lock.close()


def test_a_locked_session_is_skipped_and_an_unlocked_one_captured(
    xvfb_display: str, session_bus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus)
    settings = PipelineSettings(ocr_enabled=False, thumbnails=False)

    def capture() -> tuple[int, str, str | None]:
        probe = probe_for_session()  # as the app builds it: the bus comes from the environment
        assert isinstance(probe, X11Probe)
        pipeline = CapturePipeline(ScreenGrabber("primary"), probe, None, ExclusionRules(), lambda _r: None, settings)
        try:
            records = pipeline.capture_once()
            stats = pipeline.stats()
        finally:
            pipeline.stop()
        return len(records), stats.state, stats.last_skip_reason

    with TextWindow(xvfb_display, "Quarterly plan draft", title="Plan - Editor", wm_class="editor"):
        assert capture() == (1, "recording", None)  # no screen saver on the bus: unknown, so captured
        with FakeScreenSaver(session_bus, "gnome") as saver:
            saver.set_active(True)
            assert capture() == (0, "locked", "screen locked")
            saver.set_active(False)
            assert capture() == (1, "recording", None)
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/dbus-socket")
        assert capture() == (1, "recording", None)
