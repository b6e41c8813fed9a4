"""Unpacking a backup archive without trusting it: only the members a backup has, each no larger than
it says and all of them fitting on the disk, so a crafted ZIP (a "bomb", a path outside the work dir,
a member lying about its size) is refused with a message before it can fill the disk."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from assistant.errors import StoreCorrupt

_MEMBER = re.compile(r"^(?:manifest\.json|keys\.json|memory\.db|blobs/[A-Za-z0-9_-]{1,80}\.blob)$")
SMALL_LIMIT = 1024 * 1024  # manifest.json and keys.json are a few hundred bytes
DISK_MARGIN = 256 * 1024 * 1024  # left free after the restore: the app still has to run
_CHUNK = 1024 * 1024


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


def extract(zf: zipfile.ZipFile, archive: Path, work: Path) -> None:
    """Unpack the backup `zf` into `work`; StoreCorrupt (nothing outside `work` touched) if it is not
    one of ours or would not fit."""
    members = zf.infolist()
    for info in members:
        if info.is_dir():
            continue
        if not _MEMBER.match(info.filename):
            raise StoreCorrupt(f"{archive} holds {info.filename!r}, which no backup has; nothing was changed")
        if info.filename.endswith(".json") and info.file_size > SMALL_LIMIT:
            raise StoreCorrupt(
                f"{archive}: its {info.filename} is {info.file_size} bytes, far too big; nothing was changed"
            )
    needed = sum(i.file_size for i in members)
    available = free_bytes(work) - DISK_MARGIN
    if needed > available:
        raise StoreCorrupt(
            f"{archive} unpacks to {needed / 1e9:.1f} GB and the disk has {max(available, 0) / 1e9:.1f} GB to spare; "
            "free some space (or check that the file is a backup of this app); nothing was changed"
        )
    for info in members:
        if not info.is_dir():
            _copy(zf, info, work / info.filename, archive)


def _copy(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, archive: Path) -> None:
    """Stream one member, stopping at the size its header declares (the header may lie)."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = 0
    with zf.open(info) as src, open(target, "xb") as out:
        while chunk := src.read(_CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise StoreCorrupt(f"{archive}: {info.filename} is larger than its header says; nothing was changed")
            out.write(chunk)
