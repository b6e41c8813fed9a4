"""`app.backups`: an encrypted backup of the whole store, restoring one, and rotating the data key."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.app.core import Core
from assistant.store import backup


class BackupManager:
    def __init__(self, core: Core) -> None:
        self._core = core

    def export(self, out: str | os.PathLike[str]) -> Path:
        """Write the encrypted database and the wrapped key file to the zip `out`; returns its path."""
        return backup.export(self._core.store, Path(out))

    def restore(self, archive: str | os.PathLike[str], passphrase: str) -> None:
        """Replace the store with a backup (checked first, the replaced files kept), then unlock it."""
        core = self._core
        core.close()
        backup.restore(core.paths, Path(archive), passphrase)
        core.unlock(passphrase, "write")

    def rekey(self, passphrase: str) -> list[Path]:
        """Rotate the data key: the database (`PRAGMA rekey`), the blobs and the key file move to a new
        key, then a fresh automatic backup is written. The old automatic backups are renamed `old-key-…`
        (returned): they open only with the key file each carries. WrongPassphrase changes nothing."""
        from assistant.store import rekey

        core = self._core
        core.require_writable()
        core.store.keyfile.unwrap_data_key(passphrase)  # a wrong passphrase stops here, the store still open
        core.close()
        try:
            renamed = rekey.rotate(core.paths, passphrase)
        finally:
            core.unlock(passphrase, "write")
        backup.rotate_backups(core.store, core.settings.backup.keep)
        return renamed
