"""The embedded index's encrypted snapshot: restored at unlock, caught up with the store, never trusted
when damaged, and never holding ids or plaintext vectors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from assistant.api import Assistant
from assistant.retrieval.embedded_index import EmbeddedIndex
from assistant.retrieval.indexer import Indexer
from assistant.values import RawEvent, SemanticMemory
from tests.fake_embedder import FakeEmbedder

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


def _index(app: Assistant, embedder: FakeEmbedder, **kwargs: object) -> EmbeddedIndex:
    return EmbeddedIndex(
        embedder.model_id, snapshot=app.paths.vector_snapshot, data_key=app._core.store.data_key, **kwargs
    )  # type: ignore[arg-type]


def _fill(app: Assistant) -> dict[str, str]:
    ids: dict[str, str] = {}
    for name, summary, day in (
        ("dana", "Dana is my landlord in Leipzig", 0),
        ("rust", "Rust borrow checker notes", 1),
        ("tea", "Favourite tea is genmaicha", 2),
    ):
        ids[name] = app.memories.add(
            SemanticMemory(name=name, summary=summary, occurred_at=T0 + timedelta(days=day))
        ).id
    events = [
        RawEvent(kind="chat", occurred_at=T0 + timedelta(days=d), text=t, speaker="me")
        for d, t in ((0, "the heating is broken again"), (3, "ordered more genmaicha tea"))
    ]
    app.memories.add_events(events)
    ids["heating"], ids["order"] = events[0].id, events[1].id
    return ids


def _indexed(app: Assistant, embedder: FakeEmbedder) -> dict[str, str]:
    """The store's items embedded and snapshotted (closing writes the snapshot)."""
    ids = _fill(app)
    index = _index(app, embedder)
    index.sync_with_store(app._core.store.db.reader())
    Indexer(app._core.store.db, embedder, index).run()
    index.close()
    return ids


def _top(index: EmbeddedIndex, embedder: FakeEmbedder, text: str, **kw: object) -> str:
    return index.query(embedder.embed([text])[0], limit=1, **kw)[0][0]  # type: ignore[arg-type]


def test_snapshot_is_restored_without_reading_vectors_from_the_store(app: Assistant, embedder: FakeEmbedder) -> None:
    ids = _indexed(app, embedder)
    snap = app.paths.vector_snapshot
    assert snap.is_file() and (snap.parent.stat().st_mode & 0o777) == 0o700 and (snap.stat().st_mode & 0o777) == 0o600
    again = _index(app, embedder)
    try:
        assert again.sync_with_store(app._core.store.db.reader()) == 0  # nothing re-read: all in the snapshot
        assert again.snapshot_state == "loaded" and again.count() == 5
        assert _top(again, embedder, "Dana landlord Leipzig dana") == ids["dana"]
        # The kinds and times come from the store: a time filter works on the restored index.
        got = again.query(
            embedder.embed(["genmaicha tea"])[0],
            since=T0 + timedelta(days=2, hours=12),
            until=T0 + timedelta(days=4),
            limit=5,
        )
        assert [i for i, _ in got] == [ids["order"]]
    finally:
        again.close()


def test_changes_after_the_snapshot_are_taken_from_the_store(app: Assistant, embedder: FakeEmbedder) -> None:
    ids = _indexed(app, embedder)
    # After the snapshot, without the index seeing it: a new item embedded, one forgotten, one edited.
    new = app.memories.add(SemanticMemory(name="bike", summary="the bicycle needs a new chain", occurred_at=T0))
    offline = EmbeddedIndex(embedder.model_id)  # stands for an index that died before its next snapshot
    indexer = Indexer(app._core.store.db, embedder, offline)
    indexer.run()
    app.memories.forget(ids["rust"])
    tea = app.memories.get(ids["tea"])
    tea.summary = "Favourite drink is espresso"  # type: ignore[attr-defined]
    app.memories.update(tea)
    indexer.invalidate([tea.id])
    indexer.run()
    offline.close()
    again = _index(app, embedder)
    try:
        assert again.sync_with_store(app._core.store.db.reader()) == 2  # the new item and the edited one
        assert again.count() == 5
        assert _top(again, embedder, "bike\nthe bicycle needs a new chain") == new.id
        assert ids["rust"] not in [i for i, _ in again.query(embedder.embed(["Rust borrow checker"])[0], limit=10)]
        hit = again.query(embedder.embed(["tea\nFavourite drink is espresso"])[0], limit=1)[0]
        assert hit[0] == ids["tea"] and hit[1] == pytest.approx(1.0, abs=2e-3)  # the new vector, not the old
    finally:
        again.close()


