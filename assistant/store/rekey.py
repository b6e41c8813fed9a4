"""Rotating the data key (`assistant rekey`): the database, the blobs and the key file move to a new key.

For when the data key may have leaked (a keyring copy, a process dump, an old key file with a known
passphrase). Steps, each crash-safe:
1. the new key file (new data key, same passphrase and vault keys) is written beside the current one
   as `keys.json.rekey`;
2. every blob is re-encrypted under the new key into `<id>.blob.rekey`;
3. `PRAGMA rekey` re-encrypts every page of the database in one transaction: the commit point;
4. `keys.json.rekey` replaces `keys.json`, then the `.blob.rekey` files replace the blobs.
An interrupted rotation is settled at the next unlock (`recover`): before step 3 it is undone, after it,
finished. Old automatic backups are renamed `old-key-…`: each still opens with the key file it carries
(the passphrase of its time), never with the new key file.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from assistant.crypto import keyring_store
from assistant.crypto.blobs import BlobStore
from assistant.crypto.keys import KEY_BYTES, KeyFile
from assistant.errors import AssistantError, StoreCorrupt
from assistant.paths import DataPaths
from assistant.store import integrity, lock
from assistant.store.db import Database, probe_key

log = logging.getLogger(__name__)

PENDING_SUFFIX = ".rekey"
OLD_BACKUP_PREFIX = "old-key-"


def _pending(paths: DataPaths) -> Path:
    return paths.keyfile.with_name(paths.keyfile.name + PENDING_SUFFIX)


def _pending_blobs(paths: DataPaths) -> list[Path]:
    return sorted(paths.blobs.glob(f"*.blob{PENDING_SUFFIX}")) if paths.blobs.is_dir() else []


def _finish_blobs(paths: DataPaths) -> None:
    for path in _pending_blobs(paths):
        os.replace(path, path.with_name(path.name.removesuffix(PENDING_SUFFIX)))


def _undo(paths: DataPaths) -> None:
    for path in _pending_blobs(paths):
        path.unlink(missing_ok=True)
    _pending(paths).unlink(missing_ok=True)


def recover(paths: DataPaths, current_key: bytes, passphrase: str | None) -> bytes:
    """Settle a rotation a crash interrupted (under the store lock, before the database is opened):
    undo it if the database is still under `current_key`, finish it if it is under the pending key
    file's key. Returns the data key to open the store with."""
    pending = _pending(paths)
    if not pending.exists():
        _finish_blobs(paths)  # a crash after the key file was replaced: the blobs are left
        return current_key
    if probe_key(paths.database, current_key):
        _undo(paths)
        log.info("an interrupted key rotation was undone")
        return current_key
    if passphrase is None:
        raise AssistantError("a key rotation was interrupted: unlock once with your passphrase to finish it")
    new_key = KeyFile.load(pending).unwrap_data_key(passphrase)
    if not probe_key(paths.database, new_key):
        raise StoreCorrupt(integrity.damaged_message(paths, "the database opens with neither the old nor the new key"))
    os.replace(pending, paths.keyfile)
    _finish_blobs(paths)
    log.info("an interrupted key rotation was finished")
    return new_key


def _rename_old_backups(paths: DataPaths) -> list[Path]:
    renamed = []
    for path in integrity.auto_backups(paths):
        target = path.with_name(OLD_BACKUP_PREFIX + path.name)
        os.replace(path, target)
        renamed.append(target)
    return renamed


def rotate(paths: DataPaths, passphrase: str) -> list[Path]:
    """Give the store a new data key (the store must be closed in this process). Returns the old
    backups as renamed. WrongPassphrase or StoreInUse change nothing."""
    keyfile = KeyFile.load(paths.keyfile)
    old_key = keyfile.unwrap_data_key(passphrase)
    held = lock.acquire(paths.lock_file, paths.root)
    try:
        if recover(paths, old_key, passphrase) != old_key:  # a rotation left half done: finished now
            keyfile = KeyFile.load(paths.keyfile)
            old_key = keyfile.unwrap_data_key(passphrase)
        new_key = os.urandom(KEY_BYTES)
        keyfile.rewrap_data_key(passphrase, passphrase, new_key).save(_pending(paths))  # step 1
        old_blobs, new_blobs = BlobStore(paths.blobs, old_key), BlobStore(paths.blobs, new_key)
        for blob_id, _mtime in old_blobs.listing():  # step 2
            new_blobs.put(blob_id, old_blobs.get(blob_id), suffix=PENDING_SUFFIX)
        db = Database(paths.database, old_key)
        try:
            db.rekey(new_key)  # step 3: the commit point
        finally:
            db.close()
        os.replace(_pending(paths), paths.keyfile)  # step 4
        _finish_blobs(paths)
        if keyfile.keyring:
            keyring_store.save_data_key(str(paths.root), new_key)
        renamed = _rename_old_backups(paths)
    except BaseException:
        held.release(clean=False)  # the next open checks the whole database
        raise
    held.release()
    log.info("data key rotated; %d old backups renamed", len(renamed))
    return renamed
