"""Fusion of a question's candidate lists into one ranking: a pure function of what recall gathered.

Recall reads the store once per question (`Candidates`); `rank` turns that into the ranked ids under a
`FusionConfig`. Kept apart so that the LoCoMo leave-one-conversation-out harness can re-rank the same
candidates under many settings without re-running the searches, with the very code search runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from assistant.retrieval import routing
from assistant.retrieval.fusion import rrf

Source = Literal["bm25", "vector"]
Scope = Literal["all", "window", "mention"]


@dataclass(frozen=True)
class FusionConfig:
    """How the ranked lists are merged. The defaults were tuned on the LoCoMo dev split only."""

    rrf_k: int = 5  # LoCoMo dev recall@10: 67.0 at 5, 66.2 at 10, 63.9 at 30, 61.4 at 60 (top ranks matter most)
    bm25_weight: float = 1.0
    vector_weight: float = 1.0
    depth: int = 50  # candidates taken from each list (at least 5x the number of hits asked for)
    # In a conversation a reply often lacks the words of the question it answers ("Edinburgh would be
    # great!" after "which city for our trip?"), and a speaker's point often spans their turns on either
    # side of the other's ("Super good! Rich and creamy" two turns after "I made coconut milk ice cream"):
    # each chat candidate votes for the turns 1, 2, ... places before and after it in its session, as
    # extra ranked lists weighted so. LoCoMo dev recall@10: 67.0 -> 69.6 for distance 1; 79.0 -> 81.3
    # adding distance 2 at 0.5 (0.25: 80.3, 0.75: 80.5, 1.0: 79.1).
    neighbour_weights: tuple[float, ...] = (0.5, 0.5)
    # A question naming a chat participant ("What has Melanie painted?") is mostly about what that person
    # said: the name leaves the query (it is in half the turns and drowned the content words in BM25 and
    # the embedding) and their turns score (1 + boost) times higher. LoCoMo dev recall@10 70.4 -> 76.8.
    speaker_boost: float = 1.0
    # A time phrase in the question adds ranked lists from its window (weighted so) instead of excluding
    # everything outside it: LoCoMo dev 76.8 (hard filter) -> 79.0.
    window_weight: float = 1.0
    # What the vector list alone may bring: an item no full-text list found must be at least this similar
    # (cosine) to the query, or the neighbours of a made-up word (any ten lines) count as matches. On
    # all-MiniLM-L6-v2, made-up words reach 0.21 against everyday lines, unrelated pairs 0.31, paraphrases
    # 0.40-0.75 (tests/integration/test_relevance.py holds the calibration set).
    min_similarity: float = 0.35


@dataclass(frozen=True)
class Listed:
    """One ranked (id, score) list and what produced it, from which its fusion weight follows."""

    ranked: list[tuple[str, float]]
    source: Source
    scope: Scope = "all"  # the whole store, a time phrase's window, or what mentions the phrase's dates
    distance: int = 0  # a neighbour-vote list: the turns this many places from the full-text hits


@dataclass
class Candidates:
    """Everything recall found for one question, before fusion."""

    lists: list[Listed]
    info: Mapping[str, tuple[str, float]]  # id -> (memory type or event kind, time), ids still stored
    route: routing.Route
    depth: int  # how many fused items to keep
    named: frozenset[str] = frozenset()  # ids said by a chat participant the question names


def list_weight(listed: Listed, config: FusionConfig) -> float:
    base = config.bm25_weight if listed.source == "bm25" else config.vector_weight
    if listed.scope != "all":
        base *= config.window_weight
    if listed.distance:
        ws = config.neighbour_weights
        base *= ws[listed.distance - 1] if listed.distance <= len(ws) else 0.0
    return base


def relevant(lists: list[Listed], config: FusionConfig) -> set[str]:
    """Every full-text candidate (and neighbour vote), and the vector candidates similar enough."""
    found: set[str] = set()
    for listed in lists:
        if listed.source == "vector":
            found.update(i for i, s in listed.ranked if s >= config.min_similarity)
        else:
            found.update(i for i, _ in listed.ranked)
    return found


def rank(c: Candidates, config: FusionConfig) -> list[tuple[str, float]]:
    """The fused ranking, best first: weighted RRF over the relevant candidates, then the route's weight
    per type and the named speaker's boost; equal scores go to the more recent item."""
    used = [listed for listed in c.lists if list_weight(listed, config)]
    keep = relevant(used, config)
    info = c.info
    # Equal scores go to the more recent item: within each list first (BM25 ties on short texts),
    # then after fusion (rank fusion makes its own ties). Ids no longer in the store drop out here.
    lists = [
        sorted(
            ((i, s) for i, s in listed.ranked if i in keep and i in info),
            key=lambda x: (-round(x[1], 12), -info[x[0]][1]),
        )
        for listed in used
    ]
    fused = rrf(lists, k=config.rrf_k, weights=[list_weight(listed, config) for listed in used])[: c.depth]
    boost = config.speaker_boost
    scored = [(i, s * c.route.weight(info[i][0]) * (1 + boost if i in c.named else 1.0), info[i][1]) for i, s in fused]
    scored.sort(key=lambda x: (-round(x[1], 12), -x[2]))
    return [(i, s) for i, s, _ in scored]
