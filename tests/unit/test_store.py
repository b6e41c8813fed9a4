"""The encrypted store through the facade: unlock, wrong passphrase, tampering, backup, forget, vault."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.errors import NotFound, NotInitialized, StoreCorrupt, WrongPassphrase
from assistant.values import EpisodicMemory, SemanticMemory, Source, VaultEntry
from tests.conftest import FIXTURES, PASSPHRASE


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_files_are_private(app: Assistant) -> None:
    assert (app.paths.root.stat().st_mode & 0o777) == 0o700
    for name in ("memory.db", "keys.json", "config.toml"):
        assert ((app.paths.root / name).stat().st_mode & 0o777) == 0o600, name


def test_wrong_passphrase_changes_nothing(app: Assistant, data_dir: Path) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app.close()
    before = _snapshot(data_dir)
    other = Assistant(data_dir)
    with pytest.raises(WrongPassphrase) as err:
        other.unlock("not it")
    assert err.value.exit_code == 2
    assert _snapshot(data_dir) == before


def test_unlock_without_init_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(NotInitialized, match="assistant init"):
        Assistant(tmp_path / "empty").unlock(PASSPHRASE)


def test_tampered_database_names_the_file(app: Assistant, data_dir: Path) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app._core.store.db.checkpoint()
    app.close()
    db = data_dir / "memory.db"
    raw = bytearray(db.read_bytes())
    raw[:16] = os.urandom(16)  # SQLCipher keeps the salt there: the key no longer fits
    db.write_bytes(bytes(raw))
    with pytest.raises(StoreCorrupt, match="memory.db"):
        Assistant(data_dir).unlock(PASSPHRASE)


def test_a_foreign_database_is_refused(data_dir: Path) -> None:
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    app.close()
    import sqlite3

    (data_dir / "memory.db").unlink()
    sqlite3.connect(data_dir / "memory.db").execute("CREATE TABLE x(y)").connection.commit()
    with pytest.raises(StoreCorrupt, match="not a memory store"):
        Assistant(data_dir).unlock(PASSPHRASE)


def test_passphrase_change_rewraps_without_reencrypting(app: Assistant, data_dir: Path) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app._core.store.db.checkpoint()
    db_before = (data_dir / "memory.db").read_bytes()
    app.security.change_passphrase(PASSPHRASE, "a new one")
    assert (data_dir / "memory.db").read_bytes() == db_before
    app.close()
    with pytest.raises(WrongPassphrase):
        Assistant(data_dir).unlock(PASSPHRASE)
    again = Assistant(data_dir)
    again.unlock("a new one")
    assert again.status().events == {"chat": 4}
    again.close()


def test_import_is_idempotent(app: Assistant) -> None:
    first = app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    second = app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    assert (first.read, first.added) == (4, 4)
    assert (second.read, second.added) == (4, 0)
    assert app.status().events == {"chat": 4}


def test_malformed_import_adds_nothing(app: Assistant, tmp_path: Path) -> None:
    bad = tmp_path / "half.jsonl"
    good_line = (FIXTURES / "chat.jsonl").read_text().splitlines()[0]
    bad.write_text(good_line + "\n{broken\n", encoding="utf-8")
    with pytest.raises(Exception, match="line 2"):
        app.memories.import_file(bad, "jsonl")
    assert app.status().events == {}


def test_search_finds_imported_chat_with_sources(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "locomo_sample.json", "locomo")
    hits = app.search.find("greyhound adopted", limit=3)
    assert hits[0].text == "Ana: Hi Ben! I finally adopted a greyhound called Pixel."
    assert hits[0].type == "chat"
    assert [s.as_dict() for s in hits[0].sources] == [{"kind": "chat", "ref": "D1:1"}]
    assert app.search.find("porto marathon", types=["semantic"]) == []
    assert app.search.find("marathon", since=None, limit=1)[0].sources[0].ref == "D2:1"


def test_an_episode_is_found_by_its_actor_but_shows_its_summary_and_details(app: Assistant) -> None:
    app.memories.add(
        EpisodicMemory(
            actor="Ines", event_type="trip", summary="Booked the Pestana hotel", details="two nights, Rua Augusta"
        )
    )
    hit = app.search.find("ines", types=["episodic"])[0]
    assert hit.text == "Booked the Pestana hotel\ntwo nights, Rua Augusta"


def test_forget_removes_from_search(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "locomo_sample.json", "locomo")
    mem = app.memories.add(
        SemanticMemory(name="Pixel", summary="Ana's greyhound is called Pixel", sources=[Source("chat", "D1:1")])
    )
    assert {h.id for h in app.search.find("Pixel greyhound")} >= {mem.id}
    app.memories.forget(mem.id)
    assert mem.id not in {h.id for h in app.search.find("Pixel greyhound")}
    with pytest.raises(NotFound):
        app.memories.get(mem.id)
    event_id = app.search.find("greyhound")[0].id
    app.memories.forget(event_id)
    assert app.search.find("greyhound") == []


def test_forget_with_sources_removes_the_raw_events(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "locomo_sample.json", "locomo")
    event = app.search.find("greyhound")[0]
    mem = app.memories.add(
        SemanticMemory(name="Pixel", summary="a dog", sources=[Source("chat", "D1:1", event_id=event.id)])
    )
    removed = app.memories.forget(mem.id, with_sources=True)
    assert removed == [mem.id, event.id]
    assert app.search.find("greyhound") == []


def test_vault_lists_captions_and_reveal_needs_the_passphrase(app: Assistant) -> None:
    entry = VaultEntry(entry_type="api_key", source="screen", sensitivity="high", caption="GitHub token")
    app.memories.add(entry, secret="ghp_" + "A1b2" * 9)
    listed = app.memories.latest("vault")
    assert [m.display_text() for m in listed] == ["GitHub token\napi_key"]
    assert "ghp_" not in repr(listed)
    assert app.search.find("ghp_A1b2") == []  # the value is in no index
    with pytest.raises(WrongPassphrase, match="the value stays sealed"):  # not "the store was not unlocked"
        app.memories.reveal_secret(entry.id, "guess")
    assert app.memories.reveal_secret(entry.id, PASSPHRASE) == "ghp_" + "A1b2" * 9


def test_backup_and_restore_round_trip(app: Assistant, tmp_path: Path) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    mem = app.memories.add(SemanticMemory(name="hotel", summary="The Pestana on Rua Augusta"))
    app._core.store.blobs.put("thumb_1", b"thumbnail bytes")
    archive = app.backups.export(tmp_path / "backup.zip")
    assert b"Pestana" not in archive.read_bytes()
    app.close()

    fresh = Assistant(tmp_path / "elsewhere")
    with pytest.raises(WrongPassphrase):
        fresh.backups.restore(archive, "wrong")
    assert not fresh.initialized
    fresh.backups.restore(archive, PASSPHRASE)
    assert fresh.memories.get(mem.id).display_text().startswith("hotel")
    assert fresh.status().events == {"chat": 4}
    assert fresh._core.store.blobs.get("thumb_1") == b"thumbnail bytes"
    fresh.close()


def test_restore_rejects_a_file_that_is_not_a_backup(app: Assistant, tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(StoreCorrupt, match="junk.zip"):
        app.backups.restore(junk, PASSPHRASE)


def test_wal_shrinks_back_after_a_long_read(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A reader holding one snapshot (an export beside the app) keeps the WAL from being reset while the
    # app writes; once it ends, the WAL file must go back under the limit instead of staying that large.
    from assistant.store import db as store_db

    monkeypatch.setattr(store_db, "WAL_SIZE_LIMIT", 256 * 1024)
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    try:
        database = app._core.store.db
        with database.write() as conn:
            conn.execute("CREATE TABLE filler (x BLOB)")
        other = store_db._connect(database.path, database._key)
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM filler").fetchone()  # the read transaction starts here
        for _ in range(48):  # past SQLite's automatic checkpoint at 1,000 pages
            with database.write() as conn:
                conn.execute("INSERT INTO filler VALUES (randomblob(131072))")
        wal = Path(f"{database.path}-wal")
        grown = wal.stat().st_size
        assert grown > 4 * 1024 * 1024
        other.execute("COMMIT")
        other.close()
        # No explicit checkpoint: the next commit's automatic one now completes, and the write after it
        # starts the WAL over.
        for _ in range(2):
            with database.write() as conn:
                conn.execute("INSERT INTO filler VALUES (randomblob(100))")
        assert wal.stat().st_size <= 256 * 1024 < grown
    finally:
        app.close()


def test_a_vault_caption_names_the_site_or_window_where_the_secret_was_seen(app: Assistant) -> None:
    from datetime import UTC, datetime

    from assistant.values import RawEvent

    token = "ghp_" + "Zx9q" * 9
    at = datetime(2026, 5, 4, 10, tzinfo=UTC)
    app.memories.add_events(
        [
            RawEvent(
                kind="screen",
                occurred_at=at,
                text=f"token {token}",
                app="firefox",
                title="Settings · GitHub",
                url="https://github.com/settings/tokens",
            ),
            RawEvent(
                kind="screen", occurred_at=at, text="aws AKIAIOSFODNN7EXAMPL2", app="code", title="deploy.env — infra"
            ),
            RawEvent(
                kind="chat",
                occurred_at=at,
                text="the key is AKIAIOSFODNN7EXAMPL3",
                speaker="me",
                session="ops handover",
            ),
        ]
    )
    captions = sorted(m.caption for m in app.memories.latest("vault"))  # type: ignore[attr-defined]
    assert any(c.endswith("seen on github.com (firefox)") for c in captions), captions
    assert any(c.endswith("seen in “deploy.env — infra” (code)") for c in captions), captions
    assert any(c.endswith("seen in the chat “ops handover”") for c in captions), captions
    assert not any(c.rsplit(" ", 1)[-1] == "code" for c in captions)  # never the app alone when more is known
