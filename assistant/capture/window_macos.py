"""macOS window probe over pyobjc (AppKit + Quartz).

Untested here: the project's CI and this machine run Linux only, so this adapter has never been
exercised by a test. It needs `pyobjc-framework-Quartz` (which brings AppKit's Cocoa bindings), and
window titles need the Screen Recording permission, without which macOS reports them empty.
"""

from __future__ import annotations

from typing import Any

from assistant.capture.frames import WindowInfo
from assistant.capture.window import url_from_title
from assistant.errors import CaptureUnavailable


class MacProbe:
    def __init__(self) -> None:
        try:
            import AppKit
            import Quartz
        except ImportError as exc:
            raise CaptureUnavailable(
                "window metadata on macOS needs pyobjc: pip install pyobjc-framework-Quartz"
            ) from exc
        self._appkit: Any = AppKit
        self._quartz: Any = Quartz

    def visible_windows(self) -> list[WindowInfo]:
        """On-screen normal windows, bottom to top (the owner's name stands in for the app)."""
        q = self._quartz
        options = q.kCGWindowListOptionOnScreenOnly | q.kCGWindowListExcludeDesktopElements
        found = []
        for win in q.CGWindowListCopyWindowInfo(options, q.kCGNullWindowID) or []:
            if int(win.get("kCGWindowLayer", 1)) != 0:
                continue  # menu bar, dock, overlays
            b = win.get("kCGWindowBounds") or {}
            geometry = (int(b.get("X", 0)), int(b.get("Y", 0)), int(b.get("Width", 0)), int(b.get("Height", 0)))
            app, title = str(win.get("kCGWindowOwnerName") or ""), str(win.get("kCGWindowName") or "")
            found.append(
                WindowInfo(
                    app,
                    title,
                    None,
                    int(win.get("kCGWindowOwnerPID", 0)) or None,
                    geometry,
                    int(win.get("kCGWindowNumber", 0)) or None,
                )
            )
        return found[::-1]  # Quartz lists them front to back

    def active_window(self) -> WindowInfo | None:
        app = self._appkit.NSWorkspace.sharedWorkspace().frontmostApplication()
        if app is None:
            return None
        name = str(app.localizedName() or "")
        pid = int(app.processIdentifier())
        # The list is bottom to top: the app's last normal window is the one in front.
        front = next((w for w in reversed(self.visible_windows()) if w.pid == pid), None)
        title, geometry = (front.title, front.geometry) if front else ("", None)
        return WindowInfo(name, title, url_from_title(title, name), pid, geometry)

    def idle_seconds(self) -> float | None:
        q = self._quartz
        return float(
            q.CGEventSourceSecondsSinceLastEventType(q.kCGEventSourceStateCombinedSessionState, q.kCGAnyInputEventType)
        )

    def screen_locked(self) -> bool:
        session = self._quartz.CGSessionCopyCurrentDictionary() or {}
        return bool(session.get("CGSSessionScreenIsLocked", False))
