"""LoCoMo leave-one-conversation-out: fusion settings tuned on four conversations, recall@k measured on
the fifth, all five ways.

Each question is searched once (`collect`): what the searches found before fusion (`Candidates`) and
every candidate loaded as a hit. A fusion setting is then scored by re-ranking those candidates with
`ranking.rank`, the function search itself runs, so trying a setting costs milliseconds per question
instead of a whole import, index and search. Each question also keeps the refs the real search
returned under the collecting config, so `mismatches` can show that the re-ranking is the search.

Tuning sees only the training conversations' questions; the held-out one is scored once, with the
setting chosen without it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.eval.locomo import SCORED, evidence_recall, load_samples, refs_at_k, sample_store, search_limit
from assistant.llm.embedder import Embedder
from assistant.retrieval.ranking import Candidates, FusionConfig, rank
from assistant.retrieval.search import load_hits, matching_sources_first, self_sourced, uncovered
from assistant.values import Progress, SearchHit

Space = Mapping[str, Sequence[Any]]  # FusionConfig field -> the values to try


@dataclass
class Asked:
    """One scored question, searched once."""

    conversation: str
    category: int
    evidence: list[str]
    found: Candidates | list[tuple[str, float]]  # a time-only question's ranking is final already
    hits: dict[str, SearchHit]  # every candidate as a hit
    online: list[str]  # the refs the real search returned under the collecting config
    limit: int  # the hits it asked for


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
    """Search each scored question (categories 1-4, with evidence) once, as `evaluate_locomo` does."""
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
            conn = recall.db.reader()
            for qa in sample["qa"]:
                evidence = [str(e) for e in qa.get("evidence") or []]
                question = str(qa.get("question") or "")
                category = int(qa.get("category") or 0)
                if evidence and question.strip() and category in SCORED:
                    q = recall.read(question, now=now)
                    found = recall.find(q, limit=limit)
                    ids = [i for i, _ in found] if isinstance(found, list) else _ids(found)
                    hits = {h.id: h for h in load_hits(conn, [(i, 0.0) for i in dict.fromkeys(ids)])}
                    online = refs_at_k(recall.search(q, limit=limit), max(ks))
                    out.append(Asked(name, category, evidence, found, hits, online, limit))
            done += len(sample["qa"])
            if progress is not None:
                progress(done, total)
    return out


def _ids(found: Candidates) -> list[str]:
    return [i for listed in found.lists for i, _ in listed.ranked]


def refs_for(asked: Asked, config: FusionConfig, depth: int) -> list[str]:
    """The first `depth` refs search would return under `config` (what `Recall.search` does after
    fusion: covered hits dropped, matching sources first, then expanded to refs)."""
    ranked = asked.found if isinstance(asked.found, list) else rank(asked.found, config)
    limit = asked.limit
    hits = [dataclasses.replace(asked.hits[i], score=s) for i, s in ranked if i in asked.hits]
    head = [dataclasses.replace(h, sources=list(h.sources)) for h in uncovered(hits)[:limit]]
    shown = [h if h.sources else self_sourced(h) for h in matching_sources_first(head, ranked)]
    return refs_at_k(shown, depth)


def mismatches(asked: Sequence[Asked], config: FusionConfig, depth: int) -> int:
    """Questions whose re-ranked refs differ from what the real search returned (0 when exact)."""
    return sum(1 for a in asked if refs_for(a, config, depth) != a.online[:depth])


class Scores:
    """recall@k of every question under a setting, computed once per setting."""

    def __init__(self, asked: Sequence[Asked], k: int) -> None:
        self.asked = list(asked)
        self.k = k
        self._cache: dict[FusionConfig, list[float]] = {}

    def of(self, config: FusionConfig) -> list[float]:
        if config not in self._cache:
            self._cache[config] = [evidence_recall(a.evidence, refs_for(a, config, self.k)) for a in self.asked]
        return self._cache[config]

    def mean(self, config: FusionConfig, conversations: Sequence[str]) -> float:
        wanted = set(conversations)
        values = [v for a, v in zip(self.asked, self.of(config), strict=True) if a.conversation in wanted]
        return sum(values) / len(values) if values else 0.0

    @property
    def tried(self) -> int:
        return len(self._cache)


def tune(scores: Scores, train: Sequence[str], space: Space, base: FusionConfig, passes: int = 2) -> FusionConfig:
    """Coordinate ascent from `base` over `space`, scored on the `train` conversations only: each field in
    turn takes its best value with the others fixed; a change must gain, so ties keep what was there."""
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
    train: float  # recall@k of the tuned setting on the four training conversations
    test: float  # ... on the held-out one
    test_base: float  # the base setting on the held-out one


def leave_one_out(scores: Scores, space: Space, base: FusionConfig) -> list[Fold]:
    conversations = list(dict.fromkeys(a.conversation for a in scores.asked))
    folds: list[Fold] = []
    for held_out in conversations:
        train = [c for c in conversations if c != held_out]
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
