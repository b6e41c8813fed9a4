"""LoCoMo leave-one-out: re-ranking collected candidates is the real search, and a fold's setting is
chosen on its training conversations only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.eval.locomo import evaluate_locomo
from assistant.eval.locomo_loo import collect, recall_at
from assistant.eval.rerank import Asked, Scores, leave_one_out, mismatches, tune
from assistant.retrieval import routing
from assistant.retrieval.ranking import Candidates, FusionConfig, Listed
from assistant.values import SearchHit, Source
from tests.fake_embedder import FakeEmbedder


def _conversation(name: str, pet: str, sport: str) -> dict[str, object]:
    """A small fictional LoCoMo sample: two sessions and questions that rest on given turns."""
    turns_1 = [
        ("Ana", f"I finally adopted a {pet} from the shelter."),
        ("Ben", "That's wonderful! What did you call it?"),
        ("Ana", "Pixel, after the old video game."),
        ("Ben", "I spent the weekend repainting the kitchen blue."),
    ]
    turns_2 = [
        ("Ben", f"I ran the {sport} race last Sunday."),
        ("Ana", "Amazing, what was your time?"),
        ("Ben", "Just under two hours, a personal best."),
        ("Ana", "My sister moved to Porto for her new job."),
        ("Ben", f"The {sport} race results are posted on https://results.example/{sport}"),
    ]
    conversation: dict[str, object] = {"speaker_a": "Ana", "speaker_b": "Ben"}
    for n, (when, turns) in enumerate(
        [("1:56 pm on 8 May, 2023", turns_1), ("10:37 am on 27 June, 2023", turns_2)], start=1
    ):
        conversation[f"session_{n}_date_time"] = when
        conversation[f"session_{n}"] = [
            {"speaker": who, "dia_id": f"D{n}:{t}", "text": text} for t, (who, text) in enumerate(turns, start=1)
        ]
    qa = [
        {
            "question": f"What is the name of Ana's {pet}?",
            "answer": "Pixel",
            "evidence": ["D1:1", "D1:3"],
            "category": 4,
        },
        {"question": "What colour did Ben paint the kitchen?", "answer": "blue", "evidence": ["D1:4"], "category": 4},
        {"question": f"How long did Ben's {sport} race take?", "answer": "2 h", "evidence": ["D2:3"], "category": 1},
        {"question": "Where did Ana's sister move?", "answer": "Porto", "evidence": ["D2:4"], "category": 2},
        {"question": "Where are the race results posted?", "answer": "a site", "evidence": ["D2:5"], "category": 4},
        {"question": "What did Ana adopt in June?", "answer": "nothing", "evidence": ["D1:1"], "category": 5},
    ]
    return {"sample_id": name, "conversation": conversation, "qa": qa}


@pytest.fixture
def locomo_file(tmp_path: Path) -> Path:
    path = tmp_path / "locomo.json"
    samples = [_conversation("c1", "greyhound", "cycling"), _conversation("c2", "parrot", "10k")]
    path.write_text(json.dumps(samples), encoding="utf-8")
    return path


def _consolidate(app: Assistant) -> None:
    app.consolidation.run()


def test_re_ranking_the_collected_candidates_is_the_real_search(locomo_file: Path) -> None:
    embedder = FakeEmbedder()
    asked = collect(locomo_file, ks=[5, 10, 25], embedder=embedder, consolidate=_consolidate)
    assert [a.group for a in asked] == ["c1"] * 5 + ["c2"] * 5  # category 5 is not scored
    assert mismatches(asked, FusionConfig()) == 0
    report = evaluate_locomo(locomo_file, k=10, embedder=embedder, consolidate=_consolidate)
    scores = Scores(asked, recall_at(10))
    assert scores.mean(FusionConfig(), ["c1", "c2"]) == pytest.approx(report.overall[10])
    # A setting that changes the ranking changes the re-ranked refs the way search changes them.
    other = FusionConfig(rrf_k=60, neighbour_weights=(), min_similarity=0.99)
    assert any(a.online for a in asked)
    changed = evaluate_locomo(locomo_file, k=10, embedder=embedder, consolidate=_consolidate, config=other)
    assert scores.mean(other, ["c1", "c2"]) == pytest.approx(changed.overall[10])
    # Collected with every optional list and lookup on, the defaults still re-rank to the real search.
    gather = FusionConfig(phrase_weight=1.0, source_first=0.5, vector_share=0.5)
    wide = collect(locomo_file, ks=[5, 10, 25], embedder=embedder, consolidate=_consolidate, config=gather)
    assert mismatches(wide, gather) == 0
    assert Scores(wide, recall_at(10)).of(FusionConfig()) == scores.of(FusionConfig())


def _asked(conversation: str, evidence_is_vector_top: bool) -> Asked:
    """Full text ranks ev_a first, vectors ev_b; RRF ties them at equal weights and recency picks ev_b."""
    found = Candidates(
        lists=[Listed([("ev_a", 2.0), ("ev_b", 1.0)], "bm25"), Listed([("ev_b", 0.9), ("ev_a", 0.5)], "vector")],
        info={"ev_a": ("chat", 1.0), "ev_b": ("chat", 2.0)},
        route=routing.NEUTRAL,
        depth=50,
    )
    hits = {
        i: SearchHit(id=i, type="chat", text=i, score=0.0, occurred_at=None, sources=[Source("chat", ref, i)])
        for i, ref in (("ev_a", "D1:1"), ("ev_b", "D1:2"))
    }
    evidence = ["D1:2"] if evidence_is_vector_top else ["D1:1"]
    return Asked(conversation, found, hits, [], 20, evidence)


def test_a_fold_is_tuned_on_its_training_conversations_only() -> None:
    # c1 and c2 reward full text; c3 rewards vectors. Held out, c3 gets the setting the others chose.
    asked = [_asked("c1", False), _asked("c1", False), _asked("c2", False), _asked("c3", True)]
    scores = Scores(asked, recall_at(1))
    space = {"vector_weight": [0.7, 1.0, 1.3]}
    folds = {f.held_out: f for f in leave_one_out(scores, space, FusionConfig())}
    assert folds["c3"].changed == {"vector_weight": 0.7}
    assert (folds["c3"].train, folds["c3"].test, folds["c3"].test_base) == (1.0, 0.0, 1.0)
    assert folds["c2"].changed == {"vector_weight": 0.7}  # c1's two questions outweigh c3's one
    # Trained on c2 and c3, every weight scores 0.5: a tie keeps the base setting (nothing moves without
    # a gain), which fails c1.
    assert tune(scores, ["c2", "c3"], space, FusionConfig()) == FusionConfig()
    assert (folds["c1"].changed, folds["c1"].test) == ({}, 0.0)
