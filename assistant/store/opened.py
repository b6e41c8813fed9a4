"""Creating and unlocking a store: the key file, the database and the blob directory, together.

Opening for writing takes the inter-process store lock (`lock.py`); when the last session crashed,
the whole database is checked (`integrity.py`) before anything else touches it. A damaged store
raises StoreCorrupt naming the newest automatic backup. A read-only open works beside a process
holding the lock.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from assistant.crypto import keyring_store, vault
from assistant.crypto.blobs import BlobStore
from assistant.crypto.keys import KEY_BYTES, KeyFile
from assistant.errors import AlreadyInitialized, AssistantError, NotInitialized, StoreCorrupt, WrongPassphrase
from assistant.paths import DataPaths
from assistant.store import integrity, lock, rekey
from assistant.store.db import Database
from assistant.store.readonly import ReadOnlyDatabase
from assistant.values import passphrase_problem

# A read-only command holds the lock for the milliseconds it takes to open the store: a second
# opener waits this long before saying "in use", so the two meeting by chance is not an error.
LOCK_WAIT_SECONDS = 1.0


@dataclass
class OpenedStore:
    paths: DataPaths
    keyfile: KeyFile
    data_key: bytes
    db: Database
    blobs: BlobStore
    lock: lock.StoreLock | None = None  # None when opened read-only

    @property
    def read_only(self) -> bool:
        return isinstance(self.db, ReadOnlyDatabase)

    @property
    def read_only_reason(self) -> str | None:
        """Why nothing can be changed through this store (`ReadOnlyDatabase.reason`), or None."""
        return self.db.reason if isinstance(self.db, ReadOnlyDatabase) else None

    def seal_secret(self, plaintext: str, entry_id: str) -> bytes:
        return vault.seal(self.keyfile.vault_public, plaintext, entry_id)

    def unseal_secret(self, passphrase: str, sealed: bytes, entry_id: str) -> str:
        try:
            private = self.keyfile.unwrap_vault_private(passphrase)
        except WrongPassphrase:  # the store is open already: what failed is the reveal
            raise WrongPassphrase("wrong passphrase: the value stays sealed") from None
        return vault.unseal(private, sealed, entry_id)

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            if self.lock is not None:
                self.lock.release()


def is_initialized(paths: DataPaths) -> bool:
    return paths.keyfile.exists()


def create(paths: DataPaths, passphrase: str) -> OpenedStore:
    if is_initialized(paths):
        raise AlreadyInitialized(str(paths.root))
    problem = passphrase_problem(passphrase)
    if problem is not None:
        raise AssistantError(f"{problem} Nothing was created.")
    paths.ensure()
    held = lock.acquire(paths.lock_file, paths.root)
    try:
        if is_initialized(paths):  # another process created it while we waited for the lock
            raise AlreadyInitialized(str(paths.root))
        if paths.database.exists():
            raise AssistantError(f"{paths.database} exists without a key file; move it away or restore a backup")
        data_key = os.urandom(KEY_BYTES)
        public, private = vault.new_keypair()
        keyfile = KeyFile.create(passphrase, data_key, public, private)
        db = Database(paths.database, data_key)  # create the database first: a key file alone is not a store
        keyfile.save(paths.keyfile)
    except BaseException:
        held.release()
        raise
    return OpenedStore(paths, keyfile, data_key, db, BlobStore(paths.blobs, data_key), held)


def keyring_account(paths: DataPaths) -> str:
    return str(paths.root)


def _open_checked(paths: DataPaths, data_key: bytes, *, full_check: bool) -> Database:
    """Open (and migrate) the database; StoreCorrupt if it is damaged.

    Opening reads the header and schema, and SQLCipher authenticates every page it ever reads, so a
    damaged page can fail a later read but never return wrong data. The full check (every page) runs
    when the last session did not end cleanly, the moment damage is likely: it costs ~25 ms per MB.
    """
    import sqlcipher3

    if not paths.database.exists():
        raise StoreCorrupt(integrity.damaged_message(paths, f"the database file {paths.database.name} is missing"))
    try:
        db = Database(paths.database, data_key)
    except StoreCorrupt as exc:
        raise StoreCorrupt(f"{exc}; {integrity.backup_advice(paths)}") from exc
    except sqlcipher3.OperationalError as exc:
        raise AssistantError(f"cannot open the memory store {paths.database}: {exc}") from exc
    except sqlcipher3.DatabaseError as exc:
        raise StoreCorrupt(integrity.damaged_message(paths, str(exc))) from exc
    if full_check:
        try:
            integrity.verify(db, paths)
        except BaseException:
            db.close()
            raise
    return db


def open_existing(paths: DataPaths, passphrase: str | None, *, read_only: bool = False) -> OpenedStore:
    """Unlock with the passphrase, or from the OS keyring when `passphrase` is None and it was enabled.

    The default open holds the store lock until `close()`; StoreInUse if another process holds it.
    `read_only=True` never fails for that reason: when the lock is free it checks and migrates the
    store under the lock as usual, then lets the lock go; when another process holds it, it reads
    beside that process (which checked the store when it opened it). Writes through it are refused.
    """
    if not is_initialized(paths):
        raise NotInitialized(str(paths.root))
    keyfile = KeyFile.load(paths.keyfile)
    if passphrase is not None:
        data_key = keyfile.unwrap_data_key(passphrase)
    else:
        stored = keyring_store.load_data_key(keyring_account(paths)) if keyfile.keyring else None
        if stored is None:
            raise WrongPassphrase()
        data_key = keyfile.accept_data_key(stored)
    paths.ensure()
    if read_only and lock.is_locked_elsewhere(paths.lock_file):
        return _open_read_only(paths, keyfile, data_key, lock.holder_pid(paths.lock_file))
    try:
        held = lock.acquire(paths.lock_file, paths.root, wait=LOCK_WAIT_SECONDS)
    except lock.StoreInUse as exc:
        if not read_only:
            raise
        # A writer took the lock after the check above and kept it past the wait: read beside it.
        return _open_read_only(paths, keyfile, data_key, exc.pid)
    try:
        if rekey.recover(paths, data_key, passphrase) != data_key:  # a crash ended a key rotation midway
            keyfile = KeyFile.load(paths.keyfile)
            data_key = keyfile.unwrap_data_key(passphrase or "")
        db = _open_checked(paths, data_key, full_check=not held.previous_clean)
    except BaseException:
        held.release(clean=False)  # the next open checks again
        raise
    if read_only:
        db.close()
        held.release()
        return _open_read_only(paths, keyfile, data_key, None)
    if keyfile.needs_upgrade:  # authenticated above with the passphrase: give the file its MAC now
        keyfile.save(paths.keyfile)
    return OpenedStore(paths, keyfile, data_key, db, BlobStore(paths.blobs, data_key), held)


def _open_read_only(paths: DataPaths, keyfile: KeyFile, data_key: bytes, holder: int | None) -> OpenedStore:
    import sqlcipher3

    try:
        db = ReadOnlyDatabase(paths.database, data_key, holder)
    except StoreCorrupt as exc:
        raise StoreCorrupt(f"{exc}; {integrity.backup_advice(paths)}") from exc
    except sqlcipher3.DatabaseError as exc:
        raise StoreCorrupt(integrity.damaged_message(paths, str(exc))) from exc
    return OpenedStore(paths, keyfile, data_key, db, BlobStore(paths.blobs, data_key), None)


def in_use_elsewhere(paths: DataPaths) -> bool:
    """True when another process has the store open for writing right now."""
    return lock.is_locked_elsewhere(paths.lock_file)


def require_writable(store: OpenedStore) -> None:
    """Raise ReadOnlyStore (saying why) unless `store` was opened for writing."""
    if isinstance(store.db, ReadOnlyDatabase):
        raise store.db.refusal()


def change_passphrase(store: OpenedStore, old: str, new: str) -> None:
    require_writable(store)
    problem = passphrase_problem(new)
    if problem is not None:
        raise AssistantError(f"{problem} The passphrase was not changed.")
    store.keyfile = store.keyfile.rewrap(old, new)
    store.keyfile.save(store.paths.keyfile)


def keyring_chosen(paths: DataPaths) -> bool:
    """Whether the key file says the user opted in to keyring unlock (False before `init`)."""
    return is_initialized(paths) and KeyFile.load(paths.keyfile).keyring


def set_keyring(store: OpenedStore, enabled: bool) -> None:
    require_writable(store)
    account = keyring_account(store.paths)
    if enabled:
        keyring_store.save_data_key(account, store.data_key)
    else:
        keyring_store.forget_data_key(account)
    store.keyfile.keyring = enabled
    store.keyfile.save(store.paths.keyfile)


def database_files(paths: DataPaths) -> list[Path]:
    return [p for p in (paths.database, Path(f"{paths.database}-wal"), Path(f"{paths.database}-shm")) if p.exists()]
