"""What recall builds on: the vector retriever's interface, the types to search, and ranked ids as hits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from assistant.retrieval.fusion import drop_covered
from assistant.store import events as event_repo
from assistant.store import memories as memory_repo
from assistant.store.sql import Connection
from assistant.values import EVENT_KINDS, MEMORY_TYPES, SearchHit, Source


class VectorRetriever(Protocol):
    """Nearest neighbours by meaning; ids are memory ids ("mem_...") or raw event ids ("ev_...")."""

    def query(
        self, text: str, *, types: Sequence[str], since: datetime | None, until: datetime | None, limit: int
    ) -> list[tuple[str, float]]: ...


def split_types(types: Sequence[str] | None) -> tuple[list[str], list[str]]:
    """(memory types, event kinds) to search; None means all of both."""
    if not types:
        return list(MEMORY_TYPES), list(EVENT_KINDS)
    unknown = [t for t in types if t not in MEMORY_TYPES and t not in EVENT_KINDS]
    if unknown:
        from assistant.errors import AssistantError

        choices = ", ".join([*MEMORY_TYPES, *EVENT_KINDS])
        raise AssistantError(f"unknown type {unknown[0]!r}; choose from {choices}")
    return [t for t in types if t in MEMORY_TYPES], [t for t in types if t in EVENT_KINDS]


def to_hits(conn: Connection, ranked: Sequence[tuple[str, float]]) -> list[SearchHit]:
    """The ranked ids as hits, in order, without those whose sources a higher hit already covers."""
    return uncovered(load_hits(conn, ranked))


def uncovered(hits: list[SearchHit]) -> list[SearchHit]:
    keep = drop_covered([(h.id, frozenset(s.event_id or s.ref for s in h.sources)) for h in hits])
    return [hits[i] for i in keep]


def load_hits(conn: Connection, ranked: Sequence[tuple[str, float]]) -> list[SearchHit]:
    """The ranked ids as hits, in order (ids no longer stored are left out)."""
    ids = [i for i, _ in ranked]
    mems = memory_repo.get_many(conn, [i for i in ids if i.startswith("mem_")])
    evs = event_repo.get_events(conn, [i for i in ids if i.startswith("ev_")])
    out: list[SearchHit] = []
    for item, score in ranked:
        if item in mems:
            m = mems[item]
            out.append(
                SearchHit(
                    id=m.id,
                    type=m.type,
                    text=m.display_text(),
                    score=score,
                    occurred_at=m.occurred_at or m.created_at,
                    sources=list(m.sources),
                )
            )
        elif item in evs:
            e = evs[item]
            out.append(
                SearchHit(
                    id=e.id,
                    type=e.kind,
                    text=e.display_text(),
                    score=score,
                    occurred_at=e.occurred_at,
                    sources=[e.source()],
                )
            )
    return out


def matching_sources_first(hits: list[SearchHit], ranked: Sequence[tuple[str, float]]) -> list[SearchHit]:
    """A memory resting on many events lists first those that matched the question themselves, in rank
    order: a day's episode cited for one conversation in it should point at that conversation first."""
    rank = {item: n for n, (item, _) in enumerate(ranked) if item.startswith("ev_")}
    last = len(rank)
    for hit in hits:
        if len(hit.sources) > 1 and any(s.event_id in rank for s in hit.sources):
            hit.sources.sort(key=lambda s: rank.get(s.event_id or "", last))  # stable: the rest keep their order
    return hits


def self_sourced(hit: SearchHit) -> SearchHit:
    kind = hit.type if hit.type in EVENT_KINDS else "memory"
    return SearchHit(
        id=hit.id,
        type=hit.type,
        text=hit.text,
        score=hit.score,
        occurred_at=hit.occurred_at,
        sources=[Source(kind=kind, ref=hit.id)],
    )
