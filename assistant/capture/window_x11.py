"""X11 window probe over python-xlib: one Display connection, a handful of round trips per tick.

The active window comes from EWMH `_NET_ACTIVE_WINDOW`; without a window manager (bare Xvfb, some
kiosks) that property is absent, so the input-focus window is used, walked up to the first ancestor
with a name. Idle time and screen-saver state come from the MIT-SCREEN-SAVER extension when the
server has it; lockers that announce themselves only over D-Bus (GNOME, KDE) are asked there
(session_lock.py).
"""

from __future__ import annotations

import threading
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from assistant.capture.frames import WindowInfo
from assistant.capture.session_lock import SessionLock
from assistant.capture.window import url_from_title
from assistant.errors import CaptureUnavailable

_MAX_WALK_UP = 16  # toolkits nest focus a few levels below the top-level; stop well before the root
_SAVER_CACHE_SECONDS = 0.5  # far below any capture interval
_STATIC_CACHE_SIZE = 512


class X11Probe:
    def __init__(self, display: str | None = None, session_lock: SessionLock | None = None) -> None:
        self._name = display
        self._session_lock = session_lock or SessionLock()
        self._lock = threading.Lock()
        self._d: Any = None
        self._saver_cache: tuple[float, Any] | None = None
        # A window's WM_CLASS and pid are set once, at creation: remembered per window id, they save
        # two of the few X round trips a tick costs.
        self._static: dict[int, tuple[str, int | None]] = {}
        self._connect()

    def _connect(self) -> Any:
        if self._d is not None:
            return self._d
        from Xlib import display as xdisplay
        from Xlib import error

        try:
            d = xdisplay.Display(self._name)
        except (error.DisplayError, error.ConnectionClosedError, error.XauthError, OSError) as exc:
            raise CaptureUnavailable(f"no display: cannot connect to the X server {self._name or ''} ({exc})") from exc
        self._root = d.screen().root
        self._atoms = {
            name: d.intern_atom(name)
            for name in (
                "_NET_ACTIVE_WINDOW",
                "_NET_CLIENT_LIST_STACKING",
                "_NET_CLIENT_LIST",
                "_NET_WM_NAME",
                "UTF8_STRING",
                "_NET_WM_PID",
            )
        }
        self._screensaver = d.has_extension("MIT-SCREEN-SAVER")
        self._d = d
        return d

    def _call(self, fn: Any, default: Any) -> Any:
        """Run one query; a window that vanished mid-query gives `default`, a dead server reconnects later."""
        from Xlib import error

        with self._lock:
            try:
                self._connect()
                return fn()
            except error.ConnectionClosedError as exc:
                self._d = None
                raise CaptureUnavailable("no display: the X server closed the connection") from exc
            except error.XError:
                return default

    def active_window(self) -> WindowInfo | None:
        info = self._call(self._active_window, None)
        return info if isinstance(info, WindowInfo) else None

    def visible_windows(self) -> list[WindowInfo]:
        found = self._call(self._visible_windows, [])
        return found if isinstance(found, list) else []

    def _saver_info(self) -> Any:
        """MIT-SCREEN-SAVER state, queried once per tick: screen_locked() and idle_seconds() share it."""
        now = time.monotonic()
        if self._saver_cache is None or now - self._saver_cache[0] > _SAVER_CACHE_SECONDS:
            self._saver_cache = (now, self._call(self._query_saver, None))
        return self._saver_cache[1]

    def _query_saver(self) -> Any:
        return self._root.screensaver_query_info()  # the root of the current connection, after a reconnect

    def idle_seconds(self) -> float | None:
        info = self._saver_info() if self._screensaver else None
        return None if info is None else float(info.idle) / 1000.0

    def screen_locked(self) -> bool:
        from Xlib.ext import screensaver

        info = self._saver_info() if self._screensaver else None
        if info is not None and info.state == screensaver.StateOn:
            return True
        return self._session_lock.locked() is True

    def close(self) -> None:
        with self._lock:
            if self._d is not None:
                with suppress(Exception):
                    self._d.close()
                self._d = None
        self._session_lock.close()

    def _active_window(self) -> WindowInfo | None:
        from Xlib import X

        prop = self._root.get_full_property(self._atoms["_NET_ACTIVE_WINDOW"], X.AnyPropertyType)
        if prop is not None and len(prop.value) and prop.value[0]:
            return self._describe(self._d.create_resource_object("window", int(prop.value[0])))
        found = self._named_focus_window()
        return None if found is None else self._describe(*found)

    def _visible_windows(self) -> list[WindowInfo]:
        from Xlib import X, error

        # A window manager lists its clients bottom to top (_NET_CLIENT_LIST_STACKING; the older
        # _NET_CLIENT_LIST is in mapping order); without one, the root's children are the clients,
        # and X lists them bottom to top.
        listed = False
        for atom in ("_NET_CLIENT_LIST_STACKING", "_NET_CLIENT_LIST"):
            prop = self._root.get_full_property(self._atoms[atom], X.AnyPropertyType)
            if prop is not None and len(prop.value):
                candidates = [self._d.create_resource_object("window", int(w)) for w in prop.value]
                listed = True
                break
        else:
            candidates = list(self._root.query_tree().children)
        found = []
        for win in candidates:
            try:
                attrs = win.get_attributes()
                if attrs.map_state != X.IsViewable:
                    continue  # minimised, on another desktop, or never shown
                title = self._title(win)
                app, pid = self._app_and_pid(win)
                if attrs.override_redirect and not listed:
                    if pid is not None:
                        found.append(self._describe(win, title, popup=True))
                elif title or app:
                    found.append(self._describe(win, title))
            except error.XError:
                continue  # closed while we looked
        if listed:  # menus, tooltips and popups: no window manager lists them, and they sit on top
            found += [w for w in self._popups() if w.window_id not in {f.window_id for f in found}]
        return found

    def _popups(self) -> list[WindowInfo]:
        from Xlib import X, error

        found = []
        for win in self._root.query_tree().children:
            try:
                attrs = win.get_attributes()
                if attrs.override_redirect and attrs.map_state == X.IsViewable and self._app_and_pid(win)[1]:
                    found.append(self._describe(win, self._title(win), popup=True))
            except error.XError:
                continue
        return found

    def _named_focus_window(self) -> tuple[Any, str] | None:
        """The focused window, or its first ancestor with a title or class, with its title."""
        focus = self._d.get_input_focus().focus
        if isinstance(focus, int):  # None or PointerRoot: nothing in particular has the focus
            return None
        win = focus
        for _ in range(_MAX_WALK_UP):
            if win.id == self._root.id:
                return None
            title = self._title(win)
            if title or self._app_and_pid(win)[0]:
                return win, title
            parent = win.query_tree().parent
            if not parent or isinstance(parent, int):
                return None
            win = parent
        return None

    def _title(self, win: Any) -> str:
        prop = win.get_full_property(self._atoms["_NET_WM_NAME"], self._atoms["UTF8_STRING"])
        if prop is not None and prop.value:
            value = prop.value
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        name = win.get_wm_name()
        if isinstance(name, bytes):
            return name.decode("latin-1")
        return name or ""

    def _app_and_pid(self, win: Any) -> tuple[str, int | None]:
        from Xlib import Xatom

        known = self._static.get(win.id)
        if known is not None:
            return known
        wm_class = win.get_wm_class()
        pid_prop = win.get_full_property(self._atoms["_NET_WM_PID"], Xatom.CARDINAL)
        pid = int(pid_prop.value[0]) if pid_prop is not None and len(pid_prop.value) else None
        # WM_CLASS is (instance, class): the class is the stable, human-facing app name ("KeePassXC").
        app = (wm_class[1] or wm_class[0]) if wm_class else _process_name(pid)
        if len(self._static) > _STATIC_CACHE_SIZE:
            self._static.clear()  # window ids are recycled eventually; a rare full reset is enough
        self._static[win.id] = (app, pid)
        return app, pid

    def _describe(self, win: Any, title: str | None = None, popup: bool = False) -> WindowInfo:
        title = self._title(win) if title is None else title
        app, pid = self._app_and_pid(win)
        geo = win.get_geometry()
        origin = self._root.translate_coords(win, 0, 0)
        geometry = (int(origin.x), int(origin.y), int(geo.width), int(geo.height))
        url = url_from_title(title, app)
        return WindowInfo(app, title, url, pid, geometry, window_id=int(win.id), popup=popup)


def _process_name(pid: int | None) -> str:
    """The process name from /proc (Linux), for windows that set no WM_CLASS."""
    if pid is None:
        return ""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""
