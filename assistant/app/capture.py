"""`app.capture`: screen capture on, off, paused, once; its status and notice, the app's own windows,
thumbnails and storage use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.app.core import Core
from assistant.capture import pause_note
from assistant.capture.status import CaptureStatus


@dataclass(frozen=True)
class StorageUsage:
    """Bytes on disk: the database (with its write-ahead log), the thumbnails, and the thumbnails' budget."""

    database: int
    thumbnails: int
    budget: int

    @property
    def total(self) -> int:
        """Bytes in use (the budget is not in use)."""
        return self.database + self.thumbnails


class CaptureManager:
    def __init__(self, core: Core) -> None:
        self._core = core

    def start(self) -> None:
        """Start recording the screen and remember the user's consent (capture.enabled)."""
        core = self._core
        core.capture.start()
        core.set_setting("capture.enabled", True)
        core.background.start()

    def stop(self) -> None:
        core = self._core
        core.capture.stop()
        pause_note.resumed(core.paths)
        core.set_setting("capture.enabled", False)

    def pause(self, minutes: float | None = None) -> None:
        """Pause for `minutes`, or until resumed when None; resumes by itself when the time is up."""
        self._core.capture.pause(minutes)
        pause_note.paused(self._core.paths, minutes)  # for `assistant status` in another process

    def resume(self) -> None:
        self._core.capture.resume()
        pause_note.resumed(self._core.paths)

    def once(self) -> int:
        """One capture now (ignoring pause), OCR included; returns how many frames were stored."""
        return self._core.capture.capture_once()

    def run_foreground(self) -> None:
        """Capture until Ctrl-C or SIGTERM, then stop cleanly (for `assistant capture run`)."""
        self._core.capture.run_foreground()

    def status(self) -> CaptureStatus:
        return self._core.capture.status()

    def notice(self) -> str | None:
        """What the user must read before capture first runs on this desktop (the Wayland consent dialog
        to expect, exclusions that cannot work there), until acknowledge_notice(); else None."""
        found = self._core.capture.notice()
        return None if found is None else found[1]

    def acknowledge_notice(self) -> None:
        """The user has read this desktop's notice: it is not shown again (kept in config.toml)."""
        found = self._core.capture.notice()
        if found is not None:
            self._core.set_setting("capture.notice_shown_for", found[0])

    def register_own_window(self, window_id: int) -> None:
        """A window of the app is shown: capture never records it (its pixels are masked, and macOS
        and Windows leave it out of screen captures). Works locked or unlocked."""
        from assistant.capture.own_windows import hide_from_capture

        hide_from_capture(window_id)

    def thumbnail(self, event_id: str) -> bytes | None:
        """The encrypted thumbnail kept for a screen capture, decrypted; None when none was kept."""
        from assistant.store.blob_rows import thumbnail_of

        store = self._core.store
        blob_id = thumbnail_of(store.db.reader(), event_id)
        return store.blobs.get(blob_id) if blob_id else None

    def storage_usage(self) -> StorageUsage:
        core = self._core
        files = [core.paths.database, Path(f"{core.paths.database}-wal")]
        return StorageUsage(
            database=sum(f.stat().st_size for f in files if f.exists()),
            thumbnails=core.store.blobs.size(),
            budget=core.settings.capture.storage_budget_mb * 1024 * 1024,
        )
