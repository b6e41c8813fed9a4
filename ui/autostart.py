"""Start on login: an XDG autostart entry on Linux, the HKCU Run key on Windows, a LaunchAgent on macOS.

Only the Linux path runs in this project's tests; the other two follow each platform's documented
mechanism and are exercised by hand on those systems.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import shlex
import sys
from pathlib import Path
from typing import Any

ENTRY_NAME = "memory-assistant.desktop"
RUN_VALUE = "MemoryAssistant"
AGENT_LABEL = "org.memory-assistant.app"


def autostart_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart"


def entry_path() -> Path:
    return autostart_dir() / ENTRY_NAME


def launch_agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"


def argv(data_dir: str | None) -> list[str]:
    """How to start the app hidden in the tray: the frozen executable itself, or this Python."""
    parts = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "ui.app"]
    parts.append("--hidden")
    if data_dir:
        parts += ["--data-dir", data_dir]
    return parts


def command(data_dir: str | None) -> str:
    return shlex.join(argv(data_dir))


def _linux(enabled: bool, data_dir: str | None) -> None:
    path = entry_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[Desktop Entry]\nType=Application\nName=Memory assistant\n"
        f"Exec={command(data_dir)}\nX-GNOME-Autostart-enabled=true\nTerminal=false\n",
        encoding="utf-8",
    )


def _windows(enabled: bool, data_dir: str | None) -> None:
    import importlib
    import subprocess

    winreg: Any = importlib.import_module("winreg")  # Windows-only module: typed loosely elsewhere
    key = winreg.OpenKey(
        winreg.HKEY_CURRENT_USER, r"Software\Microsoft\Windows\CurrentVersion\Run", 0, winreg.KEY_SET_VALUE
    )
    try:
        if enabled:
            winreg.SetValueEx(key, RUN_VALUE, 0, winreg.REG_SZ, subprocess.list2cmdline(argv(data_dir)))
        else:
            with contextlib.suppress(FileNotFoundError):
                winreg.DeleteValue(key, RUN_VALUE)
    finally:
        winreg.CloseKey(key)


def _macos(enabled: bool, data_dir: str | None) -> None:
    path = launch_agent_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(plistlib.dumps({"Label": AGENT_LABEL, "ProgramArguments": argv(data_dir), "RunAtLoad": True}))


def set_start_on_login(enabled: bool, data_dir: str | None = None) -> str:
    """Write or remove the login entry for this platform; returns a line for the status bar."""
    if sys.platform.startswith("win"):
        _windows(enabled, data_dir)
    elif sys.platform == "darwin":
        _macos(enabled, data_dir)
    else:
        _linux(enabled, data_dir)
    return "will start on login" if enabled else "will not start on login"
