"""The global quick-recall hotkey through pynput (imported only when needed). Without an X server,
or where the platform refuses global keys, `start` returns a message and the app carries on."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
DEFAULT_HOTKEY = "<ctrl>+<shift>+<space>"


_NAMES = {"ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "cmd": "Super", "space": "Space", "esc": "Esc"}
_ALIASES = {"control": "ctrl", "win": "cmd", "super": "cmd", "meta": "cmd", "escape": "esc", "option": "alt"}


def readable(spec: str) -> str:
    """pynput's "<ctrl>+<shift>+<space>" as people write it: "Ctrl+Shift+Space"."""
    keys = [part.strip().strip("<>") for part in spec.split("+") if part.strip()]
    return "+".join(_NAMES.get(k.lower(), k.upper() if len(k) == 1 else k.capitalize()) for k in keys)


def to_spec(text: str) -> str:
    """What the user typed ("Ctrl+Alt+M", or pynput's "<ctrl>+<alt>+m") in pynput's syntax."""
    out = []
    for part in (p.strip() for p in text.split("+")):
        key = _ALIASES.get(part.strip("<>").lower(), part.strip("<>").lower())
        out.append(key if len(key) == 1 else f"<{key}>")
    return "+".join(out)


def display_problem() -> str | None:
    """Why global keys cannot work here, or None when they may."""
    if sys.platform.startswith("linux"):
        if not os.environ.get("DISPLAY"):
            return "no X server (DISPLAY is not set)"
        if os.environ.get("XDG_SESSION_TYPE") == "wayland" or os.environ.get("WAYLAND_DISPLAY"):
            return (
                "Wayland does not let apps grab global keys; bind the shortcut in your desktop settings "
                "to `assistant-ui` instead (a second launch opens quick recall)"
            )
    return None


class GlobalHotkey(QObject):
    """`triggered` fires in the UI thread whenever the hotkey is pressed anywhere."""

    triggered = Signal()
    _pressed = Signal()  # emitted from pynput's thread; queued to this object's thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.spec = ""
        self._listener: Any = None
        self._pressed.connect(self.triggered.emit)

    @property
    def active(self) -> bool:
        return self._listener is not None

    def start(self, spec: str = DEFAULT_HOTKEY) -> str | None:
        """Listen for `spec` (pynput syntax, e.g. "<ctrl>+<shift>+<space>"). Returns None on success,
        else a message for the status bar."""
        self.stop()
        problem = display_problem()
        if problem is not None:
            return f"Global hotkey off: {problem}"
        try:
            from pynput import keyboard

            listener = keyboard.GlobalHotKeys({spec: self._pressed.emit})
            listener.daemon = True
            listener.start()
            listener.wait()
        except ValueError as exc:
            return f"Global hotkey off: {spec!r} is not a valid key combination ({exc})"
        except Exception as exc:  # pynput raises backend-specific errors (Xlib, Quartz, win32)
            log.info("global hotkey unavailable: %s", exc)
            return f"Global hotkey off: {type(exc).__name__}: {exc}"
        if not listener.is_alive():
            return "Global hotkey off: the key listener stopped at once"
        self._listener = listener
        self.spec = spec
        return None

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
