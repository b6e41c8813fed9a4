"""The tray icon on a real (virtual) X display: Xvfb plus Debian's `trayer` as the system tray."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.api import Assistant
from tests.conftest import PASSPHRASE
from tests.procs import stop

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("tray_app.py")


def _tray_owner(display: str) -> bool:
    from Xlib import display as xdisplay

    d = xdisplay.Display(display)
    try:
        atom = d.intern_atom(f"_NET_SYSTEM_TRAY_S{d.get_default_screen()}")
        return bool(d.get_selection_owner(atom))
    finally:
        d.close()


@pytest.fixture
def tray_display(xvfb_display: str) -> Iterator[str]:
    """An Xvfb display with a system tray (trayer) running on it."""
    trayer = shutil.which("trayer")
    if trayer is None:
        pytest.skip("trayer not installed (Linux/X11 only; scripts/setup.sh installs it)")

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                trayer,
                "--edge",
                "top",
                "--align",
                "right",
                "--widthtype",
                "request",
                "--height",
                "32",
                "--SetDockType",
                "true",
            ],
            env={**os.environ, "DISPLAY": xvfb_display},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    proc = start()
    try:
        # Generous and with one restart: on a loaded 2-core machine trayer can be slow, or lose a race
        # with the fresh X server and exit.
        deadline = time.monotonic() + 60
        restarts = 0
        while not _tray_owner(xvfb_display):
            if proc.poll() is not None:
                assert restarts < 2, "trayer exited twice"
                restarts += 1
                proc = start()
            assert time.monotonic() < deadline, "trayer never took the system tray selection"
            time.sleep(0.1)
        yield xvfb_display
    finally:
        stop(proc, 10)


def test_tray_menu_works_on_a_real_tray(tray_display: str, data_dir: Path) -> None:
    store = Assistant(data_dir)
    store.init(PASSPHRASE)
    store.close()
    env = {
        **os.environ,
        "DISPLAY": tray_display,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_SESSION_TYPE": "x11",
        "ASSISTANT_TESTING": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(data_dir), PASSPHRASE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["tray_available"] and seen["has_tray"] and seen["icon_visible"]
    assert not seen["window_has_tray_note"]
    assert seen["key_start"] == "off+local-only"
    assert seen["key_network"] == "off"
    assert {"Quick recall", "Open Memory assistant", "Quit"} <= set(seen["menu"])
    assert seen["recall_shown"] and seen["window_shown"] and seen["window_closed_to_tray"]
    assert {"Start capture", "Pause 15 minutes", "Pause 1 hour", "Pause until resumed", "Resume capture"} <= set(
        seen["menu"]
    )
    assert seen["started"] and seen["key_recording"] == "recording+local-only"
    assert seen["paused"] and seen["key_paused"] == "paused+local-only"
    assert seen["resume_enabled_when_paused"] and seen["pause_disabled_when_paused"]
    assert seen["resumed"] and seen["key_resumed"] == "recording+local-only"
    assert seen["status_bar_paused"].startswith("❚❚ Paused until")
    restarted = Assistant(data_dir)
    assert restarted.settings.current.capture.enabled  # starting from the tray recorded the consent
    assert seen["hotkey_message"] is None, seen["hotkey_message"]
    assert seen["hotkey_opened_recall"]
    assert seen["quit"]
