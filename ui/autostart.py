"""Start on login: an XDG autostart entry on Linux (the freedesktop way every desktop honours)."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

ENTRY_NAME = "memory-assistant.desktop"


def autostart_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart"


def entry_path() -> Path:
    return autostart_dir() / ENTRY_NAME


def command(data_dir: str | None) -> str:
    parts = [sys.executable, "-m", "ui.app", "--hidden"]
    if data_dir:
        parts += ["--data-dir", data_dir]
    return shlex.join(parts)


def set_start_on_login(enabled: bool, data_dir: str | None = None) -> str:
    """Write or remove the autostart entry; returns a line for the status bar."""
    if not sys.platform.startswith("linux"):
        return "start on login is saved; this platform's login items are not managed yet"
    path = entry_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return "will not start on login"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[Desktop Entry]\nType=Application\nName=Memory assistant\n"
        f"Exec={command(data_dir)}\nX-GNOME-Autostart-enabled=true\nTerminal=false\n",
        encoding="utf-8",
    )
    return "will start on login"
