"""Recall: hybrid BM25 + vectors, time phrases, routing, recency ties and de-duplication."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from assistant.api import Assistant
from assistant.retrieval.indexer import Indexer
from assistant.retrieval.ranking import FusionConfig
from assistant.retrieval.recall import Recall
from assistant.retrieval.vector_index import VectorIndex
from assistant.retrieval.vector_retriever import EmbeddingRetriever
from assistant.values import EpisodicMemory, ProceduralMemory, RawEvent, SemanticMemory, Source
from tests.fake_embedder import FakeEmbedder

NOW = datetime(2024, 3, 14, 18, 0, tzinfo=UTC)  # a Thursday
SYNONYMS = {"automobile": "car", "vehicle": "car", "purchased": "bought", "got": "bought"}


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder(synonyms=SYNONYMS)


@pytest.fixture
def index(embedder: FakeEmbedder) -> Iterator[VectorIndex]:
    vector_index = VectorIndex(embedder.model_id)
    yield vector_index
    vector_index.close()


def _hybrid(app: Assistant, embedder: FakeEmbedder, index: VectorIndex, **config: float) -> Recall:
    Indexer(app._core.store.db, embedder, index).run()
    return Recall(app._core.store.db, EmbeddingRetriever(embedder, index), config=FusionConfig(**config))  # type: ignore[arg-type]


def _chat(text: str, when: datetime, session: str = "s1", speaker: str = "me") -> RawEvent:
    return RawEvent(kind="chat", occurred_at=when, text=text, speaker=speaker, session=session)


def test_hybrid_finds_a_paraphrase_that_full_text_misses(
    app: Assistant, embedder: FakeEmbedder, index: VectorIndex
) -> None:
    target = app.memories.add(
        EpisodicMemory(
            actor="me", event_type="purchase", summary="purchased an automobile", occurred_at=NOW - timedelta(days=30)
        )
    )
    app.memories.add(SemanticMemory(name="garden", summary="the tomatoes need water", occurred_at=NOW))
    question = "when I bought the car"
    assert target.id not in [h.id for h in Recall(app._core.store.db).search(question, now=NOW)]
    hits = _hybrid(app, embedder, index).search(question, now=NOW)
    assert hits[0].id == target.id


def test_time_phrase_in_the_question_prefers_its_window(app: Assistant) -> None:
    yesterday, last_week = NOW - timedelta(days=1), NOW - timedelta(days=8)
    app.memories.add_events(
        [
            _chat("tea with Dana at home after a long walk in the park", last_week),
            _chat("tea with Dana at the station", yesterday),
        ]
    )
    recall = Recall(app._core.store.db)
    home = "me: tea with Dana at home after a long walk in the park"
    # The shorter turn wins on BM25 alone; "last week" turns the order around.
    assert [h.text for h in recall.search("tea with Dana", now=NOW)] == ["me: tea with Dana at the station", home]
    assert [h.text for h in recall.search("tea with Dana last week", now=NOW)] == [
        home,
        "me: tea with Dana at the station",
    ]
    # What lies outside the window still ranks (an event is often mentioned days after it happened).
    hits = recall.search("tea with Dana yesterday", now=NOW)
    assert [h.text for h in hits] == ["me: tea with Dana at the station", home]
    # A question that is only a time browses the window alone.
    assert [h.text for h in recall.search("what did I do last week?", now=NOW)] == [home]
    assert len(recall.search("tea with Dana yesterday", now=NOW, parse_time=False)) == 2
    # An explicit bound wins over the phrase's.
    # An explicit bound wins over the phrase's; the other bound still comes from the phrase.
    assert recall.search("tea with Dana yesterday", now=NOW, since=NOW - timedelta(days=30), until=NOW)[1:]
    assert recall.search("tea with Dana yesterday", now=NOW, until=NOW - timedelta(days=7)) == []


def test_time_only_question_lists_what_happened_latest_first(app: Assistant) -> None:
    day = datetime(2024, 3, 13, tzinfo=UTC)
    app.memories.add_events(
        [
            _chat("breakfast", day + timedelta(hours=8)),
            _chat("lunch", day + timedelta(hours=12)),
            _chat("the day before", day - timedelta(hours=2)),
        ]
    )
    episode = app.memories.add(
        EpisodicMemory(actor="me", event_type="day", summary="a quiet Wednesday", occurred_at=day + timedelta(hours=9))
    )
    hits = Recall(app._core.store.db).search("what did I do yesterday?", now=NOW)
    assert hits[0].id == episode.id  # the summary before the raw events
    assert [h.text for h in hits[1:]] == ["me: lunch", "me: breakfast"]


def test_covered_hits_are_dropped(app: Assistant) -> None:
    events = [
        _chat("planning the Lisbon trip flights", NOW - timedelta(hours=2), session="a"),
        _chat("Lisbon trip hotel booked", NOW - timedelta(hours=1), session="b"),
    ]
    app.memories.add_events(events)
    app.memories.add(
        EpisodicMemory(
            actor="me",
            event_type="planning",
            summary="planned the Lisbon trip: flights and hotel booked",
            details="Lisbon trip Lisbon trip",
            occurred_at=NOW,
            sources=[e.source() for e in events],
        )
    )
    hits = Recall(app._core.store.db).search("Lisbon trip", now=NOW)
    assert [h.type for h in hits] == ["episodic"]


def test_every_hit_has_sources(app: Assistant) -> None:
    typed = app.memories.add(SemanticMemory(name="wifi", summary="the office wifi is called Nebula"))
    event = _chat("Nebula wifi keeps dropping", NOW)
    app.memories.add_events([event])
    hits = {h.id: h for h in Recall(app._core.store.db).search("Nebula wifi", now=NOW)}
    assert hits[typed.id].sources == [Source(kind="memory", ref=typed.id)]
    assert [s.event_id for s in hits[event.id].sources] == [event.id]


def test_routing_prefers_the_asked_type(app: Assistant) -> None:
    howto = app.memories.add(
        ProceduralMemory(
            entry_type="task",
            summary="renew the TLS certificate",
            steps=["run certbot renew"],
            occurred_at=NOW - timedelta(days=9),
        )
    )
    episode = app.memories.add(
        EpisodicMemory(actor="me", event_type="ops", summary="renew the TLS certificate", occurred_at=NOW)
    )
    recall = Recall(app._core.store.db)
    assert recall.search("how do I renew the TLS certificate", now=NOW)[0].id == howto.id
    assert recall.search("when did I renew the TLS certificate", now=NOW)[0].id == episode.id


def test_recency_breaks_ties(app: Assistant) -> None:
    old, new = _chat("standup notes", NOW - timedelta(days=3), session="a"), _chat("standup notes", NOW, session="b")
    app.memories.add_events([old, new])
    assert [h.id for h in Recall(app._core.store.db).search("standup notes", now=NOW)] == [new.id, old.id]


def _ranker(
    app: Assistant,
    embedder: FakeEmbedder,
    index: VectorIndex,
    turns: list[RawEvent],
    topics: list[str],
    question: str,
    wanted: RawEvent,
) -> Callable[[FusionConfig], int]:
    """Store a conversation and 12 distracting turns in other sessions; rank(config) is `wanted`'s place."""
    app.memories.add_events(turns)
    t = turns[0].occurred_at
    for n in range(12):
        app.memories.add_events(
            [_chat(f"{topics[n % len(topics)]} item {n}", t - timedelta(days=n + 1), session=f"s{n + 2}")]
        )
    Indexer(app._core.store.db, embedder, index).run()
    retriever = EmbeddingRetriever(embedder, index)

    def rank(config: FusionConfig) -> int:
        ids = [h.id for h in Recall(app._core.store.db, retriever, config=config).search(question, now=NOW, limit=20)]
        return ids.index(wanted.id)

    return rank


