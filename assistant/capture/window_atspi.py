"""Window probe over the AT-SPI accessibility bus: the active window on Wayland desktops without a
compositor IPC of their own (GNOME, KDE).

Toolkits publish their windows to the accessibility bus whatever the display server, and mark the
active one with STATE_ACTIVE. Each tick walks the registry's apps and their top-level frames (a few
round trips per app over a local socket) and takes the frame that says it is active. Only apps that
expose accessibility are seen (GTK apps, Qt apps when accessibility is on, browsers once a client
asks); when the active app is not one of them no frame is active and the window is unknown (None),
never another app's. Wayland gives no trustworthy screen positions here, so there are no rectangles:
the active window can be excluded, a window beside it cannot be blacked out.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from assistant.capture.frames import WindowInfo
from assistant.capture.session_lock import SessionLock
from assistant.capture.window import url_from_title

if TYPE_CHECKING:
    from jeepney.io.blocking import DBusConnection

log = logging.getLogger(__name__)

ACCESSIBLE = "org.a11y.atspi.Accessible"
ROOT = ("org.a11y.atspi.Registry", "/org/a11y/atspi/accessible/root")
STATE_ACTIVE = 1  # bit 1 of the first word of AT-SPI's state set
TIMEOUT_SECONDS = 0.5  # a hung app must not stall a capture tick for long


def accessibility_bus(session_address: str | None = None, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """The accessibility bus's address, asked of org.a11y.Bus on the session bus; None without one."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.wrappers import unwrap_msg

    address = session_address or os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if not address:
        return None
    try:
        with open_dbus_connection(address, auth_timeout=timeout) as conn:
            msg = new_method_call(
                DBusAddress("/org/a11y/bus", bus_name="org.a11y.Bus", interface="org.a11y.Bus"), "GetAddress"
            )
            found = unwrap_msg(conn.send_and_get_reply(msg, timeout=timeout))[0]
    except Exception:  # no session bus, no accessibility bus launcher, or it did not answer
        return None
    return str(found) if found else None


class AtspiProbe:
    """WindowProbe over AT-SPI; `address` is the accessibility bus (see accessibility_bus())."""

    def __init__(self, address: str, session_lock: SessionLock | None = None) -> None:
        self._address = address
        self._session_lock = session_lock or SessionLock()
        self._conn: DBusConnection | None = None
        self._lock = threading.Lock()

    def active_window(self) -> WindowInfo | None:
        with self._lock:
            try:
                return self._active()
            except Exception as exc:  # the bus went away or an app answered nonsense: unknown this tick
                log.debug("accessibility bus query failed (%s)", type(exc).__name__)
                self._drop()
                return None

    def _call(self, name: str, path: str, member: str, signature: str | None = None, *args: Any) -> Any:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import unwrap_msg

        if self._conn is None:
            self._conn = open_dbus_connection(self._address, auth_timeout=TIMEOUT_SECONDS)
        msg = new_method_call(DBusAddress(path, bus_name=name, interface=ACCESSIBLE), member, signature, args)
        return unwrap_msg(self._conn.send_and_get_reply(msg, timeout=TIMEOUT_SECONDS))

    def _name(self, name: str, path: str) -> str:
        from jeepney import DBusAddress, Properties

        prop = Properties(DBusAddress(path, bus_name=name, interface=ACCESSIBLE)).get("Name")
        return str(self._call_message(prop)[0][1])

    def _call_message(self, msg: Any) -> Any:
        from jeepney.wrappers import unwrap_msg

        assert self._conn is not None
        return unwrap_msg(self._conn.send_and_get_reply(msg, timeout=TIMEOUT_SECONDS))

    def _active(self) -> WindowInfo | None:
        from jeepney import DBusErrorResponse

        for app_name, app_path in self._call(*ROOT, "GetChildren")[0]:
            try:
                for frame_name, frame_path in self._call(app_name, app_path, "GetChildren")[0]:
                    states = self._call(frame_name, frame_path, "GetState")[0]
                    if states and states[0] & (1 << STATE_ACTIVE):
                        return self._describe(app_name, app_path, frame_name, frame_path)
            except (DBusErrorResponse, TimeoutError):
                continue  # one app that does not answer must not hide the others
        return None

    def _describe(self, app_name: str, app_path: str, frame_name: str, frame_path: str) -> WindowInfo:
        from jeepney.bus_messages import message_bus

        app = self._name(app_name, app_path)
        title = self._name(frame_name, frame_path)
        pid = None
        with suppress(Exception):
            pid = int(self._call_message(message_bus.GetConnectionUnixProcessID(app_name))[0])
        return WindowInfo(app=app, title=title, url=url_from_title(title, app), pid=pid)

    def idle_seconds(self) -> float | None:
        return None

    def screen_locked(self) -> bool:
        return self._session_lock.locked() is True

    def _drop(self) -> None:
        """Forget the connection (reopened at the next tick). Holds self._lock."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(Exception):
                conn.close()

    def close(self) -> None:
        with self._lock:
            self._drop()
        self._session_lock.close()
