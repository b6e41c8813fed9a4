"""Encrypted backups: one zip holding the key file, an encrypted copy of the database and the blobs.

Nothing in the archive is readable without the passphrase: the database copy stays encrypted under the
data key, and the data key is only in the archive wrapped by the passphrase.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from pathlib import Path

from assistant.crypto.keys import KeyFile
from assistant.errors import AssistantError, StoreCorrupt
from assistant.paths import DataPaths, private_file
from assistant.store.db import Database
from assistant.store.opened import OpenedStore, database_files, is_initialized

ARCHIVE_FORMAT = "memory-assistant-backup/1"


def export(store: OpenedStore, out: Path) -> Path:
    out = out.expanduser().resolve()
    work = store.paths.backups / f".export-{os.getpid()}-{time.time_ns()}"
    work.mkdir(mode=0o700)
    try:
        db_copy = work / "memory.db"
        store.db.backup_to(db_copy, store.data_key)
        manifest = {"format": ARCHIVE_FORMAT, "schema_version": store.db.schema_version, "created": time.time()}
        tmp = out.with_name(f".{out.name}.tmp")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr("manifest.json", json.dumps(manifest))
            zf.writestr("keys.json", store.keyfile.to_json())
            zf.write(db_copy, "memory.db")
            for blob in sorted(store.paths.blobs.glob("*.blob")):
                zf.write(blob, f"blobs/{blob.name}")
        private_file(tmp)
        os.replace(tmp, out)
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


def restore(paths: DataPaths, archive: Path, passphrase: str) -> None:
    """Check the archive fully (passphrase, database) before touching the data dir; keep what it replaces."""
    if not archive.is_file():
        raise AssistantError(f"no such backup file: {archive}")
    paths.ensure()
    with _open_archive(archive) as zf:
        work = paths.backups / f".restore-{os.getpid()}-{time.time_ns()}"
        work.mkdir(mode=0o700)
        try:
            zf.extractall(work)
            keyfile = KeyFile.load(work / "keys.json")
            data_key = keyfile.unwrap_data_key(passphrase)  # WrongPassphrase leaves everything as it was
            Database(work / "memory.db", data_key).close()
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
