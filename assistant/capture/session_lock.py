"""Is the desktop session locked? Asked over the D-Bus session bus, where GNOME and KDE announce it.

X11's MIT-SCREEN-SAVER extension does not see these lockers: they draw an ordinary window, so without
this the lock screen itself would be captured. `GetActive` is asked of `org.freedesktop.ScreenSaver`
(KDE, XFCE, LXQt and others) and of `org.gnome.ScreenSaver` (GNOME Shell) over one connection that stays
open, with a short timeout, at most once per `cache_seconds`; between asks the answer is cached, so a
capture tick costs a clock read. The messages ask the bus not to start a service that is not running.

No session bus, no such service, an error or a timeout all mean "unknown" (None), silently: capture then
goes by the X screen saver alone. A lost connection is retried after `retry_seconds`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jeepney.io.blocking import DBusConnection

log = logging.getLogger(__name__)

# (bus name, object path); the interface is named like the bus name.
SERVICES = (
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
)
CACHE_SECONDS = 5.0  # a lock is seen within one or two capture ticks
RETRY_SECONDS = 60.0  # no bus is the usual case off the desktop: do not knock every few seconds
TIMEOUT_SECONDS = 0.25  # a reply takes well under a millisecond; a hung shell must not stall a tick


class SessionLock:
    def __init__(
        self,
        address: str | None = None,
        *,
        cache_seconds: float = CACHE_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        """`address`: a D-Bus address; None reads DBUS_SESSION_BUS_ADDRESS when connecting."""
        self._address = address
        self._cache_seconds = cache_seconds
        self._retry_seconds = retry_seconds
        self._timeout = timeout
        self._lock = threading.Lock()
        self._conn: DBusConnection | None = None
        self._next_connect = 0.0
        self._asked_at: float | None = None
        self._answer: bool | None = None

    def locked(self) -> bool | None:
        """True while a locker says the session is locked, False when one says it is not, else None."""
        with self._lock:
            now = time.monotonic()
            if self._asked_at is None or now - self._asked_at >= self._cache_seconds:
                self._answer = self._ask(now)
                self._asked_at = now
            return self._answer

    def _ask(self, now: float) -> bool | None:
        conn = self._connect(now)
        if conn is None:
            return None
        from jeepney import DBusAddress, DBusErrorResponse, MessageFlag, new_method_call
        from jeepney.wrappers import unwrap_msg

        answers: list[bool] = []
        for name, path in SERVICES:
            msg = new_method_call(DBusAddress(path, bus_name=name, interface=name), "GetActive")
            msg.header.flags |= MessageFlag.no_auto_start
            try:
                body = unwrap_msg(conn.send_and_get_reply(msg, timeout=self._timeout))
            except (DBusErrorResponse, TimeoutError):
                continue  # not running here, or not answering: the other one may know
            except Exception as exc:  # the bus went away: reconnect later
                log.debug("session bus lost (%s)", type(exc).__name__)
                self._drop(now)
                return None
            if body and isinstance(body[0], bool):
                answers.append(body[0])
        return any(answers) if answers else None

    def _connect(self, now: float) -> DBusConnection | None:
        if self._conn is not None or now < self._next_connect:
            return self._conn
        address = self._address or os.environ.get("DBUS_SESSION_BUS_ADDRESS")
        if not address:
            self._next_connect = now + self._retry_seconds
            return None
        from jeepney.io.blocking import open_dbus_connection

        try:
            self._conn = open_dbus_connection(address, auth_timeout=self._timeout)
        except Exception as exc:  # a stale address, a refused socket, a foreign transport
            log.debug("no session bus (%s)", type(exc).__name__)
            self._next_connect = now + self._retry_seconds
        return self._conn

    def _drop(self, now: float) -> None:
        if self._conn is not None:
            with suppress(Exception):
                self._conn.close()
            self._conn = None
        self._next_connect = now + self._retry_seconds

    def close(self) -> None:
        with self._lock:
            self._drop(time.monotonic())
