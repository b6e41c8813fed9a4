"""Fusion rules of issue 15, each against the setting that turns it off: the nearest vectors of a large
store, word pairs, and events before the memories made from them."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from assistant.api import Assistant
from assistant.retrieval import routing
from assistant.retrieval.query import word_pairs
from assistant.retrieval.ranking import Candidates, FusionConfig, Listed, rank
from assistant.retrieval.recall import Recall
from assistant.values import EpisodicMemory, RawEvent

NOW = datetime(2024, 11, 14, 18, 0, tzinfo=UTC)


def _ids(candidates: Candidates, config: FusionConfig) -> list[str]:
    return [i for i, _ in rank(candidates, config)]


def test_a_weak_vector_neighbour_counts_when_it_is_among_the_nearest_of_a_large_store() -> None:
    # Full text finds one turn; the vector list's nearest item shares no word and sits below
    # min_similarity (a short question is far from everything, its answer included).
    lists = [Listed([("ev_word", 3.0)], "bm25"), Listed([("ev_near", 0.22), ("ev_far", 0.10)], "vector")]
    info = {"ev_word": ("chat", 1.0), "ev_near": ("chat", 2.0), "ev_far": ("chat", 3.0)}
    config = FusionConfig()
    size = math.ceil(1 / config.vector_share)  # the first vector item is within the share of this store
    assert set(_ids(Candidates(lists, info, routing.NEUTRAL, 50, size), config)) == {"ev_word", "ev_near"}
    off = FusionConfig(vector_share=0.0)
    assert _ids(Candidates(lists, info, routing.NEUTRAL, 50, size), off) == ["ev_word"]
    # In a store of ten lines the first of the list is a tenth of everything: no evidence.
    assert _ids(Candidates(lists, info, routing.NEUTRAL, 50, 10), config) == ["ev_word"]
    # A question that matches nothing (no full-text hit, no vector at min_similarity) still finds nothing.
    assert _ids(Candidates(lists[1:], info, routing.NEUTRAL, 50, 100_000), config) == []


def _screen(text: str, minutes: int, title: str = "notes") -> RawEvent:
    return RawEvent(kind="screen", occurred_at=NOW - timedelta(minutes=minutes), app="Slack", title=title, text=text)


def test_question_words_next_to_each_other_pull_their_item_up(app: Assistant) -> None:
    assert word_pairs("When does the maintenance window close?") == ["maintenance window", "window close"]
    answer = _screen(
        "Reminder: timesheets are due by noon. The release notes are almost ready; only the known issues "
        "section is missing. Maintenance window closes at 23:00 tonight, do not deploy after that.",
        5,
    )
    apart = _screen("Maintenance: close the window in the server room before you leave.", 10)
    app.memories.add_events([answer, apart])
    question = "When does the maintenance window close?"
    # BM25 prefers the short text that has the three words apart.
    without = Recall(app._core.store.db, config=FusionConfig(phrase_weight=0.0)).search(question, now=NOW)
    assert [h.id for h in without] == [apart.id, answer.id]
    hits = Recall(app._core.store.db).search(question, now=NOW)
    assert [h.id for h in hits] == [answer.id, apart.id]
    # Chat turns are short: their words are near each other anyway, and they keep BM25's order.
    said = [
        RawEvent(kind="chat", occurred_at=e.occurred_at - timedelta(days=1), text=e.text, speaker="Ana", session="s")
        for e in (answer, apart)
    ]
    app.memories.add_events(said)
    chat = Recall(app._core.store.db).search(question, types=["chat"], now=NOW)
    assert [h.id for h in chat] == [said[1].id, said[0].id]


def test_the_screen_capture_ranks_before_the_episode_made_from_it(app: Assistant) -> None:
    event = _screen(
        "Quayside API configuration. Production database host: pg-replica-03.internal, port 5432. "
        "Staging uses a local container.",
        30,
        title="quayside-api/config.yaml - Visual Studio Code",
    )
    app.memories.add_events([event])
    # An episode as consolidation writes it: the window's title (the question's words again) and the
    # first of its lines, cut before the answer.
    app.memories.add(
        EpisodicMemory(
            actor="user",
            event_type="activity",
            summary="Used Code: quayside-api/config.yaml - Visual Studio Code (production database host)",
            details="Quayside API configuration.",
            occurred_at=event.occurred_at,
            sources=[event.source()],
        )
    )
    question = "Which database host does the quayside API use in production?"
    # (word pairs and windows off: they find the capture too, and this is about the order of the two)
    off = FusionConfig(source_first=0.0, phrase_weight=0.0, passage_weight=0.0)
    before = Recall(app._core.store.db, config=off).search(question, now=NOW)
    assert [h.type for h in before] == ["episodic"]  # the capture it covers is not shown at all
    for config in (FusionConfig(phrase_weight=0.0, passage_weight=0.0), FusionConfig()):
        hits = Recall(app._core.store.db, config=config).search(question, now=NOW)
        assert hits[0].id == event.id and "pg-replica-03.internal" in hits[0].text
        assert [h.type for h in hits] == ["screen"]  # the episode repeats it, and is left out
