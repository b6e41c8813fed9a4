"""Creating and unlocking a store: the key file, the database and the blob directory, together."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from assistant.crypto import keyring_store, vault
from assistant.crypto.blobs import BlobStore
from assistant.crypto.keys import KEY_BYTES, KeyFile
from assistant.errors import AlreadyInitialized, AssistantError, NotInitialized, WrongPassphrase
from assistant.paths import DataPaths
from assistant.store.db import Database


@dataclass
class OpenedStore:
    paths: DataPaths
    keyfile: KeyFile
    data_key: bytes
    db: Database
    blobs: BlobStore

    def seal_secret(self, plaintext: str, entry_id: str) -> bytes:
        return vault.seal(self.keyfile.vault_public, plaintext, entry_id)

    def unseal_secret(self, passphrase: str, sealed: bytes, entry_id: str) -> str:
        return vault.unseal(self.keyfile.unwrap_vault_private(passphrase), sealed, entry_id)

    def close(self) -> None:
        self.db.close()


def is_initialized(paths: DataPaths) -> bool:
    return paths.keyfile.exists()


def create(paths: DataPaths, passphrase: str) -> OpenedStore:
    if is_initialized(paths):
        raise AlreadyInitialized(str(paths.root))
    if not passphrase:
        raise AssistantError("the passphrase must not be empty")
    paths.ensure()
    if paths.database.exists():
        raise AssistantError(f"{paths.database} exists without a key file; move it away or restore a backup")
    data_key = os.urandom(KEY_BYTES)
    public, private = vault.new_keypair()
    keyfile = KeyFile.create(passphrase, data_key, public, private)
    db = Database(paths.database, data_key)  # create the database first: a key file alone is not a store
    keyfile.save(paths.keyfile)
    return OpenedStore(paths, keyfile, data_key, db, BlobStore(paths.blobs, data_key))


def keyring_account(paths: DataPaths) -> str:
    return str(paths.root)


def open_existing(paths: DataPaths, passphrase: str | None) -> OpenedStore:
    """Unlock with the passphrase, or from the OS keyring when `passphrase` is None and it was enabled."""
    if not is_initialized(paths):
        raise NotInitialized(str(paths.root))
    keyfile = KeyFile.load(paths.keyfile)
    if passphrase is not None:
        data_key = keyfile.unwrap_data_key(passphrase)
    else:
        stored = keyring_store.load_data_key(keyring_account(paths)) if keyfile.keyring else None
        if stored is None:
            raise WrongPassphrase()
        data_key = stored
    paths.ensure()
    db = Database(paths.database, data_key)
    return OpenedStore(paths, keyfile, data_key, db, BlobStore(paths.blobs, data_key))


def change_passphrase(store: OpenedStore, old: str, new: str) -> None:
    if not new:
        raise AssistantError("the new passphrase must not be empty")
    store.keyfile = store.keyfile.rewrap(old, new)
    store.keyfile.save(store.paths.keyfile)


def set_keyring(store: OpenedStore, enabled: bool) -> None:
    account = keyring_account(store.paths)
    if enabled:
        keyring_store.save_data_key(account, store.data_key)
    else:
        keyring_store.forget_data_key(account)
    store.keyfile.keyring = enabled
    store.keyfile.save(store.paths.keyfile)


def database_files(paths: DataPaths) -> list[Path]:
    return [p for p in (paths.database, Path(f"{paths.database}-wal"), Path(f"{paths.database}-shm"))
            if p.exists()]
