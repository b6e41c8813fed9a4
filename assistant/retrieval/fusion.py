"""Reciprocal rank fusion and source-based de-duplication of ranked lists."""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60


def rrf(
    ranked_lists: Sequence[Sequence[tuple[str, float]]], *, k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked (id, score) lists: each id scores sum(w / (k + rank)); ties keep first-seen order."""
    scores: dict[str, float] = {}
    for index, ranked in enumerate(ranked_lists):
        w = weights[index] if weights else 1.0
        for rank, (item, _) in enumerate(ranked, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: kv[1], reverse=True)


NARROW = 3  # a hit resting on at most this many sources is specific enough to stand for them


def drop_covered(ranked: Sequence[tuple[str, frozenset[str]]]) -> list[int]:
    """Indexes of items to keep: drop an item whose sources a higher-ranked, narrow item already covers.

    A broad item (a whole conversation's episode) does not hide the precise turn inside it: the turn is
    the better evidence, so only narrow items (a fact from one or two events) de-duplicate.
    """
    narrow: list[frozenset[str]] = []
    keep: list[int] = []
    for index, (_, sources) in enumerate(ranked):
        if sources and any(sources <= earlier for earlier in narrow):
            continue
        keep.append(index)
        if len(sources) <= NARROW:
            narrow.append(sources)
    return keep