def test_a_reply_is_found_through_the_message_it_answers(
    app: Assistant, embedder: FakeEmbedder, index: VectorIndex
) -> None:
    t = NOW - timedelta(days=2)
    events = [
        _chat("Which city should we pick for the team trip next month?", t, speaker="John"),
        _chat("Edinburgh would be great, lovely old streets", t, speaker="Ann"),
        _chat("unrelated chatter about football", t, speaker="John"),
    ]
    question = "What city was suggested for the team trip?"
    # Other mentions of the trip, so the reply is not in the top few by itself.
    rank = _ranker(
        app,
        embedder,
        index,
        events,
        ["holiday budget for the trip", "flight budget for the trip", "hotel budget for the trip"],
        question,
        events[1],
    )
    # The reply shares no word with the question: without votes it is no match at all, and even with
    # every vector neighbour kept it is far down by itself.
    with pytest.raises(ValueError):
        rank(FusionConfig(neighbour_weights=()))
    alone = rank(FusionConfig(neighbour_weights=(), min_similarity=-1.0))
    assert alone > 5
    assert rank(FusionConfig()) < alone  # the question it answers (first by full text) pulls it up
    assert rank(FusionConfig(neighbour_weights=(3.0,))) <= 1
    # Full text alone never finds the reply (no shared word), and a vote does not add it by itself.
    assert events[1].id not in [h.id for h in Recall(app._core.store.db).search(question, now=NOW, limit=20)]


