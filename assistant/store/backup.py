"""Encrypted backups: one zip holding the key file, an encrypted copy of the database and the blobs.

Nothing in the archive is readable without the passphrase: the database copy stays encrypted under the
data key, and the data key is only in the archive wrapped by the passphrase. Automatic backups rotate in
`backups/auto-YYYYmmdd-HHMMSS.zip` (UTC); the oldest beyond `settings.backup.keep` are deleted only after
a new one was written whole, so a failing backup never costs an older good one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.crypto.keys import KeyFile
from assistant.errors import AssistantError, StoreCorrupt
from assistant.paths import DataPaths, private_file
from assistant.store import archive_limits, integrity, lock
from assistant.store.db import Database
from assistant.store.opened import LOCK_WAIT_SECONDS, OpenedStore, database_files, is_initialized

log = logging.getLogger(__name__)

ARCHIVE_FORMAT = "memory-assistant-backup/1"


def export(store: OpenedStore, out: Path) -> Path:
    out = out.expanduser().resolve()
    work = store.paths.backups / f".export-{os.getpid()}-{time.time_ns()}"
    work.mkdir(mode=0o700)
    try:
        db_copy = work / "memory.db"
        store.db.backup_to(db_copy, store.data_key)
        manifest = {"format": ARCHIVE_FORMAT, "schema_version": store.db.schema_version, "created": time.time()}
        # A fresh random name, created exclusively (O_EXCL, 0600): a symlink planted at a predictable
        # name in the target dir cannot make the export overwrite the file it points to.
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w+b") as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as zf:
                zf.writestr("manifest.json", json.dumps(manifest))
                zf.writestr("keys.json", store.keyfile.to_json())
                zf.write(db_copy, "memory.db")
                for blob in sorted(store.paths.blobs.glob("*.blob")):
                    with contextlib.suppress(FileNotFoundError):  # evicted by capture meanwhile
                        zf.write(blob, f"blobs/{blob.name}")
            private_file(tmp)
            os.replace(tmp, out)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a full disk leaves no half archive behind
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _open_archive(path: Path) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(path)
        manifest = json.loads(zf.read("manifest.json"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise StoreCorrupt(f"{path} is not a memory-assistant backup or is damaged ({exc})") from exc
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise StoreCorrupt(f"{path} is a backup of an unknown format {manifest.get('format')!r}")
    return zf


def _check_copy(archive: Path, db_file: Path, data_key: bytes) -> None:
    """The archive's database must open with its key and pass the integrity check."""
    import sqlcipher3

    try:
        db = Database(db_file, data_key)
    except (StoreCorrupt, sqlcipher3.DatabaseError) as exc:
        raise StoreCorrupt(f"the backup {archive} is damaged ({exc}); nothing was changed") from exc
    try:
        found = integrity.problems(db)
    finally:
        db.close()
    if found:
        raise StoreCorrupt(f"the backup {archive} is damaged ({'; '.join(found[:3])}); nothing was changed")


def restore(paths: DataPaths, archive: Path, passphrase: str) -> None:
    """Check the archive fully (passphrase, database) before touching the data dir; keep what it replaces.

    Holds the store lock while files are replaced: StoreInUse if another process has the store open.
    """
    if not archive.is_file():
        raise AssistantError(f"no such backup file: {archive}")
    paths.ensure()
    held = lock.acquire(paths.lock_file, paths.root, wait=LOCK_WAIT_SECONDS)
    try:
        _restore(paths, archive, passphrase)
    finally:
        held.release()


def _restore(paths: DataPaths, archive: Path, passphrase: str) -> None:
    with _open_archive(archive) as zf:
        work = paths.backups / f".restore-{os.getpid()}-{time.time_ns()}"
        work.mkdir(mode=0o700)
        try:
            archive_limits.extract(zf, archive, work)
            keyfile = KeyFile.load(work / "keys.json")
            data_key = keyfile.unwrap_data_key(passphrase)  # WrongPassphrase leaves everything as it was
            _check_copy(archive, work / "memory.db", data_key)
            if is_initialized(paths):
                keep = paths.backups / f"replaced-{time.strftime('%Y%m%d-%H%M%S')}"
                keep.mkdir(mode=0o700)
                for f in [paths.keyfile, *database_files(paths)]:
                    shutil.move(str(f), keep / f.name)
                if paths.blobs.exists():
                    shutil.move(str(paths.blobs), keep / "blobs")
            paths.blobs.mkdir(mode=0o700, exist_ok=True)
            for blob in (work / "blobs").glob("*.blob") if (work / "blobs").exists() else []:
                shutil.move(str(blob), paths.blobs / blob.name)
            shutil.move(str(work / "memory.db"), paths.database)
            shutil.move(str(work / "keys.json"), paths.keyfile)
            for f in (paths.database, paths.keyfile):
                private_file(f)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def rotate_backups(store: OpenedStore, keep: int) -> Path:
    """Write `backups/auto-YYYYmmdd-HHMMSS.zip` (UTC) and delete the oldest automatic ones beyond `keep`."""
    if keep < 1:
        raise AssistantError(f"backup.keep must be at least 1, not {keep}")
    store.paths.backups.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime(integrity.STAMP_FORMAT)
    # Two backups in one second are numbered after the highest number of that second still there, so
    # a name freed by the rotation is never reused out of order.
    same = [n for p in integrity.auto_backups(store.paths) if (n := integrity.backup_number(p, stamp))]
    name = f"{stamp}-{max(same) + 1}" if same else stamp
    target = store.paths.backups / f"{integrity.AUTO_PREFIX}{name}.zip"
    integrity.verify(store.db, store.paths)  # never rotate good backups out for a copy of a damaged store
    export(store, target)
    for old in integrity.auto_backups(store.paths)[:-keep]:
        old.unlink(missing_ok=True)
    log.info("automatic backup written; %d kept", min(keep, len(integrity.auto_backups(store.paths))))
    return target


def rotate_if_due(
    store: OpenedStore, keep: int, every: timedelta = timedelta(days=1), now: datetime | None = None
) -> Path | None:
    """`rotate_backups` when the newest automatic backup is older than `every` (or there is none).

    Meant to be scheduled often (hourly): an app restarted every day still gets its daily backup.
    """
    newest = integrity.newest_auto_backup(store.paths)
    made = integrity.backup_time(newest) if newest is not None else None
    if made is not None and (now or datetime.now(UTC)) - made < every:
        return None
    return rotate_backups(store, keep)
