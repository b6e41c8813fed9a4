"""Fusion of a question's candidate lists into one ranking: a pure function of what recall gathered.

Recall reads the store once per question (`Candidates`); `rank` turns that into the ranked ids under a
`FusionConfig`. Kept apart so that the LoCoMo leave-one-conversation-out harness can re-rank the same
candidates under many settings without re-running the searches, with the very code search runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from assistant.retrieval import routing
from assistant.retrieval.fusion import rrf

Source = Literal["bm25", "vector", "phrase", "passage"]
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
    # ... but cosine is not calibrated across questions: a short or abstract one ("What might John's
    # degree be in?") is far from everything, its answer included, while being among the nearest few
    # of hundreds of items is evidence whatever the cosine. So once a question matches something (a
    # full-text hit, or a vector at min_similarity), a vector candidate also counts when it ranks in
    # the first `vector_share` of the store's items (not of the list: in a store of ten lines, the
    # first ten are everything). A question that matches nothing still finds nothing. LoCoMo dev
    # recall@10 80.8 -> 81.3, leave-one-conversation-out 81.1 -> 81.4 (docs/benchmarks.md).
    vector_share: float = 0.015
    # Screen captures holding two content words of the question next to each other ("maintenance
    # window" in "... Maintenance window closes at 23:00 ...") make one more ranked list, weighted so:
    # BM25 scores the words of a whole screen of text apart, wherever they are. Not for chat turns and
    # memories: short, their words are near each other anyway (LoCoMo dev recall@10 -0.6 with them).
    # Screen benchmark found@1, tuned on one half and scored on the other: 0.83 -> 0.85, 0.93 -> 0.96.
    # Found among the captures the window list reads (an FTS5 phrase query over every capture cost
    # 0.4 ms a search at 100k items, 30% of them captures); the same held-out figures.
    phrase_weight: float = 0.5
    # The screen captures full text found, by their best window (`proximity.Window`: the most IDF
    # of distinct question words within a few consecutive words), make one more ranked list, weighted
    # so: a question's words scattered over a busy screen should not beat the row that holds them all.
    # Screen benchmark found@1, tuned on one half and scored on the other: B 0.84 -> 0.89 (tuned on A:
    # 0.25), A 0.92 -> 0.93 (tuned on B: 1.0); 0.5 lies between the two choices. Not for chat turns and
    # memories, for the reason word pairs are not.
    passage_weight: float = 0.5
    # A memory made from screen captures that are candidates too (an episode "Used Firefox: <title>"
    # and the capture it summarises) scores at most this share of the best of them: the capture holds
    # the whole text, the episode a cut of it, and ranked first it hid the capture as covered (0: off).
    # Memories of chat turns keep their place: they restate short turns whole. Screen benchmark found@1:
    # half A 0.82 -> 0.93, half B unchanged (0.83).
    source_first: float = 0.99


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
    size: int = 0  # how many items the store holds (what the vector lists were the nearest of)
    named: frozenset[str] = frozenset()  # ids said by a chat participant the question names
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # memory id -> its screen captures


def list_weight(listed: Listed, config: FusionConfig) -> float:
    base = {
        "bm25": config.bm25_weight,
        "vector": config.vector_weight,
        "phrase": config.phrase_weight,
        "passage": config.passage_weight,
    }[listed.source]
    if listed.scope != "all":
        base *= config.window_weight
    if listed.distance:
        ws = config.neighbour_weights
        base *= ws[listed.distance - 1] if listed.distance <= len(ws) else 0.0
    return base


def relevant(lists: list[Listed], config: FusionConfig, size: int) -> set[str]:
    """Every full-text candidate (and neighbour vote), and the vector candidates similar enough (or, when
    the question matches anything, among the first of the `size` items searched)."""
    found: set[str] = set()
    for listed in lists:
        if listed.source == "vector":
            found.update(i for i, s in listed.ranked if s >= config.min_similarity)
        else:
            found.update(i for i, _ in listed.ranked)
    head = int(config.vector_share * size)
    if found and head:
        found.update(i for listed in lists if listed.source == "vector" for i, _ in listed.ranked[:head])
    return found


def rank(c: Candidates, config: FusionConfig) -> list[tuple[str, float]]:
    """The fused ranking, best first: weighted RRF over the relevant candidates, then the route's weight
    per type and the named speaker's boost; equal scores go to the more recent item."""
    used = [listed for listed in c.lists if list_weight(listed, config)]
    keep = relevant(used, config, c.size)
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
    scored = {i: s * c.route.weight(info[i][0]) * (1 + boost if i in c.named else 1.0) for i, s in fused}
    if config.source_first:
        for memory, events in c.sources.items():
            best = max((scored[e] for e in events if e in scored), default=None)
            if memory in scored and best is not None:
                scored[memory] = min(scored[memory], best * config.source_first)
    return sorted(scored.items(), key=lambda x: (-round(x[1], 12), -info[x[0]][1]))