def test_a_speakers_answer_two_turns_on_is_found_through_their_earlier_turn(
    app: Assistant, embedder: FakeEmbedder, index: VectorIndex
) -> None:
    t = NOW - timedelta(days=3)
    events = [
        _chat("I made coconut milk ice cream yesterday", t, speaker="Nate"),
        _chat("Ooh! How did it turn out?", t, speaker="Jo"),
        _chat("Super good, rich and creamy, my new favourite snack", t, speaker="Nate"),
    ]
    # Other talk about ice cream and snacks, so the answer is not near the top by itself.
    rank = _ranker(
        app,
        embedder,
        index,
        events,
        ["ice cream shop opened", "snack shop opened", "dessert shop opened"],
        "What did Nate think of the coconut milk ice cream he made?",
        events[2],
    )
    next_only = rank(FusionConfig(neighbour_weights=(0.5,), min_similarity=-1.0))  # kept though no vote finds it
    assert rank(FusionConfig()) < next_only  # the turn two places on now gets its vote
    assert rank(FusionConfig(neighbour_weights=(0.5, 3.0))) <= 1


def test_vectors_of_forgotten_items_are_ignored(app: Assistant, embedder: FakeEmbedder, index: VectorIndex) -> None:
    memory = app.memories.add(SemanticMemory(name="car", summary="my automobile is blue"))
    recall = _hybrid(app, embedder, index)
    app.memories.forget(memory.id)  # the index is not told
    assert recall.search("vehicle colour", now=NOW) == []


def test_limits_and_empty_queries(app: Assistant) -> None:
    app.memories.add_events([_chat(f"note {i} about apples", NOW - timedelta(minutes=i)) for i in range(30)])
    recall = Recall(app._core.store.db)
    assert len(recall.search("apples", limit=7, now=NOW)) == 7
    assert recall.search("   ", now=NOW) == []
    assert recall.search("apples", limit=0, now=NOW) == []
    assert recall.search("apples", types=["semantic"], now=NOW) == []


