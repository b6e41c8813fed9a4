"""The vector indexes (embedded and Chroma): filters, modes, and staying in step with the encrypted store.
The embedded index's encrypted snapshots are tested in test_vector_snapshot.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.errors import AssistantError, PrivacyBlocked
from assistant.retrieval.embedded_index import EmbeddedIndex
from assistant.retrieval.indexer import Indexer
from assistant.retrieval.vector_index import VectorIndex, parse_server_url
from assistant.store.vectors import stored_count
from assistant.values import RawEvent, SemanticMemory, VaultEntry
from tests.fake_embedder import FakeEmbedder

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(params=["embedded", "chroma"])
def memory_index(embedder: FakeEmbedder, request: pytest.FixtureRequest) -> Iterator[VectorIndex]:
    """Both indexes in memory: the embedded one (the app's) and Chroma's (the server mode's code)."""
    index = EmbeddedIndex(embedder.model_id) if request.param == "embedded" else VectorIndex(embedder.model_id)
    yield index  # type: ignore[misc]
    index.close()


def _fill(app: Assistant) -> dict[str, str]:
    """A few memories and chat events; returns name -> id."""
    ids: dict[str, str] = {}
    for name, summary, day in (
        ("dana", "Dana is my landlord in Leipzig", 0),
        ("rust", "Rust borrow checker notes", 1),
        ("tea", "Favourite tea is genmaicha", 2),
    ):
        memory = app.memories.add(SemanticMemory(name=name, summary=summary, occurred_at=T0 + timedelta(days=day)))
        ids[name] = memory.id
    events = [
        RawEvent(kind="chat", occurred_at=T0 + timedelta(days=d), text=t, speaker="me")
        for d, t in ((0, "the heating is broken again"), (3, "ordered more genmaicha tea"))
    ]
    app.memories.add_events(events)
    ids["heating"], ids["order"] = events[0].id, events[1].id
    return ids


def test_query_filters_by_type_kind_and_time(memory_index: VectorIndex, embedder: FakeEmbedder) -> None:
    vec = embedder.embed(["tea", "tea leaves", "borrow checker"])
    memory_index.add("mem_a", "semantic", vec[0], T0)
    memory_index.add("mem_b", "episodic", vec[1], T0 + timedelta(days=5))
    memory_index.add("ev_c", "chat", vec[1], T0 + timedelta(days=1))
    memory_index.add("ev_d", "screen", vec[2], T0 + timedelta(days=1))
    assert memory_index.count() == 4

    best = memory_index.query(vec[0], limit=4)
    assert best[0][0] == "mem_a" and best[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in best] == sorted((s for _, s in best), reverse=True)
    assert {i for i, _ in memory_index.query(vec[0], kinds=["chat"], limit=5)} == {"ev_c"}
    assert {i for i, _ in memory_index.query(vec[0], kinds=["semantic", "screen"], limit=5)} == {"mem_a", "ev_d"}
    window = memory_index.query(vec[0], since=T0 + timedelta(hours=1), until=T0 + timedelta(days=2), limit=5)
    assert {i for i, _ in window} == {"ev_c", "ev_d"}  # until is exclusive, since inclusive

    memory_index.delete(["mem_a", "ev_c", "mem_missing"])
    assert memory_index.count() == 2
    assert "mem_a" not in {i for i, _ in memory_index.query(vec[0], limit=5)}


def test_in_memory_indexes_do_not_share_vectors(embedder: FakeEmbedder) -> None:
    first, second = VectorIndex(embedder.model_id), VectorIndex(embedder.model_id)
    try:
        first.add("mem_a", "semantic", embedder.embed(["x"])[0], T0)
        assert (first.count(), second.count()) == (1, 0)
    finally:
        first.close()
        second.close()


def test_unknown_kind_and_mode_are_refused(memory_index: VectorIndex) -> None:
    with pytest.raises(AssistantError, match="unknown"):
        memory_index.add("mem_a", "diary", [1.0] * 64, T0)
    with pytest.raises(AssistantError, match="not 'cloud'"):
        VectorIndex("m", mode="cloud")


def test_indexer_embeds_what_is_pending_and_reports_progress(
    app: Assistant, embedder: FakeEmbedder, memory_index: VectorIndex
) -> None:
    ids = _fill(app)
    indexer = Indexer(app._core.store.db, embedder, memory_index, batch_size=2)
    assert indexer.pending_count() == 5
    seen: list[tuple[int, int]] = []
    assert indexer.run(lambda done, total: seen.append((done, total))) == 5
    assert seen[0] == (0, 5) and seen[-1] == (5, 5) and len(seen) == 4  # batches of 2
    assert indexer.pending_count() == 0 and indexer.run() == 0
    assert memory_index.count() == 5 == stored_count(app._core.store.db.reader(), embedder.model_id)
    row = (
        app._core.store.db.reader()
        .execute("SELECT owner_kind, model, length(vector) FROM embeddings WHERE owner_id = ?", (ids["tea"],))
        .fetchone()
    )
    assert tuple(row) == ("memory", "fake-bow", 64 * 4)  # float32 bytes
    top = memory_index.query(embedder.embed(["genmaicha tea"])[0], limit=2)
    assert {i for i, _ in top} == {ids["tea"], ids["order"]}


def test_indexer_stops_between_batches(app: Assistant, embedder: FakeEmbedder, memory_index: VectorIndex) -> None:
    _fill(app)
    indexer = Indexer(app._core.store.db, embedder, memory_index, batch_size=2)
    assert indexer.run(should_stop=lambda: memory_index.count() >= 2) == 2
    assert indexer.pending_count() == 3


def test_vault_entries_are_embedded_by_caption_only(app: Assistant, memory_index: VectorIndex) -> None:
    embedder = FakeEmbedder()
    app.memories.add(
        VaultEntry(entry_type="password", source="manual", sensitivity="high", caption="home router admin"),
        secret="hunter2-SECRET",
    )
    Indexer(app._core.store.db, embedder, memory_index).run()
    assert embedder.texts_embedded == 1
    assert memory_index.query(embedder.embed(["home router admin"])[0], limit=1)[0][1] == pytest.approx(1.0, abs=1e-5)


def test_deletions_reach_the_index(app: Assistant, embedder: FakeEmbedder, memory_index: VectorIndex) -> None:
    ids = _fill(app)
    indexer = Indexer(app._core.store.db, embedder, memory_index)
    indexer.run()
    removed = app.memories.forget(ids["dana"])  # the store drops the vector row itself
    indexer.forget(removed)
    assert memory_index.count() == 4
    assert memory_index.count() == 4 == stored_count(app._core.store.db.reader(), embedder.model_id)


def test_items_forgotten_while_embedding_get_no_vector(app: Assistant, memory_index: VectorIndex) -> None:
    ids = _fill(app)

    class ForgetfulEmbedder(FakeEmbedder):
        def embed(self, texts: list[str]) -> list[list[float]]:  # type: ignore[override]
            if ids["tea"] in {r[0] for r in app._core.store.db.reader().execute("SELECT id FROM memories")}:
                app.memories.forget(ids["tea"])
            return super().embed(texts)

    Indexer(app._core.store.db, ForgetfulEmbedder(), memory_index).run()
    assert memory_index.count() == 4
    assert (
        app._core.store.db.reader()
        .execute("SELECT count(*) FROM embeddings WHERE owner_id = ?", (ids["tea"],))
        .fetchone()[0]
        == 0
    )


def test_items_without_text_are_not_pending_forever(
    app: Assistant, embedder: FakeEmbedder, memory_index: VectorIndex
) -> None:
    app.memories.add_events([RawEvent(kind="screen", occurred_at=T0, text="")])
    indexer = Indexer(app._core.store.db, embedder, memory_index)
    assert indexer.run() == 1
    assert indexer.pending_count() == 0 and memory_index.count() == 0
    assert memory_index.sync_with_store(app._core.store.db.reader()) == 0


def test_invalidate_re_embeds_edited_memories(
    app: Assistant, embedder: FakeEmbedder, memory_index: VectorIndex
) -> None:
    memory = app.memories.add(SemanticMemory(name="car", summary="blue hatchback"))
    indexer = Indexer(app._core.store.db, embedder, memory_index)
    indexer.run()
    memory.summary = "red convertible"  # type: ignore[attr-defined]
    app.memories.update(memory)
    indexer.invalidate([memory.id])
    assert indexer.pending_count() == 1 and indexer.run() == 1
    hit = memory_index.query(embedder.embed(["car\nred convertible"])[0], limit=1)[0]
    assert hit[0] == memory.id and hit[1] == pytest.approx(1.0, abs=1e-5)


def test_memory_mode_is_rebuilt_from_the_store_at_unlock(app: Assistant, embedder: FakeEmbedder) -> None:
    _fill(app)
    first = VectorIndex(embedder.model_id)
    Indexer(app._core.store.db, embedder, first).run()
    first.close()
    calls = embedder.calls
    again = VectorIndex(embedder.model_id)
    try:
        assert again.sync_with_store(app._core.store.db.reader()) == 5
        assert embedder.calls == calls  # from the stored vectors: nothing re-embedded
        assert again.count() == 5
    finally:
        again.close()


def test_server_mode_checks_the_privacy_guard() -> None:
    from assistant import privacy

    privacy.set_local_only(True)
    with pytest.raises(PrivacyBlocked, match="remote Chroma server"):
        VectorIndex("m", mode="server", server_url="http://chroma.example.com:8000")
    assert parse_server_url("127.0.0.1:8123") == ("127.0.0.1", 8123, False)
    assert parse_server_url("https://[::1]") == ("::1", 443, True)
    with pytest.raises(AssistantError, match="server_url"):
        parse_server_url("ftp://host")


@pytest.mark.parametrize("window_days", [0.5, 3, 30, 200])
def test_filtered_queries_match_brute_force(memory_index: VectorIndex, window_days: float) -> None:
    import numpy as np

    rng = np.random.default_rng(5)
    n = 3000
    vectors = rng.standard_normal((n, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    times = T0.timestamp() + rng.uniform(0, 365 * 86400, n)
    kinds = ["chat" if i % 3 else "screen" for i in range(n)]
    from assistant.retrieval.vector_index import IndexItem

    memory_index.add_many(IndexItem(f"ev_{i}", kinds[i], vectors[i], float(times[i])) for i in range(n))
    since = T0 + timedelta(days=100)
    until = since + timedelta(days=window_days)
    for q in range(5):
        query = vectors[q * 7]
        for wanted in (["chat", "screen"], ["screen"]):
            inside = [i for i in range(n) if since.timestamp() <= times[i] < until.timestamp() and kinds[i] in wanted]
            truth = sorted(inside, key=lambda i: -float(vectors[i] @ query))[:10]
            got = [int(i[3:]) for i, _ in memory_index.query(query, kinds=wanted, since=since, until=until, limit=10)]
            assert set(got) <= set(inside)  # the filter is exact
            assert len(got) == len(truth) and len(set(got) & set(truth)) >= 0.9 * len(truth)  # HNSW is approximate


def test_memory_mode_writes_nothing_to_disk(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    dirs = {name: tmp_path / name for name in ("home", "tmp", "cwd")}
    for d in dirs.values():
        d.mkdir()
    script = (
        "from assistant.retrieval.vector_index import VectorIndex\n"
        "ix = VectorIndex('m')\n"
        "for i in range(2000):\n"
        "    ix.add(f'ev_{i}', 'chat', [float(i % 7 == j) + 0.01 for j in range(8)], float(i))\n"
        "assert ix.count() == 2000 and ix.query([1.0] + [0.0] * 7, limit=3)\n"
        "ix.close()\n"
    )
    env = {
        **os.environ,
        "HOME": str(dirs["home"]),
        "TMPDIR": str(dirs["tmp"]),
        "XDG_CACHE_HOME": str(dirs["home"] / ".cache"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=dirs["cwd"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert [p for d in dirs.values() for p in d.rglob("*")] == []


def test_an_unreachable_server_is_a_clear_error() -> None:
    import socket

    with socket.socket() as sock:  # a free port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(AssistantError, match="Chroma server"):
        VectorIndex("m", mode="server", server_url=f"http://127.0.0.1:{port}")


def test_filters_follow_deletes_and_moves(memory_index: VectorIndex, embedder: FakeEmbedder) -> None:
    # Over-fetched neighbours are filtered by the index's own map of kinds and times: it must follow
    # every write, or a deleted or re-dated item would pass a filter it no longer meets.
    vec = embedder.embed(["tea"])[0]
    memory_index.add("mem_a", "semantic", vec, T0)
    memory_index.add("mem_b", "semantic", vec, T0 + timedelta(days=1))
    day0 = {"since": T0 - timedelta(hours=1), "until": T0 + timedelta(hours=1)}
    assert [i for i, _ in memory_index.query(vec, limit=5, **day0)] == ["mem_a"]
    memory_index.add("mem_a", "semantic", vec, T0 + timedelta(days=1))  # re-dated: replaced
    assert memory_index.query(vec, limit=5, **day0) == []
    memory_index.add("mem_c", "semantic", vec, T0)
    memory_index.delete(["mem_c"])
    assert memory_index.query(vec, limit=5, **day0) == []


def test_rebuild_in_small_pages_loads_every_collection(app: Assistant, embedder: FakeEmbedder) -> None:
    ids = _fill(app)
    Indexer(app._core.store.db, embedder, VectorIndex(embedder.model_id)).run()  # stores the vectors
    index = VectorIndex(embedder.model_id)
    try:
        assert index.rebuild_from_store(app._core.store.db.reader(), batch=1) == 5
        assert index.count() == 5
        query = embedder.embed(["Rust borrow checker notes rust"])[0]
        assert index.query(query, kinds=["semantic"], since=T0, limit=1)[0][0] == ids["rust"]
    finally:
        index.close()
