"""The LoCoMo evidence-recall evaluation end to end on one dev conversation, with the real MiniLM."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.eval.locomo import evaluate_locomo, evidence_recall, format_report, refs_at_k
from assistant.values import SearchHit, Source
from tests.integration.embedding_model import converted_minilm

pytestmark = pytest.mark.integration
CONVERSATION = "conv-30"  # the shortest of the dev split: 369 turns, 105 questions


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from assistant.llm.embedder import LlamaEmbedder

    # One thread: on a busy 2-core machine llama.cpp's spinning threads slow each other down ten-fold.
    with LlamaEmbedder(converted_minilm(tmp_path_factory), n_threads=1) as loaded:
        yield loaded


def test_hybrid_recall_on_one_conversation(locomo_path: Path, embedder: object) -> None:
    seen: list[tuple[int, int]] = []
    report = evaluate_locomo(
        locomo_path,
        k=10,
        embedder=embedder,  # type: ignore[arg-type]
        conversations=[CONVERSATION],
        progress=lambda d, t: seen.append((d, t)),
    )
    assert report.conversations == [CONVERSATION]
    assert report.retrieval.startswith("hybrid")
    assert seen and seen[-1][0] == seen[-1][1]
    assert 0.5 < report.overall[10] <= 1.0
    assert report.overall[5] <= report.overall[10] <= report.overall[25]
    assert set(report.per_category) <= {1, 2, 3, 4, 5} and 5 in report.per_category
    assert sum(report.counts.values()) == len(report.questions)
    text = format_report(report)
    assert "overall (1-4)" in text and "R@10" in text
    json.dumps(report.as_dict())  # the CLI's --json output


def test_full_text_only_on_one_conversation(locomo_path: Path) -> None:
    report = evaluate_locomo(locomo_path, k=10, conversations=[CONVERSATION])
    assert report.retrieval == "bm25"
    assert 0.5 < report.overall[10] <= 1.0


def test_recall_counts_refs_in_rank_order() -> None:
    def hit(*refs: str) -> SearchHit:
        return SearchHit(
            id=refs[0],
            type="chat",
            text="",
            score=1.0,
            occurred_at=None,
            sources=[Source(kind="chat", ref=r) for r in refs],
        )

    hits = [hit("D1:1", "D1:2"), hit("D1:2"), hit("D2:5"), hit("D3:1")]
    assert refs_at_k(hits, 3) == ["D1:1", "D1:2", "D2:5"]
    assert evidence_recall(["D2:5", "D3:1"], refs_at_k(hits, 3)) == 0.5
    assert evidence_recall(["D", "D:11:26"], refs_at_k(hits, 10)) == 0.0  # malformed ids never match
