"""A private headless Wayland session (sway) for tests, and a Wayland-native Qt window that shows text.

sway refuses to run as root, so when the tests run as root (CI, this machine) the compositor runs as an
unprivileged system user made for it (`useradd` when missing); the clients (the test's Qt window, grim,
the app) stay root, because the venv lives under /root where that user cannot read. The compositor gets
its own runtime dir; root reaches its sockets by absolute path (WAYLAND_DISPLAY may be a path), with a
runtime dir of its own for Qt. `WLR_BACKENDS=headless WLR_RENDERER=pixman` needs no GPU, seat or input.

Run as a script, this file is the window: `python tests/wayland_session.py JSON`; it prints "ready" once
drawn and exits when its stdin closes.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.capture.window_sway import focused_window
from tests.procs import spawn_helper, stop, wait_or_kill

SWAY_MISSING = "sway or grim not installed (the Linux wlroots compositor; scripts/setup.sh installs them on Debian)"
COMPOSITOR_USER = "assistant-wayland"
CONFIG = """\
xwayland disable
output HEADLESS-1 resolution 1920x1080 position 0 0
default_border none
default_floating_border none
focus_follows_mouse no
"""


class SwaySession:
    """One headless sway; `env` is what a root client needs to reach it."""

    def __init__(self) -> None:
        if shutil.which("sway") is None or shutil.which("grim") is None:
            raise FileNotFoundError(SWAY_MISSING)
        self.base = Path(tempfile.mkdtemp(prefix="assistant-sway-"))
        os.chmod(self.base, 0o755)  # the compositor user must reach its runtime dir inside
        self.compositor_dir = self.base / "compositor"
        self.client_dir = self.base / "client"
        self.compositor_dir.mkdir(mode=0o700)
        self.client_dir.mkdir(mode=0o700)
        (self.base / "config").write_text(CONFIG)
        user = _compositor_user()
        if user is not None:
            os.chown(self.compositor_dir, user.pw_uid, user.pw_gid)
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.compositor_dir),
            "XDG_RUNTIME_DIR": str(self.compositor_dir),
            "WLR_BACKENDS": "headless",
            "WLR_RENDERER": "pixman",
            "WLR_LIBINPUT_NO_DEVICES": "1",
        }
        self.log = open(self.base / "sway.log", "wb")  # noqa: SIM115  # closed in close()
        self.proc = subprocess.Popen(
            ["sway", "-c", str(self.base / "config")],
            env=env,
            cwd=self.base,
            stdout=self.log,
            stderr=self.log,
            **({"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []} if user is not None else {}),
        )
        try:
            wayland, ipc = self._wait_for_sockets(timeout=20.0)
        except BaseException:
            self.close()
            raise
        self.env = {
            "WAYLAND_DISPLAY": str(wayland),
            "SWAYSOCK": str(ipc),
            "XDG_RUNTIME_DIR": str(self.client_dir),
            "XDG_SESSION_TYPE": "wayland",
            "XDG_CURRENT_DESKTOP": "sway",
        }

    def _wait_for_sockets(self, timeout: float) -> tuple[Path, Path]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sway exited ({self.proc.returncode}): {self.log_text()[-2000:]}")
            wayland = self.compositor_dir / "wayland-1"
            ipc = sorted(self.compositor_dir.glob("sway-ipc.*.sock"))
            if wayland.is_socket() and ipc:
                return wayland, ipc[0]
            time.sleep(0.05)
        raise RuntimeError("sway did not open its sockets in time")

    def log_text(self) -> str:
        return (self.base / "sway.log").read_text(errors="replace")

    def swaymsg(self, *args: str) -> Any:
        done = subprocess.run(
            ["swaymsg", "-s", self.env["SWAYSOCK"], "-r", *args], capture_output=True, text=True, timeout=10, check=True
        )
        return json.loads(done.stdout)

    def close(self) -> None:
        stop(self.proc, 10)
        self.log.close()
        shutil.rmtree(self.base, ignore_errors=True)


def _compositor_user() -> pwd.struct_passwd | None:
    """The unprivileged user for the compositor when we are root (made on first use), else None."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(COMPOSITOR_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", COMPOSITOR_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(COMPOSITOR_USER)


@pytest.fixture
def sway_session(monkeypatch: pytest.MonkeyPatch) -> Iterator[SwaySession]:
    """A fresh headless sway; the environment points at it (and away from any X display) for the test."""
    if not sys.platform.startswith("linux") or shutil.which("sway") is None or shutil.which("grim") is None:
        pytest.skip(SWAY_MISSING)
    session = SwaySession()
    monkeypatch.delenv("DISPLAY", raising=False)
    for key, value in session.env.items():
        monkeypatch.setenv(key, value)
    try:
        yield session
    finally:
        session.close()


class WaylandTextWindow:
    """A Wayland-native Qt window showing `text`, with a known title and app id, focused by sway."""

    def __init__(self, session: SwaySession, text: str, title: str, app_id: str = "memtest") -> None:
        args = {"text": text, "title": title, "app_id": app_id}
        env = {**os.environ, **session.env, "QT_QPA_PLATFORM": "wayland", "QT_WAYLAND_DISABLE_WINDOWDECORATION": "1"}
        self.proc = spawn_helper(__file__, args, env)
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        if not ready or self.proc.stdout.readline().strip() != "ready":
            self.close()
            raise RuntimeError("the Wayland test window did not come up")
        self._wait_focused(session, title)

    def _wait_focused(self, session: SwaySession, title: str) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            focused = focused_window(session.swaymsg("-t", "get_tree"))
            if focused is not None and focused.title == title:
                return
            time.sleep(0.05)
        raise RuntimeError("sway never focused the test window")

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                assert self.proc.stdin is not None
                self.proc.stdin.close()
            wait_or_kill(self.proc, 10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> WaylandTextWindow:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _window_main(args: dict[str, Any]) -> None:
    from PySide6.QtCore import QSocketNotifier, Qt, QTimer
    from PySide6.QtGui import QFont, QGuiApplication
    from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

    app = QApplication([])
    app.setApplicationName(args["app_id"])  # the app's name on the accessibility bus
    QGuiApplication.setDesktopFileName(args["app_id"])  # the xdg-toplevel app_id sway reports
    window = QWidget()  # a frame holding the text, as apps have: its accessible name is the title
    window.setWindowTitle(args["title"])
    window.setStyleSheet("background: white; color: black;")
    label = QLabel(args["text"], window)
    label.setFont(QFont("DejaVu Sans", 40))
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    QVBoxLayout(window).addWidget(label)
    window.show()
    # Two event-loop turns after the first frame, sway has the buffer: then the test may grab.
    QTimer.singleShot(500, lambda: print("ready", flush=True))
    stdin = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    stdin.activated.connect(lambda *_: app.quit() if not sys.stdin.readline() else None)
    app.exec()


if __name__ == "__main__":
    _window_main(json.loads(sys.argv[1]))
