"""Is the store whole? The check run at every unlock, the message a damaged store gets, and where the
automatic backups are.

The check is SQLite's `quick_check` (b-tree structure, page by page) plus SQLCipher's
`cipher_integrity_check` (the HMAC of every page of the main file): a torn write, a flipped bit or a
page from another file fails one of them. Both only read. It runs at unlock after a session that did
not end cleanly, and before every automatic backup. A damaged store is never "repaired" in place: the
message names the newest automatic backup to restore, and the files are left as they are.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import StoreCorrupt
from assistant.paths import DataPaths

if TYPE_CHECKING:
    from assistant.store.db import Database

log = logging.getLogger(__name__)

AUTO_PREFIX = "auto-"
STAMP_FORMAT = "%Y%m%d-%H%M%S"  # UTC, so names sort in time order across DST changes
_AUTO_NAME = re.compile(r"^auto-(\d{8}-\d{6})(?:-(\d+))?\.zip$")
_MAX_REPORTED = 3
CHECK_CACHE_KIB = -131072  # 128 MiB page cache for the check only (negative = KiB, as SQLite reads it)


def _auto_key(path: Path) -> tuple[str, int] | None:
    match = _AUTO_NAME.match(path.name)
    return (match.group(1), int(match.group(2) or 1)) if match else None


def auto_backups(paths: DataPaths) -> list[Path]:
    """The automatic backups (`backups/auto-YYYYmmdd-HHMMSS.zip`), oldest first; other files are ignored."""
    if not paths.backups.is_dir():
        return []
    found = [(key, p) for p in paths.backups.iterdir() if p.is_file() and (key := _auto_key(p)) is not None]
    return [p for _, p in sorted(found)]


def backup_time(path: Path) -> datetime | None:
    """When an automatic backup was made, from its name."""
    key = _auto_key(path)
    return datetime.strptime(key[0], STAMP_FORMAT).replace(tzinfo=UTC) if key else None


def backup_number(path: Path, stamp: str) -> int | None:
    """The number of an automatic backup made in the second `stamp` (1 for the first), else None."""
    key = _auto_key(path)
    return key[1] if key and key[0] == stamp else None


def newest_auto_backup(paths: DataPaths) -> Path | None:
    backups = auto_backups(paths)
    return backups[-1] if backups else None


def backup_advice(paths: DataPaths) -> str:
    """Which backup to restore: the newest automatic one, by path, or what to do without one."""
    newest = newest_auto_backup(paths)
    if newest is not None:
        return (
            f"restore the newest automatic backup with `assistant restore {newest}` "
            "(the damaged files are kept aside, not deleted)"
        )
    return f"no automatic backup exists in {paths.backups}; restore a backup you exported with `assistant restore FILE`"


def damaged_message(paths: DataPaths, detail: str) -> str:
    """What to tell the user about a damaged store: what is wrong, that nothing changed, what to restore."""
    return f"the memory store {paths.database} is damaged ({detail}); it was left as it is: {backup_advice(paths)}"


def problems(db: Database) -> list[str]:
    """Everything `quick_check` and `cipher_integrity_check` report; [] for a whole store."""
    import sqlcipher3

    conn = db.reader()
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {CHECK_CACHE_KIB}")  # b-tree walks thrash a small cache: 4x faster
    try:
        found = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall() if r[0] != "ok"]
        found += [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
    except sqlcipher3.DatabaseError as exc:  # a page that fails its HMAC cannot even be read
        found = [str(exc)]
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")
        conn.execute("PRAGMA shrink_memory")
    return found


def verify(db: Database, paths: DataPaths) -> None:
    """Raise StoreCorrupt (naming the newest automatic backup) unless the store passes the check."""
    found = problems(db)
    if found:
        log.error("integrity check failed: %d problem(s)", len(found))
        shown = "; ".join(found[:_MAX_REPORTED]) + (
            f"; and {len(found) - _MAX_REPORTED} more" if len(found) > _MAX_REPORTED else ""
        )
        raise StoreCorrupt(damaged_message(paths, f"integrity check: {shown}"))
