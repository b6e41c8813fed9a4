"""The store's own safety nets: the integrity check after a crash, rotating automatic backups, restore.

A damaged store is refused with a message naming the newest automatic backup, and that backup
restores it; a damaged store never rotates good backups out, and a damaged backup is never restored.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.errors import StoreCorrupt
from assistant.paths import DataPaths
from assistant.store import backup, integrity, lock, opened
from assistant.store.readonly import ReadOnlyStore
from assistant.values import RawEvent
from tests.conftest import PASSPHRASE, run_cli
from tests.robustness.helpers import Holder, snapshot

PAGE = 4096


def _fill(app: Assistant, n: int = 300) -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    app.memories.add_events(
        [
            RawEvent(
                kind="screen",
                occurred_at=t0 + timedelta(seconds=i),
                app="Editor",
                title=f"doc {i}",
                text=f"line {i} of a long document about harbour lanterns " * 8,
            )
            for i in range(n)
        ]
    )
    app._core.store.db.checkpoint()


def _damage(db_file: Path) -> None:
    """Flip 32 bytes in the middle of a page past the header: what a bad sector or a torn write leaves."""
    pages = db_file.stat().st_size // PAGE
    assert pages > 8
    with db_file.open("r+b") as fh:
        fh.seek((pages // 2) * PAGE + 1000)
        chunk = fh.read(32)
        fh.seek((pages // 2) * PAGE + 1000)
        fh.write(bytes(b ^ 0xFF for b in chunk))


def test_rotation_keeps_the_newest_and_names_them_by_time(app: Assistant) -> None:
    _fill(app, 20)
    made = [backup.rotate_backups(app._core.store, keep=3) for _ in range(5)]
    kept = integrity.auto_backups(app.paths)
    assert kept == made[-3:]  # the two oldest were deleted, newest last
    assert all(re.fullmatch(r"auto-\d{8}-\d{6}(-\d+)?\.zip", p.name) for p in kept)
    assert all((p.stat().st_mode & 0o777) == 0o600 for p in kept)
    (app.paths.backups / "my-own.zip").write_bytes(b"not ours")
    backup.rotate_backups(app._core.store, keep=1)
    assert (app.paths.backups / "my-own.zip").exists()  # only automatic backups rotate
    assert len(integrity.auto_backups(app.paths)) == 1
    with pytest.raises(Exception, match="at least 1"):
        backup.rotate_backups(app._core.store, keep=0)


def test_backups_within_one_second_still_rotate_in_order(app: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    frozen = datetime(2024, 5, 2, 9, 15, 0, tzinfo=UTC)

    class Clock(datetime):
        @classmethod
        def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
            return frozen

    monkeypatch.setattr(backup, "datetime", Clock)
    made = [backup.rotate_backups(app._core.store, keep=2) for _ in range(5)]
    assert [p.name for p in made] == [
        "auto-20240502-091500.zip",
        *(f"auto-20240502-091500-{n}.zip" for n in range(2, 6)),
    ]
    assert integrity.auto_backups(app.paths) == made[-2:]


def test_a_backup_is_due_once_a_day(app: Assistant) -> None:
    first = backup.rotate_if_due(app._core.store, keep=5)
    assert first is not None
    assert backup.rotate_if_due(app._core.store, keep=5) is None  # made just now
    made = integrity.backup_time(first)
    assert made is not None
    later = backup.rotate_if_due(app._core.store, keep=5, now=made + timedelta(days=1, seconds=1))
    assert later is not None and later != first


def test_a_crash_then_damage_is_refused_at_unlock_naming_the_backup_that_restores(data_dir: Path) -> None:
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    _fill(app)
    good = backup.rotate_backups(app._core.store, keep=5)
    app.close()
    holder = Holder(data_dir)
    holder.kill()  # the app dies with the store open: the next open checks it in full
    _damage(data_dir / "memory.db")
    before = snapshot(data_dir)
    with pytest.raises(StoreCorrupt) as err:
        Assistant(data_dir).unlock(PASSPHRASE)
    message = str(err.value)
    assert "is damaged" in message and f"assistant restore {good}" in message, message
    assert snapshot(data_dir) == before  # refused, not "repaired"
    with pytest.raises(StoreCorrupt):  # and it stays refused: a failed check does not mark it clean
        Assistant(data_dir).unlock(PASSPHRASE)

    restored = Assistant(data_dir)
    restored.backups.restore(good, PASSPHRASE)
    assert restored.status().events == {"screen": 300}
    assert integrity.problems(restored._core.store.db) == []
    restored.close()
    assert any(p.name.startswith("replaced-") for p in (data_dir / "backups").iterdir())  # damage kept aside


def test_without_backups_the_message_says_how_to_restore_an_exported_one(data_dir: Path) -> None:
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    _fill(app)
    app.close()
    Holder(data_dir).kill()
    _damage(data_dir / "memory.db")
    with pytest.raises(StoreCorrupt, match=r"no automatic backup exists in .*assistant restore FILE"):
        Assistant(data_dir).unlock(PASSPHRASE)


def test_a_missing_database_is_not_silently_recreated(data_dir: Path) -> None:
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    app.close()
    (data_dir / "memory.db").unlink()
    with pytest.raises(StoreCorrupt, match="memory.db is missing"):
        Assistant(data_dir).unlock(PASSPHRASE)
    assert not (data_dir / "memory.db").exists()


def test_a_damaged_store_never_rotates_good_backups_out(app: Assistant) -> None:
    _fill(app)
    kept = [backup.rotate_backups(app._core.store, keep=2) for _ in range(2)]
    app.close()
    _damage(app.paths.database)  # after a clean close: found by the check before the next backup
    store = opened.open_existing(app.paths, PASSPHRASE)
    try:
        with pytest.raises(StoreCorrupt, match="is damaged"):
            backup.rotate_backups(store, keep=2)
    finally:
        store.close()
    assert integrity.auto_backups(app.paths) == kept


def test_a_damaged_backup_is_never_restored(app: Assistant, tmp_path: Path) -> None:
    _fill(app)
    good = backup.export(app._core.store, tmp_path / "good.zip")
    import zipfile

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "memory.db":
                middle = (len(data) // PAGE // 2) * PAGE + 1000
                data = data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 32]) + data[middle + 32 :]
            dst.writestr(item, data)
    app.close()
    before = snapshot(app.paths.root)
    with pytest.raises(StoreCorrupt, match="bad.zip is damaged"):
        backup.restore(app.paths, bad, PASSPHRASE)
    assert snapshot(app.paths.root) == before


def test_the_full_check_runs_after_a_crash_and_not_after_a_clean_close(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    app.close()
    checks: list[Path] = []
    real = integrity.verify
    monkeypatch.setattr(integrity, "verify", lambda db, paths: (checks.append(db.path), real(db, paths))[1])
    clean = Assistant(data_dir)
    clean.unlock(PASSPHRASE)  # the last session closed cleanly: no full check
    clean.close()
    assert checks == []
    Holder(data_dir).kill()
    again = Assistant(data_dir)
    again.unlock(PASSPHRASE)
    assert checks == [data_dir / "memory.db"]
    again.close()
    held = lock.acquire(DataPaths(data_dir).lock_file, data_dir)
    assert held.previous_clean
    held.release()


def test_restore_refuses_while_another_process_has_the_store(app: Assistant, tmp_path: Path) -> None:
    archive = app.backups.export(tmp_path / "b.zip")
    app.close()
    holder = Holder(app.paths.root)
    try:
        before = snapshot(app.paths.root)
        with pytest.raises(lock.StoreInUse, match=f"pid {holder.pid}"):
            backup.restore(app.paths, archive, PASSPHRASE)
        assert snapshot(app.paths.root) == before
    finally:
        holder.close()
    assert os.path.exists(archive)


def test_the_lock_is_shared_within_a_process_and_held_until_the_last_close(app: Assistant, data_dir: Path) -> None:
    second = Assistant(data_dir)
    second.unlock(PASSPHRASE)  # the same process: allowed (the desktop app opens several facades)
    app.close()
    held = run_cli(data_dir, "consolidate")  # a command that writes (reading ones work beside a holder)
    assert held.returncode == 1 and f"in use by another process (pid {os.getpid()})" in held.stderr
    second.close()
    assert run_cli(data_dir, "consolidate").returncode == 0


def test_a_read_only_open_never_blocks_the_writer(app: Assistant, data_dir: Path) -> None:
    app.memories.add_events([RawEvent(kind="chat", occurred_at=datetime(2024, 1, 1, tzinfo=UTC), text="hello")])
    app.close()
    reader = opened.open_existing(DataPaths(data_dir), PASSPHRASE, read_only=True)
    try:
        writer = Assistant(data_dir)
        writer.unlock(PASSPHRASE)  # the reader holds no lock
        writer.memories.add_events([RawEvent(kind="chat", occurred_at=datetime(2024, 1, 2, tzinfo=UTC), text="again")])
        count = reader.db.reader().execute("SELECT count(*) FROM raw_events").fetchone()[0]
        assert count == 2  # a reader sees what the writer committed
        with pytest.raises(ReadOnlyStore, match="opened read-only"), reader.db.write():
            pass
        with pytest.raises(ReadOnlyStore):
            opened.change_passphrase(reader, PASSPHRASE, "another one")
        writer.close()
    finally:
        reader.close()
