"""The vector index loads on a thread of its own: the app searches what is loaded so far, a command waits."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest import MonkeyPatch

from assistant.api import Assistant
from assistant.retrieval import index_sync
from assistant.retrieval.embedded_index import EmbeddedIndex
from assistant.retrieval.index_protocol import IndexItem
from assistant.retrieval.recall import Recall
from assistant.retrieval.vector_service import VectorService
from assistant.store import vectors as stored_vectors
from assistant.values import Notes, RawEvent
from tests.fake_embedder import FakeEmbedder


class SlowModels:
    """Hands out the embedder only once the test lets it (a large archive still loading)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.embedder_ = FakeEmbedder(synonyms={"automobile": "car"})

    def embedder(self) -> FakeEmbedder:
        assert self.release.wait(30)
        return self.embedder_


def test_search_goes_full_text_while_the_index_loads_then_hybrid(app: Assistant) -> None:
    app.memories.add_events(
        [
            RawEvent(
                kind="chat",
                occurred_at=datetime(2024, 3, 1, tzinfo=UTC),
                text="I sold my car",
                speaker="me",
                session="s",
            )
        ]
    )
    models, notes = SlowModels(), Notes()
    recall = Recall(app._core.store.db)
    service = VectorService(
        app._core.store.db, app.paths, app.settings.current.retrieval, models, recall, notes, app._core.store.data_key
    )  # type: ignore[arg-type]
    try:
        assert service.attach(wait=False) is False  # returns at once
        assert recall.vectors is None and recall.search("automobile") == []
        models.release.set()
        # Indexing embeds the stored event; a second attach neither reloads nor blocks.
        service.index_pending()
        assert service.attach() is True and notes.search is None
        assert [h.text for h in recall.search("automobile")] == ["me: I sold my car"]
    finally:
        models.release.set()
        service.close()


def test_closing_while_the_index_loads_drops_it(app: Assistant) -> None:
    models, notes = SlowModels(), Notes()
    recall = Recall(app._core.store.db)
    service = VectorService(
        app._core.store.db, app.paths, app.settings.current.retrieval, models, recall, notes, app._core.store.data_key
    )  # type: ignore[arg-type]
    service.attach(wait=False)
    service.close()
    models.release.set()
    assert service.attach() is False  # waits for the loader, which saw the close
    assert recall.vectors is None


class ReadyModels:
    def __init__(self) -> None:
        self.embedder_ = FakeEmbedder(synonyms={"automobile": "car", "bike": "bicycle"})

    def embedder(self) -> FakeEmbedder:
        return self.embedder_


@pytest.mark.parametrize(
    ("snapshot", "note"),
    [
        ("none", "the vector index is loading, the latest first"),
        ("damaged", "the vector snapshot was damaged and is not used: refilling the index from the store"),
    ],
)
def test_while_the_index_fills_search_finds_the_latest_items_loaded(
    app: Assistant, monkeypatch: MonkeyPatch, snapshot: str, note: str
) -> None:
    app.memories.add_events(
        [
            RawEvent(
                kind="chat",
                occurred_at=datetime(2024, 1, 5, tzinfo=UTC),
                text="I repaired the bicycle",
                speaker="me",
                session="s",
            )
        ]
    )
    app.memories.add_events(
        [
            RawEvent(
                kind="chat",
                occurred_at=datetime(2024, 3, 1, tzinfo=UTC),
                text="I sold my car",
                speaker="me",
                session="s",
            )
        ]
    )
    models = ReadyModels()
    first = VectorService(
        app._core.store.db,
        app.paths,
        app.settings.current.retrieval,
        models,
        Recall(app._core.store.db),
        Notes(),
        app._core.store.data_key,
    )
    assert first.index_pending() == 2  # both vectors are in the store now
    first.close()

    # The next load fills from the store (no snapshot: memory mode; or a damaged one, never trusted)
    # one vector a page, and its second page stalls: a large archive half loaded.
    if snapshot == "none":
        monkeypatch.setattr(app.settings.current.retrieval, "vector_mode", "memory")
    else:
        raw = bytearray(app.paths.vector_snapshot.read_bytes())
        raw[len(raw) // 2] ^= 0x01
        app.paths.vector_snapshot.write_bytes(bytes(raw))
    monkeypatch.setattr(
        index_sync, "stored_items", lambda conn, model, batch: stored_vectors.stored_items(conn, model, 1)
    )
    stalled, go_on = threading.Event(), threading.Event()
    add_many = EmbeddedIndex.add_many

    def slow_add_many(index: EmbeddedIndex, items: Iterable[IndexItem]) -> int:
        if stalled.is_set() or index.count():
            stalled.set()
            assert go_on.wait(30)
        return add_many(index, items)

    monkeypatch.setattr(EmbeddedIndex, "add_many", slow_add_many)
    recall, notes = Recall(app._core.store.db), Notes()
    service = VectorService(
        app._core.store.db, app.paths, app.settings.current.retrieval, models, recall, notes, app._core.store.data_key
    )  # type: ignore[arg-type]
    try:
        assert service.attach(wait=False) is False
        assert stalled.wait(30)
        assert notes.search == f"{note}: 1 of 2 items"
        # The latest event is in the index already, the older one is not yet: only full text finds it.
        assert [h.text for h in recall.search("automobile")] == ["me: I sold my car"]
        assert "me: I repaired the bicycle" not in [h.text for h in recall.search("bike")]
        assert "me: I repaired the bicycle" in [h.text for h in recall.search("bicycle")]
        go_on.set()
        assert service.attach() is True and notes.search is None
        assert recall.search("bike")[0].text == "me: I repaired the bicycle"
    finally:
        go_on.set()
        service.close()
    if snapshot == "damaged":  # rewritten whole: the next load restores it
        assert bytes(raw) != app.paths.vector_snapshot.read_bytes()


def test_embedding_a_backlog_says_how_far_it_got_in_the_status(app: Assistant) -> None:
    """After a restart the periodic job embeds what an interrupted import left; the status counts it."""
    app.memories.add_events(
        [
            RawEvent(
                kind="chat", occurred_at=datetime(2024, 3, 1, tzinfo=UTC), text=f"note {n}", speaker="me", session="s"
            )
            for n in range(40)
        ]
    )
    models, notes = SlowModels(), Notes()
    models.release.set()
    service = VectorService(
        app._core.store.db,
        app.paths,
        app.settings.current.retrieval,
        models,
        Recall(app._core.store.db),
        notes,
        app._core.store.data_key,
    )
    seen: list[str] = []
    try:
        assert service.index_pending(lambda done, total: seen.append(str(notes.indexing))) == 40
        assert seen and seen[-1] == "embedding for search: 40 of 40"
        assert notes.indexing is None  # gone once done
    finally:
        service.close()


def test_a_large_import_counts_what_it_stored(app: Assistant, tmp_path: Path) -> None:
    import json

    source = tmp_path / "big.jsonl"
    source.write_text(
        "".join(
            json.dumps({"speaker": "me", "text": f"message {n}", "time": f"2024-01-01T10:{n // 60:02d}:{n % 60:02d}Z"})
            + "\n"
            for n in range(450)
        ),
        encoding="utf-8",
    )
    counts: list[tuple[int, int]] = []
    assert (
        app.memories.import_file(source, "jsonl", progress=lambda done, total: counts.append((done, total))).added
        == 450
    )
    assert counts == [(200, 450), (400, 450)]
