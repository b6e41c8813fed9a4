"""LoCoMo leave-one-conversation-out: fusion settings tuned on four conversations, evidence recall@k
measured on the fifth, all five ways (the re-ranking and tuning are `eval.rerank`'s)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.eval.locomo import SCORED, evidence_recall, load_samples, refs_at_k, sample_store, search_limit
from assistant.eval.rerank import Asked, Metric, ask
from assistant.llm.embedder import Embedder
from assistant.retrieval.ranking import FusionConfig
from assistant.values import Progress, SearchHit


def collect(
    path: Path,
    *,
    ks: Sequence[int],
    embedder: Embedder | None,
    consolidate: Callable[[Any], object] | None,
    config: FusionConfig | None = None,
    conversations: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> list[Asked]:
    """Search each scored question (categories 1-4, with evidence) once, as `evaluate_locomo` does; its
    group is its conversation, its target its evidence."""
    samples = load_samples(path)
    if conversations is not None:
        samples = [s for s in samples if s.get("sample_id") in set(conversations)]
    total = sum(len(s["qa"]) for s in samples)
    limit = search_limit(ks)
    out: list[Asked] = []
    done = 0
    for sample in samples:
        name = str(sample.get("sample_id") or "sample")
        with sample_store(sample, embedder, consolidate, config) as (recall, now, _):
            for qa in sample["qa"]:
                evidence = [str(e) for e in qa.get("evidence") or []]
                question = str(qa.get("question") or "")
                if evidence and question.strip() and int(qa.get("category") or 0) in SCORED:
                    out.append(ask(recall, name, question, now=now, limit=limit, target=evidence))
            done += len(sample["qa"])
            if progress is not None:
                progress(done, total)
    return out


def recall_at(k: int) -> Metric:
    """Evidence recall@k of the hits (expanded to their source turns in rank order)."""

    def metric(asked: Asked, hits: list[SearchHit]) -> float:
        return evidence_recall(asked.target, refs_at_k(hits, k))

    return metric