def test_narrow_windows_are_searched_exactly_from_the_store(
    app: Assistant, embedder: FakeEmbedder, index: VectorIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.retrieval import vector_retriever

    calls: list[int] = []
    real = vector_retriever.exact_nearest
    monkeypatch.setattr(vector_retriever, "exact_nearest", lambda *a, **k: calls.append(1) or real(*a, **k))  # type: ignore[func-returns-value]
    # 3,000 notes over 300 days: a one-day window holds ~10, too few to find by over-fetching neighbours.
    app.memories.add_events([_chat(f"automobile repair note {i}", NOW - timedelta(hours=2.4 * i)) for i in range(3000)])
    Indexer(app._core.store.db, embedder, index, batch_size=500).run()
    exact = EmbeddingRetriever(embedder, index, app._core.store.db)
    scan = EmbeddingRetriever(embedder, index)  # without the store: the index's own filtering
    since, until = NOW - timedelta(days=101), NOW - timedelta(days=100)
    got = exact.query("car repair", types=["chat"], since=since, until=until, limit=5)
    assert calls == [1]
    rows = (
        app._core.store.db.reader()
        .execute(
            "SELECT id, text, speaker FROM raw_events WHERE occurred_at >= ? AND occurred_at < ?",
            (since.timestamp(), until.timestamp()),
        )
        .fetchall()
    )
    query = embedder.embed(["car repair"])[0]
    truth = sorted(
        (sum(a * b for a, b in zip(embedder.embed([f"{r[2]}: {r[1]}"])[0], query, strict=True)) for r in rows),
        reverse=True,
    )[:5]
    assert len(got) == 5 and {i for i, _ in got} <= {r[0] for r in rows}
    assert [s for _, s in got] == pytest.approx(truth, abs=1e-5)
    scanned = scan.query("car repair", types=["chat"], since=since, until=until, limit=5)
    assert [s for _, s in scanned] == pytest.approx(truth, abs=1e-5)  # the index agrees, only slower at scale
    assert calls == [1]
    wide = exact.query("car repair", types=["chat"], since=NOW - timedelta(days=200), until=NOW, limit=5)
    assert len(wide) == 5 and calls == [1]  # a wide window is served by over-fetching from the index


def test_common_words_are_dropped_only_in_large_tables(app: Assistant) -> None:
    from assistant.store.fulltext import prune_common_terms

    conn = app._core.store.db.reader()
    app.memories.add_events(
        [_chat(f"weekly standup {'zanzibar' if i % 500 == 0 else 'notes'} {i}", NOW) for i in range(900)]
    )
    assert prune_common_terms(conn, "raw_fts", "raw_events", "standup zanzibar") == "standup zanzibar"  # small
    app.memories.add_events([_chat(f"weekly standup notes {i}", NOW) for i in range(1500)])
    assert prune_common_terms(conn, "raw_fts", "raw_events", "What about the standup in zanzibar?") == "zanzibar"
    assert prune_common_terms(conn, "raw_fts", "raw_events", "weekly standup") in ("weekly", "standup")
    hits = Recall(app._core.store.db).search("standup zanzibar", limit=2, now=NOW)
    assert [("zanzibar" in h.text) for h in hits] == [True, True]
    # Counts are trusted until the table grows by a tenth (a stale count, planted here, shows it is used).
    rows = 2400
    cache = {("raw_fts", "zanzibar"): (99_999, rows)}
    assert prune_common_terms(conn, "raw_fts", "raw_events", "lagoon zanzibar", cache) == "lagoon"
    assert cache[("raw_fts", "lagoon")] == (0, rows)
    app.memories.add_events([_chat(f"lagoon trip {i}", NOW) for i in range(300)])  # 2,700 rows: +12%
    assert prune_common_terms(conn, "raw_fts", "raw_events", "lagoon zanzibar", cache) == "lagoon zanzibar"
    assert cache[("raw_fts", "zanzibar")] == (2, 2700)


def test_a_named_participant_leaves_the_query_and_their_turns_rank_first(app: Assistant) -> None:
    t = NOW - timedelta(days=3)
    app.memories.add_events(
        [
            _chat("Melanie, did you see the painting exhibition downtown?", t, speaker="Caroline"),
            _chat("I painted a horse on the barn wall last weekend", t + timedelta(minutes=1), speaker="Melanie"),
            _chat(
                "Melanie and I love painting, Melanie says painting calms her",
                t + timedelta(minutes=2),
                speaker="Caroline",
            ),
        ]
    )
    recall = Recall(app._core.store.db)
    texts = [h.text for h in recall.search("What has Melanie painted?", now=NOW)]
    assert texts[0] == "Melanie: I painted a horse on the barn wall last weekend"
    # A participant added later is known to the same Recall (the speaker list follows new events).
    app.memories.add_events([_chat("the kiln fired my first bowl", NOW - timedelta(days=1), speaker="Ravi Shah")])
    assert recall.search("what did Ravi make in the kiln?", now=NOW)[0].text.startswith("Ravi Shah:")


def test_a_broad_memory_lists_the_sources_that_matched_first(app: Assistant) -> None:
    events = [
        _chat("breakfast with Ana", NOW - timedelta(hours=5), session="day"),
        _chat("standup about the release", NOW - timedelta(hours=4), session="day"),
        _chat("lunch at the harbour", NOW - timedelta(hours=3), session="day"),
        _chat("release notes for the harbour project", NOW - timedelta(hours=2), session="day"),
    ]
    app.memories.add_events(events)
    day = app.memories.add(
        EpisodicMemory(
            actor="me",
            event_type="day",
            summary="a working day: breakfast, standup, lunch, release notes",
            details="harbour release",
            occurred_at=NOW,
            sources=[e.source() for e in events],
        )
    )
    hits = Recall(app._core.store.db).search("harbour release", now=NOW)
    matched = [h.id for h in hits if h.id.startswith("ev_")]
    assert set(matched) == {e.id for e in events[1:]}
    sources = next(h.sources for h in hits if h.id == day.id)
    assert [s.event_id for s in sources] == [*matched, events[0].id]  # as they ranked; the unmatched last
