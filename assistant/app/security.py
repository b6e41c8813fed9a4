"""`app.security`: locking (by hand, or on a session lock, a suspend or idleness), the passphrase, and
unlocking from the OS keyring."""

from __future__ import annotations

import logging

from assistant.app.core import Core
from assistant.locking.idle import display_idle
from assistant.locking.watcher import IdleSource, OnLock, SessionWatcher
from assistant.store import opened

log = logging.getLogger(__name__)


class SecurityManager:
    def __init__(self, core: Core) -> None:
        self._core = core

    def lock(self, reason: str = "locked by the user") -> None:
        """Close the store, the vector index, the models and capture, dropping the data key and every
        decrypted cache they hold; `unlock()` opens it again. Core dumps are allowed again only now."""
        was_unlocked = self._core.unlocked
        self._core.close()
        if was_unlocked:
            log.info("store locked: %s", reason)

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
        self.stop_watching()
        settings = self._core.settings

        def limit() -> float:
            return float(settings.privacy.lock_after_idle_minutes) * 60.0

        watcher = SessionWatcher(
            on_lock or self.lock,
            session_bus=session_bus,
            system_bus=system_bus,
            idle_seconds=idle_seconds or display_idle(),
            idle_limit=limit,
            idle_poll=idle_poll,
        )
        self._core.lock_watcher = watcher
        return watcher.start()

    def stop_watching(self) -> None:
        if self._core.lock_watcher is not None:
            self._core.lock_watcher.stop()
            self._core.lock_watcher = None

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the data key (and the vault's private key) under a new passphrase; no data is re-encrypted."""
        opened.change_passphrase(self._core.store, old, new)
        log.info("passphrase changed")

    @property
    def keyring_enabled(self) -> bool:
        """Whether the user opted in to unlocking from the OS keyring; known before unlocking too (the key
        file says so), so an unlock screen offers the keyring only to those who chose it."""
        core = self._core
        return core.store.keyfile.keyring if core.unlocked else opened.keyring_chosen(core.paths)

    def set_keyring_unlock(self, enabled: bool) -> None:
        opened.set_keyring(self._core.store, enabled)
