"""Desktop services on a private session bus for a headless sway (tests/wayland_session.py): the real
XDG desktop portal, and the AT-SPI accessibility bus.

The stack a sway user runs: `xdg-desktop-portal` (the frontend apps call), `xdg-desktop-portal-wlr`
(Screenshot and ScreenCast for wlroots; it will not start without PipeWire, so `pipewire` runs too) and
`xdg-desktop-portal-gtk`, whose Access dialog the frontend requires before it offers Screenshot at all.
Each runs as root beside the test, on its own bus (never the desktop's), and stops with the fixture.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from assistant.capture.portal import screenshot_portal_version
from tests.procs import stop
from tests.wayland_session import SwaySession

LIBEXEC = Path("/usr/libexec")
PROGRAMS = ("xdg-desktop-portal", "xdg-desktop-portal-wlr", "xdg-desktop-portal-gtk")
PORTAL_MISSING = (
    "xdg-desktop-portal, -wlr, -gtk, pipewire or dbus-daemon not installed (Linux desktop portals; "
    "scripts/setup.sh installs them on Debian)"
)


def portal_missing() -> bool:
    programs = [LIBEXEC / p for p in PROGRAMS]
    return not all(p.exists() for p in programs) or not (shutil.which("pipewire") and shutil.which("dbus-daemon"))


class PortalStack:
    def __init__(self, session: SwaySession) -> None:
        self.session = session
        self.env = {**os.environ, **session.env, "XDG_CURRENT_DESKTOP": "sway"}
        self.log_path = session.base / "portal.log"
        self.log: IO[bytes] = open(self.log_path, "wb")  # noqa: SIM115  # closed in close()
        self.procs: list[subprocess.Popen[bytes]] = []
        bus = self._start(["dbus-daemon", "--session", "--nofork", "--print-address"], stdout=subprocess.PIPE)
        assert bus.stdout is not None
        self.address = bus.stdout.readline().decode().strip()
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.address
        try:
            self._start(["pipewire"])
            self._start([str(LIBEXEC / "xdg-desktop-portal-wlr"), "-r"])
            self._start([str(LIBEXEC / "xdg-desktop-portal-gtk"), "-r"])
            self._start([str(LIBEXEC / "xdg-desktop-portal"), "-r"])
            self._wait_ready(timeout=30.0)
        except BaseException:
            self.close()
            raise

    def _start(self, args: list[str], stdout: int | IO[bytes] | None = None) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(args, env=self.env, stdout=stdout or self.log, stderr=self.log)
        self.procs.append(proc)
        return proc

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if screenshot_portal_version(self.address, timeout=2.0) is not None:
                return
            time.sleep(0.2)
        raise RuntimeError("the portal never offered Screenshot: " + self.log_path.read_text(errors="replace")[-2000:])

    def close(self) -> None:
        for proc in reversed(self.procs):  # the bus last, so each service leaves it cleanly
            stop(proc, 10)
            if proc.stdout is not None:
                proc.stdout.close()
        self.log.close()


@pytest.fixture
def portal(sway_session: SwaySession, monkeypatch: pytest.MonkeyPatch) -> Iterator[PortalStack]:
    """The real Screenshot portal for the test's sway session; DBUS_SESSION_BUS_ADDRESS points at its bus."""
    if portal_missing():
        pytest.skip(PORTAL_MISSING)
    stack = PortalStack(sway_session)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", stack.address)
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "sway")
    try:
        yield stack
    finally:
        stack.close()


@pytest.fixture
def accessibility(sway_session: SwaySession, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A session bus with the AT-SPI accessibility bus on it (as every GNOME and KDE session has), and Qt
    apps told to publish their windows there; yields the session bus address."""
    launcher = LIBEXEC / "at-spi-bus-launcher"
    if not launcher.exists() or shutil.which("dbus-daemon") is None:
        pytest.skip("at-spi2-core or dbus-daemon not installed (the Linux accessibility bus)")
    env = {**os.environ, **sway_session.env}
    procs: list[subprocess.Popen[bytes]] = []
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    procs.append(bus)
    try:
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        procs.append(
            subprocess.Popen(
                [str(launcher), "--launch-immediately"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        monkeypatch.setenv("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1")
        yield address
    finally:
        for proc in reversed(procs):
            stop(proc, 10)
            if proc.stdout is not None:
                proc.stdout.close()
