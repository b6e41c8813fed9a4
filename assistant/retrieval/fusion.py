"""Reciprocal rank fusion and source-based de-duplication of ranked lists."""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60


def rrf(ranked_lists: Sequence[Sequence[tuple[str, float]]], *, k: int = RRF_K,
        weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Fuse ranked (id, score) lists: each id scores sum(w / (k + rank)); ties keep first-seen order."""
    scores: dict[str, float] = {}
    for index, ranked in enumerate(ranked_lists):
        w = weights[index] if weights else 1.0
        for rank, (item, _) in enumerate(ranked, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: kv[1], reverse=True)


def drop_covered(ranked: Sequence[tuple[str, frozenset[str]]]) -> list[int]:
    """Indexes of items to keep: an item whose sources all belong to higher-ranked items adds nothing."""
    seen: set[str] = set()
    keep: list[int] = []
    for index, (_, sources) in enumerate(ranked):
        if sources and sources <= seen:
            continue
        keep.append(index)
        seen |= sources
    return keep
