"""Tuning fusion settings on questions searched once, and scoring them only where they were not tuned.

A question is searched once: what the searches found before fusion (`Candidates`) and every candidate
loaded as a hit (`Asked`). A fusion setting is then scored by re-ranking those candidates with
`ranking.rank`, the function search itself runs, and doing what `Recall.search` does after it, so
trying a setting costs milliseconds per question instead of a whole capture or import, index and
search. Each question also keeps the hits the real search returned when it was collected, so
`mismatches` can show that the re-ranking is the search.

Questions come in groups (LoCoMo conversations, the halves of the screen benchmark): each group in turn
is held out, the settings are tuned on the others only, and the held-out group is scored once, with
the setting chosen without it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.retrieval.ranking import Candidates, FusionConfig, rank
from assistant.retrieval.recall import Recall
from assistant.retrieval.search import load_hits, matching_sources_first, self_sourced, uncovered
from assistant.values import SearchHit

Space = Mapping[str, Sequence[Any]]  # FusionConfig field -> the values to try


@dataclass
class Asked:
    """One question, searched once."""

    group: str  # what it is held out with (a conversation, a half)
    found: Candidates | list[tuple[str, float]]  # a time-only question's ranking is final already
    hits: dict[str, SearchHit]  # every candidate as a hit
    online: list[str]  # the ids of the hits the real search returned when collected
    limit: int  # the hits it asked for
    target: Any = None  # what the metric judges the hits by (evidence refs, a screen and its answer)


def ask(recall: Recall, group: str, question: str, *, now: Any, limit: int, target: Any = None) -> Asked:
    """Search `question` once through `recall` and keep what re-ranking needs."""
    q = recall.read(question, now=now)
    found = recall.find(q, limit=limit)
    ids = [i for i, _ in found] if isinstance(found, list) else [i for x in found.lists for i, _ in x.ranked]
    hits = {h.id: h for h in load_hits(recall.db.reader(), [(i, 0.0) for i in dict.fromkeys(ids)])}
    online = [h.id for h in recall.search(q, limit=limit)]
    return Asked(group, found, hits, online, limit, target)


def hits_for(asked: Asked, config: FusionConfig) -> list[SearchHit]:
    """The hits search returns under `config`: covered hits dropped, matching sources first."""
    ranked = asked.found if isinstance(asked.found, list) else rank(asked.found, config)
    hits = [dataclasses.replace(asked.hits[i], score=s) for i, s in ranked if i in asked.hits]
    head = [dataclasses.replace(h, sources=list(h.sources)) for h in uncovered(hits)[: asked.limit]]
    return [h if h.sources else self_sourced(h) for h in matching_sources_first(head, ranked)]


def mismatches(asked: Sequence[Asked], config: FusionConfig) -> int:
    """Questions whose re-ranked hits differ from what the real search returned (0 when exact)."""
    return sum(1 for a in asked if [h.id for h in hits_for(a, config)] != a.online)


Metric = Callable[[Asked, list[SearchHit]], float]


class Scores:
    """The metric of every question under a setting, computed once per setting."""

    def __init__(self, asked: Sequence[Asked], metric: Metric) -> None:
        self.asked = list(asked)
        self.metric = metric
        self._cache: dict[FusionConfig, list[float]] = {}

    def of(self, config: FusionConfig) -> list[float]:
        if config not in self._cache:
            self._cache[config] = [self.metric(a, hits_for(a, config)) for a in self.asked]
        return self._cache[config]

    def mean(self, config: FusionConfig, groups: Sequence[str]) -> float:
        wanted = set(groups)
        values = [v for a, v in zip(self.asked, self.of(config), strict=True) if a.group in wanted]
        return sum(values) / len(values) if values else 0.0

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(a.group for a in self.asked))

    @property
    def tried(self) -> int:
        return len(self._cache)


def tune(scores: Scores, train: Sequence[str], space: Space, base: FusionConfig, passes: int = 2) -> FusionConfig:
    """Coordinate ascent from `base` over `space`, scored on the `train` groups only: each field in turn
    takes its best value with the others fixed; a change must gain, so ties keep what was there."""
    best, best_score = base, scores.mean(base, train)
    for _ in range(passes):
        moved = False
        for name, values in space.items():
            for value in values:
                trial = dataclasses.replace(best, **{name: value})
                score = scores.mean(trial, train)
                if score > best_score + 1e-9:
                    best, best_score, moved = trial, score, True
        if not moved:
            break
    return best


@dataclass
class Fold:
    held_out: str
    changed: dict[str, Any]  # the fields the tuning moved away from the base setting
    train: float  # the tuned setting's score on the other groups
    test: float  # ... on the held-out one
    test_base: float  # the base setting's on the held-out one


def leave_one_out(scores: Scores, space: Space, base: FusionConfig) -> list[Fold]:
    folds: list[Fold] = []
    for held_out in scores.groups:
        train = [g for g in scores.groups if g != held_out]
        tuned = tune(scores, train, space, base)
        changed = {
            f.name: getattr(tuned, f.name)
            for f in dataclasses.fields(tuned)
            if getattr(tuned, f.name) != getattr(base, f.name)
        }
        folds.append(
            Fold(
                held_out,
                changed,
                scores.mean(tuned, train),
                scores.mean(tuned, [held_out]),
                scores.mean(base, [held_out]),
            )
        )
    return folds
