"""Run the real desktop app (xcb, on the DISPLAY it is given) against an initialized store, drive the tray
menu and the global hotkey, and print what happened as one JSON object. test_tray.py runs this in a
subprocess, because a process cannot switch from the offscreen platform to xcb.

usage: QT_QPA_PLATFORM=xcb DISPLAY=:N python tests/ui/tray_app.py DATA_DIR PASSPHRASE (repo root on PYTHONPATH)
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from assistant.api import Assistant
from ui.app import Desktop
from ui.session import Session


def wait_until(app: QApplication, check: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if check():
            return True
        time.sleep(0.02)
    app.processEvents()
    return check()


def run(data_dir: str, passphrase: str) -> dict[str, Any]:
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    out: dict[str, Any] = {"tray_available": wait_until(app, QSystemTrayIcon.isSystemTrayAvailable)}
    assistant = Assistant(data_dir)
    assistant.unlock(passphrase)
    session = Session(assistant, poll_ms=200)
    desktop = Desktop(session)
    tray = desktop.tray
    out["has_tray"] = tray is not None
    out["window_has_tray_note"] = desktop.window.tray_note.isVisibleTo(desktop.window)
    if tray is None:
        return out
    out["icon_visible"] = wait_until(app, tray.icon.isVisible)
    out["key_start"] = tray.icon_key
    menu = {a.text(): a for a in tray.menu.actions() if not a.isSeparator()}
    out["menu"] = [text for text, a in menu.items() if a.isVisible()]

    session.set_setting("privacy.local_only", False)
    out["key_network"] = tray.icon_key if wait_until(app, lambda: "local-only" not in tray.icon_key) else None
    session.set_setting("privacy.local_only", True)
    wait_until(app, lambda: "local-only" in tray.icon_key)

    menu["Quick recall"].trigger()
    out["recall_shown"] = wait_until(app, desktop.recall.isVisible)
    desktop.recall.hide()
    menu["Open Memory assistant"].trigger()
    out["window_shown"] = wait_until(app, desktop.window.isVisible)
    desktop.window.close()  # with a tray, closing hides to the tray instead of quitting
    out["window_closed_to_tray"] = wait_until(app, lambda: not desktop.window.isVisible())

    if menu["Pause 15 minutes"].isVisible():
        if menu["Start capture"].isVisible() and menu["Start capture"].isEnabled():
            menu["Start capture"].trigger()
            out["started"] = wait_until(app, lambda: tray.icon_key.startswith("recording"), 20)
        out["key_recording"] = tray.icon_key
        menu["Pause 15 minutes"].trigger()
        out["paused"] = wait_until(app, lambda: tray.icon_key.startswith("paused"), 20)
        out["key_paused"] = tray.icon_key
        out["resume_enabled_when_paused"] = menu["Resume capture"].isEnabled()
        out["pause_disabled_when_paused"] = not menu["Pause 1 hour"].isEnabled()
        out["status_bar_paused"] = desktop.window.capture_label.text()
        menu["Resume capture"].trigger()
        out["resumed"] = wait_until(app, lambda: tray.icon_key.startswith("recording"), 20)
        out["key_resumed"] = tray.icon_key

    out["hotkey_message"] = desktop.hotkey_message
    if desktop.hotkey.active:
        subprocess.run(["xdotool", "key", "ctrl+shift+space"], check=False, timeout=20)
        out["hotkey_opened_recall"] = wait_until(app, desktop.recall.isVisible)

    menu["Quit"].trigger()
    out["quit"] = wait_until(app, lambda: not tray.icon.isVisible())
    desktop.shutdown()
    return out


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2])), flush=True)
