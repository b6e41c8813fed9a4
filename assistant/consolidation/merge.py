"""Writing planned memories: insert, or fold into the memory they duplicate (keeping every source).

Ids derive from the merge key and start time, so a batch replayed after a crash writes the very same
memories rather than near-copies with new ids.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from assistant.consolidation.deterministic import Planned, lines_within
from assistant.consolidation.grouping import MAX_GAP
from assistant.store import memories as repo
from assistant.store.fulltext import search_memories
from assistant.store.sql import Connection
from assistant.text import lower_words
from assistant.values import CoreBlock, EpisodicMemory, Memory, ProceduralMemory, SemanticMemory, to_ts

Outcome = Literal["added", "merged", "updated"]
NEAR_DUPLICATE = 0.8  # token Jaccard above which two memories of one type say the same thing


def stable_id(merge_key: str, memory: Memory) -> str:
    start = to_ts(memory.occurred_at) if memory.occurred_at else 0.0
    return "mem_" + hashlib.sha256(f"{merge_key}\x1f{start}".encode()).hexdigest()[:20]


def _jaccard(a: str, b: str) -> float:
    x, y = set(lower_words(a)), set(lower_words(b))
    return len(x & y) / len(x | y) if x and y else 0.0


def _near_duplicate(conn: Connection, memory: Memory) -> Memory | None:
    """Full-text candidates of the same type, kept only if nearly the same words."""
    text = memory.search_text()
    for mid, _ in search_memories(conn, text, types=[memory.type], since=None, until=None, limit=5):
        other = repo.get(conn, mid)
        if other is not None and _jaccard(other.search_text(), text) >= NEAR_DUPLICATE:
            return other
    return None


def _join_details(old: str, new: str) -> str:
    return lines_within(dict.fromkeys([*old.splitlines(), *new.splitlines()]))


def fit_core(value: str, limit: int) -> str:
    """Keep a core block within its limit by dropping its oldest lines (newest facts win)."""
    lines = list(dict.fromkeys(x for x in value.splitlines() if x.strip()))
    while lines and len("\n".join(lines)) > limit:
        lines.pop(0)
    return "\n".join(lines)[:limit]


def _fold(existing: Memory, new: Memory, extend: bool) -> None:
    existing.sources = list(dict.fromkeys([*existing.sources, *new.sources]))
    if isinstance(existing, EpisodicMemory) and isinstance(new, EpisodicMemory):
        ends = [t for t in (existing.ended_at, new.ended_at, new.occurred_at) if t is not None]
        existing.ended_at = max(ends) if ends else existing.ended_at
        existing.details = _join_details(existing.details, new.details)
    elif isinstance(existing, CoreBlock) and isinstance(new, CoreBlock):
        existing.value = fit_core(f"{existing.value}\n{new.value}", existing.limit)
    elif isinstance(existing, SemanticMemory) and isinstance(new, SemanticMemory) and not extend:
        existing.summary, existing.details = new.summary, new.details or existing.details
    elif (
        isinstance(existing, ProceduralMemory)
        and isinstance(new, ProceduralMemory)
        and len(new.steps) > len(existing.steps)
    ):
        existing.steps = new.steps


def write(conn: Connection, item: Planned, *, sealed: bytes | None = None) -> Outcome:
    mem = item.memory
    existing = repo.latest_by_merge_key(conn, mem.type, item.merge_key)
    if (
        isinstance(existing, EpisodicMemory)
        and isinstance(mem, EpisodicMemory)
        and mem.event_type == "activity"
        and existing.ended_at
        and mem.occurred_at
        and mem.occurred_at - existing.ended_at > MAX_GAP
    ):
        existing = None  # same window, but a new visit to it: a new episode
    if existing is None and mem.type in ("semantic", "procedural"):
        existing = _near_duplicate(conn, mem)
    if existing is None:
        mem.id = stable_id(item.merge_key, mem)
        if isinstance(mem, CoreBlock):
            mem.value = fit_core(mem.value, mem.limit)
        if repo.get(conn, mem.id) is None:
            repo.insert(conn, mem, merge_key=item.merge_key, sealed=sealed)
            return "added"
        existing = repo.get(conn, mem.id)
        assert existing is not None
    changed = existing.search_text()
    _fold(existing, mem, item.extend)
    repo.update(conn, existing)
    return "updated" if existing.search_text() != changed and not item.extend else "merged"
