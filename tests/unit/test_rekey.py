"""`assistant rekey`: a new data key for the database, the blobs and the key file; the old key no longer
opens memory.db; old backups are renamed and still open with the key file they carry; a crash midway
is settled at the next unlock."""

from __future__ import annotations

import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.errors import WrongPassphrase
from assistant.store import rekey
from assistant.store.backup import rotate_backups
from assistant.store.db import Database, probe_key
from assistant.values import RawEvent
from tests.conftest import PASSPHRASE, run_cli

TEXT = "the spare key to the boathouse is under the blue flowerpot"


def _filled(app: Assistant) -> bytes:
    app.memories.add_events([RawEvent(kind="chat", occurred_at=datetime.now(UTC), text=TEXT)])
    app._core.store.blobs.put("thumb_one", b"PIXELS-ONE")
    rotate_backups(app._core.store, keep=3)
    return app._core.store.data_key


def _intact(app: Assistant) -> None:
    assert any("boathouse" in hit.text for hit in app.search.find("boathouse flowerpot"))
    assert app._core.store.blobs.get("thumb_one") == b"PIXELS-ONE"


def test_rekey_moves_everything_to_a_new_key(app: Assistant, data_dir: Path, tmp_path: Path) -> None:
    old_key = _filled(app)
    renamed = app.backups.rekey(PASSPHRASE)
    new_key = app._core.store.data_key
    assert new_key != old_key
    _intact(app)
    app.close()
    assert not probe_key(data_dir / "memory.db", old_key)  # the old data key no longer opens memory.db
    assert probe_key(data_dir / "memory.db", new_key)
    assert [p.name.startswith("old-key-auto-") for p in renamed] == [True]
    assert len(list((data_dir / "backups").glob("auto-*.zip"))) == 1  # a new backup under the new key
    assert not list(data_dir.rglob("*.rekey"))
    with zipfile.ZipFile(renamed[0]) as zf:  # the old backup carries the old key file, and opens with it
        old_copy = tmp_path / "old.db"
        old_copy.write_bytes(zf.read("memory.db"))
    assert probe_key(old_copy, old_key) and not probe_key(old_copy, new_key)
    again = Assistant(data_dir)
    again.unlock(PASSPHRASE)
    _intact(again)
    again.close()


def test_a_wrong_passphrase_changes_nothing(app: Assistant, data_dir: Path) -> None:
    old_key = _filled(app)
    before = (data_dir / "keys.json").read_bytes()
    with pytest.raises(WrongPassphrase):
        app.backups.rekey("not the passphrase")
    assert app.unlocked and app._core.store.data_key == old_key
    assert (data_dir / "keys.json").read_bytes() == before
    _intact(app)


def test_a_crash_before_the_database_commit_is_undone(
    app: Assistant, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_key = _filled(app)

    def crash(self: Database, key: bytes) -> None:
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(Database, "rekey", crash)
    app.close()
    with pytest.raises(KeyboardInterrupt):
        rekey.rotate(app.paths, PASSPHRASE)
    monkeypatch.undo()
    assert (data_dir / "keys.json.rekey").exists()  # left behind, as after a real crash
    again = Assistant(data_dir)
    again.unlock(PASSPHRASE)
    assert again._core.store.data_key == old_key
    _intact(again)
    assert not list(data_dir.rglob("*.rekey"))
    again.close()


def test_a_crash_after_the_database_commit_is_finished(
    app: Assistant, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_key = _filled(app)
    real_replace = os.replace

    def crash_on_key_file(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if str(dst).endswith("keys.json"):
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(rekey.os, "replace", crash_on_key_file)
    app.close()
    with pytest.raises(KeyboardInterrupt):
        rekey.rotate(app.paths, PASSPHRASE)
    monkeypatch.undo()
    assert not probe_key(data_dir / "memory.db", old_key)  # the database already has the new key
    again = Assistant(data_dir)
    again.unlock(PASSPHRASE)
    assert again._core.store.data_key != old_key
    _intact(again)
    assert not list(data_dir.rglob("*.rekey"))
    again.close()


def test_the_rekey_command(data_dir: Path) -> None:
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    old_key = _filled(app)
    app.close()
    done = run_cli(data_dir, "rekey")
    assert done.returncode == 0, done.stderr
    assert "rotated" in done.stdout and "old-key-" in done.stdout
    assert not probe_key(data_dir / "memory.db", old_key)
    assert "boathouse" in run_cli(data_dir, "search", "boathouse").stdout
