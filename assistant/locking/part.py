"""The facade's lock: `lock()` drops the keys and everything decrypted; `watch_for_lock()` locks on a
session lock, a suspend, or idleness (a part of `Assistant`, kept apart for size)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.locking.watcher import IdleSource, OnLock, SessionWatcher

if TYPE_CHECKING:
    from assistant.capture.window import WindowProbe

log = logging.getLogger(__name__)


def display_idle() -> IdleSource:
    """Seconds since the last input on this display (X11, Windows, macOS); raises where it cannot tell."""
    probe: WindowProbe | None = None

    def idle() -> float | None:
        nonlocal probe
        if probe is None:
            from assistant.capture.window import probe_for_session

            probe = probe_for_session()
        return probe.idle_seconds()

    return idle


class Locking:
    settings: Settings
    _lock_watcher: SessionWatcher | None = None

    if TYPE_CHECKING:
        from assistant.paths import DataPaths
        from assistant.store.opened import OpenedStore

        paths: DataPaths

        @property
        def unlocked(self) -> bool: ...

        @property
        def store(self) -> OpenedStore: ...

        def close(self) -> None: ...

        def unlock(self, passphrase: str | None = None) -> None: ...

        def require_writable(self) -> None: ...

    def lock(self, reason: str = "locked by the user") -> None:
        """Close the store, the vector index, the models and capture, dropping the data key and every
        decrypted cache they hold; `unlock()` opens it again. Core dumps are allowed again only now."""
        was_unlocked = self.unlocked
        self.close()
        if was_unlocked:
            log.info("store locked: %s", reason)

    def rekey(self, passphrase: str) -> list[Path]:
        """Rotate the data key: the database (`PRAGMA rekey`), the blobs and the key file move to a new
        key, then a fresh automatic backup is written. The old automatic backups are renamed `old-key-…`
        (returned): they open only with the key file each carries. WrongPassphrase changes nothing."""
        from assistant.store import rekey
        from assistant.store.backup import rotate_backups

        self.require_writable()
        self.store.keyfile.unwrap_data_key(passphrase)  # a wrong passphrase stops here, the store still open
        self.close()
        try:
            renamed = rekey.rotate(self.paths, passphrase)
        finally:
            self.unlock(passphrase)
        rotate_backups(self.store, self.settings.backup.keep)
        return renamed

    def watch_for_lock(
        self,
        on_lock: OnLock | None = None,
        *,
        session_bus: str | None = "SESSION",
        system_bus: str | None = "SYSTEM",
        idle_seconds: IdleSource | None = None,
        idle_poll: float = 15.0,
    ) -> list[str]:
        """Lock (or call `on_lock(reason)`, e.g. for the UI to lock on its own thread) when the screen
        locks, the machine suspends, or no input came for `privacy.lock_after_idle_minutes`.
        Returns the triggers that are on; missing buses or idle time are left out silently."""
        self.stop_lock_watch()

        def limit() -> float:
            return float(self.settings.privacy.lock_after_idle_minutes) * 60.0

        self._lock_watcher = SessionWatcher(
            on_lock or self.lock,
            session_bus=session_bus,
            system_bus=system_bus,
            idle_seconds=idle_seconds or display_idle(),
            idle_limit=limit,
            idle_poll=idle_poll,
        )
        return self._lock_watcher.start()

    def rearm_lock_watch(self) -> None:
        if self._lock_watcher is not None:
            self._lock_watcher.rearm()

    def stop_lock_watch(self) -> None:
        if self._lock_watcher is not None:
            self._lock_watcher.stop()
            self._lock_watcher = None