def test_a_replaced_vector_in_the_newest_row_is_not_mistaken_for_the_old_one(
    app: Assistant, embedder: FakeEmbedder
) -> None:
    # Deleting the newest embeddings row frees its rowid, and re-embedding the same memory takes it
    # again: only the generation key (never reused) tells the snapshot's old vector from the new one.
    memory = app.memories.add(SemanticMemory(name="car", summary="blue hatchback", occurred_at=T0))
    index = _index(app, embedder)
    index.sync_with_store(app._core.store.db.reader())
    Indexer(app._core.store.db, embedder, index).run()
    index.close()
    memory.summary = "red convertible"  # type: ignore[attr-defined]
    app.memories.update(memory)
    offline = Indexer(app._core.store.db, embedder, EmbeddedIndex(embedder.model_id))
    offline.invalidate([memory.id])
    offline.run()
    again = _index(app, embedder)
    try:
        assert again.sync_with_store(app._core.store.db.reader()) == 1
        hit = again.query(embedder.embed(["car\nred convertible"])[0], limit=1)[0]
        assert hit == (memory.id, pytest.approx(1.0, abs=2e-3))
    finally:
        again.close()


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "swap"])
def test_a_damaged_snapshot_is_refilled_from_the_store_and_rewritten(
    app: Assistant, embedder: FakeEmbedder, damage: str
) -> None:
    ids = _indexed(app, embedder)
    snap = app.paths.vector_snapshot
    raw = bytearray(snap.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0x01
    elif damage == "truncate":
        raw = raw[:-40]
    elif damage == "garbage":
        raw = bytearray(b"\x00garbage" * 100)
    else:  # a snapshot sealed with another store's key
        other = EmbeddedIndex(embedder.model_id, snapshot=snap.with_name("other.snap"), data_key=b"k" * 32)
        other.add("mem_x", "semantic", embedder.embed(["x"])[0], T0, key=1)
        other.close()
        raw = bytearray(snap.with_name("other.snap").read_bytes())
    snap.write_bytes(bytes(raw))
    again = _index(app, embedder)
    try:
        assert again.sync_with_store(app._core.store.db.reader()) == 5  # every vector from the store
        assert again.snapshot_state.startswith("damaged")
        assert _top(again, embedder, "Dana landlord Leipzig dana") == ids["dana"]
    finally:
        again.close()
    assert snap.read_bytes() != bytes(raw)  # rewritten: the next unlock restores it
    third = _index(app, embedder)
    try:
        assert third.sync_with_store(app._core.store.db.reader()) == 0 and third.snapshot_state == "loaded"
    finally:
        third.close()


def test_another_models_snapshot_is_not_used(app: Assistant, embedder: FakeEmbedder) -> None:
    _indexed(app, embedder)
    other = FakeEmbedder(dim=32, model_id="fake-other")
    switched = _index(app, other)
    try:
        assert switched.sync_with_store(app._core.store.db.reader()) == 0  # no fake-other vectors stored yet
        assert switched.snapshot_state.startswith("damaged: ") and "model" in switched.snapshot_state
        Indexer(app._core.store.db, other, switched).run()
        assert switched.count() == 5  # 32-d vectors accepted
    finally:
        switched.close()


def test_snapshots_are_written_in_the_background_after_enough_changes(app: Assistant, embedder: FakeEmbedder) -> None:
    index = _index(app, embedder, snapshot_every=3)
    index.sync_with_store(app._core.store.db.reader())
    try:
        for n in range(2):
            index.add(f"mem_{n}", "semantic", embedder.embed([f"note {n}"])[0], T0, key=n + 1)
        assert not app.paths.vector_snapshot.exists()
        index.add("mem_2", "semantic", embedder.embed(["note 2"])[0], T0, key=3)
        index.snapshot(wait=True)  # joins the running background writer
        assert app.paths.vector_snapshot.is_file() and index.changes == 0
    finally:
        index.close()


def test_the_snapshot_holds_neither_ids_nor_plaintext_vectors(app: Assistant, embedder: FakeEmbedder) -> None:
    ids = _indexed(app, embedder)
    raw = app.paths.vector_snapshot.read_bytes()
    for owner_id in ids.values():
        assert owner_id.encode() not in raw
    vector = np.asarray(embedder.embed(["genmaicha"])[0])
    for dtype in (np.float32, np.float16):
        assert vector.astype(dtype).tobytes()[:16] not in raw
    assert b"fake-bow" not in raw  # the manifest is sealed too
