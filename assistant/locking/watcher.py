"""Asks for a lock when the desktop session locks, the machine is about to sleep, or the user is away.

Signals come over D-Bus (jeepney, one connection per bus, each read by its own daemon thread):
- session bus: `ActiveChanged(true)` of `org.freedesktop.ScreenSaver` (KDE, XFCE, ...) and
  `org.gnome.ScreenSaver` (GNOME Shell): the screen locked;
- system bus: logind's `PrepareForSleep(true)` (suspend or hibernate) and a session's `Lock` signal
  (`loginctl lock-session`, sent by lockers that do not own a screensaver name).
Idleness is polled: `idle_seconds()` (the display's input idle time) over `idle_limit` seconds.

No bus or no idle source is not an error: that trigger is off, and `sources` says which are on. The
callback fires once per unlocked period: `rearm()` (at unlock) lets it fire again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

OnLock = Callable[[str], None]
IdleSource = Callable[[], float | None]
SCREEN_LOCKED = "the screen locked"
SLEEPING = "the computer is going to sleep"
SESSION_LOCKED = "the session was locked"
# (interface, member, reason when its first argument is true, or always for a signal without arguments)
SESSION_SIGNALS = (
    ("org.freedesktop.ScreenSaver", "ActiveChanged", SCREEN_LOCKED),
    ("org.gnome.ScreenSaver", "ActiveChanged", SCREEN_LOCKED),
)
SYSTEM_SIGNALS = (
    ("org.freedesktop.login1.Manager", "PrepareForSleep", SLEEPING),
    ("org.freedesktop.login1.Session", "Lock", SESSION_LOCKED),
)
POLL_SECONDS = 0.5  # how often a reader thread looks at the stop flag
IDLE_POLL_SECONDS = 15.0


def idle_reason(minutes: float) -> str:
    return f"no input for {minutes:g} minutes"


class SessionWatcher:
    def __init__(
        self,
        on_lock: OnLock,
        *,
        session_bus: str | None = "SESSION",
        system_bus: str | None = "SYSTEM",
        idle_seconds: IdleSource | None = None,
        idle_limit: Callable[[], float] = lambda: 0.0,
        idle_poll: float = IDLE_POLL_SECONDS,
    ) -> None:
        """`session_bus`/`system_bus`: "SESSION", "SYSTEM", a D-Bus address, or None (not watched).
        `idle_limit()` is read at each idle poll (a settings change applies at once); 0 is off."""
        self._on_lock = on_lock
        self._buses = {"session": (session_bus, SESSION_SIGNALS), "system": (system_bus, SYSTEM_SIGNALS)}
        self._idle_seconds = idle_seconds
        self._idle_limit = idle_limit
        self._idle_poll = idle_poll
        self._stop = threading.Event()
        self._armed = threading.Event()
        self._armed.set()
        self._threads: list[threading.Thread] = []
        self.sources: list[str] = []

    def start(self) -> list[str]:
        """Start watching; returns the triggers that are on ("session bus", "system bus", "idle")."""
        for name, (bus, signals) in self._buses.items():
            conn = self._connect(bus, signals) if bus else None
            if conn is not None:
                self.sources.append(f"{name} bus")
                self._spawn(self._read, conn, signals)
        if self._idle_seconds is not None:
            self.sources.append("idle")
            self._spawn(self._poll_idle)
        return list(self.sources)

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name="lock-watcher", daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def rearm(self) -> None:
        """The store was unlocked again: the next trigger locks it again."""
        self._armed.set()

    def _fire(self, reason: str) -> None:
        if self._armed.is_set() and not self._stop.is_set():
            self._armed.clear()
            log.info("locking: %s", reason)
            try:
                self._on_lock(reason)
            except Exception:
                log.exception("the lock callback failed")

    @staticmethod
    def _connect(bus: str, signals: tuple[tuple[str, str, str], ...]) -> Any:
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        try:
            conn = open_dbus_connection(bus)
            for interface, member, _reason in signals:
                rule = MatchRule(type="signal", interface=interface, member=member)
                conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=2)
        except Exception as exc:  # no bus variable (KeyError), no socket, refused auth, a timeout: off
            log.info("not watching the %s bus for locks: %s", bus.lower() if bus.isupper() else "given", exc)
            return None
        return conn

    def _read(self, conn: Any, signals: tuple[tuple[str, str, str], ...]) -> None:
        from jeepney import HeaderFields, MatchRule, MessageType

        rule = MatchRule(type="signal")
        reasons = {(interface, member): reason for interface, member, reason in signals}
        try:
            with conn.filter(rule, bufsize=64) as queue:
                while not self._stop.is_set():
                    try:
                        msg = conn.recv_until_filtered(queue, timeout=POLL_SECONDS)
                    except TimeoutError:
                        continue
                    fields = msg.header.fields
                    if msg.header.message_type != MessageType.signal:
                        continue
                    reason = reasons.get((fields.get(HeaderFields.interface), fields.get(HeaderFields.member)))
                    if reason is not None and (not msg.body or msg.body[0] is True):
                        self._fire(reason)
        except (OSError, ValueError) as exc:
            log.info("the lock watcher lost its bus: %s", exc)
        finally:
            conn.close()

    def _poll_idle(self) -> None:
        assert self._idle_seconds is not None
        while not self._stop.wait(self._idle_poll):
            try:
                idle = self._idle_seconds()
            except Exception as exc:  # a display gone away: stop asking
                log.info("idle time unavailable: %s", exc)
                return
            limit = self._idle_limit()
            if idle is not None and limit > 0 and idle >= limit:
                self._fire(idle_reason(limit / 60))
