"""What the vector index holds, known in this process: items per hour of each collection and each item's
kind and time, to size and filter the over-fetches of filtered queries.

chromadb evaluates `where` filters by scanning the collection's metadata: ~0.3 s at 200k vectors, growing
with size. Filtered queries therefore over-fetch unfiltered neighbours and filter them here, sized by an
estimate of how much of the collection the filter keeps, and use `where` only as a fallback.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime

from assistant.errors import AssistantError
from assistant.retrieval.time_histogram import TimeHistogram
from assistant.values import EVENT_KINDS, MEMORY_TYPES, to_ts

EVENTS = "events"
COLLECTIONS: tuple[str, ...] = (*MEMORY_TYPES, EVENTS)
FETCH_MAX = 1000
_UNKNOWN = ("", math.nan)  # an id missing from the map passes no filter


def collection_for(kind: str) -> str:
    if kind in EVENT_KINDS:
        return EVENTS
    if kind in MEMORY_TYPES:
        return kind
    raise AssistantError(f"unknown memory type or event kind {kind!r}")


def time_bounds(since: datetime | None, until: datetime | None) -> tuple[float, float]:
    """[since, until) as unix timestamps, a missing end being infinite."""
    return (to_ts(since) if since is not None else -math.inf, to_ts(until) if until is not None else math.inf)


def _collections(kinds: Sequence[str] | None) -> dict[str, None]:
    return dict.fromkeys(collection_for(k) for k in (kinds or [*MEMORY_TYPES, *EVENT_KINDS]))


class IndexCatalog:
    """Counts, kinds and times of the items in the index's collections, kept as they are added."""

    def __init__(self, *, counted: bool) -> None:
        # Items per hour per collection: only for sizing over-fetches, so deletions are not subtracted.
        self._times: dict[str, TimeHistogram] = {name: TimeHistogram() for name in COLLECTIONS}
        # id -> (kind, time) of everything indexed, for filtering over-fetched neighbours; complete when
        # `counted` is (filled as items are added, and from the store at sync). The kind and time of each
        # neighbour come from this map, not from chromadb's metadata: 420 neighbours of a 50k-vector
        # collection cost 18 ms of CPU with their metadata, 6.6 ms without (the map holds ~180 bytes per
        # vector: ~180 MB at 1M).
        self._meta: dict[str, tuple[str, float]] = {}
        # True once the histogram covers everything in the index (a new in-memory index is empty; a kept
        # one is counted at sync). Until then each query asks chromadb for the collection's size.
        self.counted = counted

    def reset(self, items: Iterable[tuple[str, str, float]] = ()) -> None:
        """Hold exactly these (id, kind, time) items, which are everything in the index."""
        times: dict[str, list[float]] = {name: [] for name in COLLECTIONS}
        self._meta = {}
        for owner_id, kind, ts in items:
            times[collection_for(kind)].append(ts)
            self._meta[owner_id] = (kind, ts)
        self._times = {name: TimeHistogram() for name in COLLECTIONS}
        for name, values in times.items():
            self._times[name].add(values)
        self.counted = True

    def add(self, name: str, items: Sequence[tuple[str, str, float]]) -> None:
        """Record (id, kind, time) items added to collection `name`."""
        self._times[name].add(ts for _, _, ts in items)
        self._meta.update((owner_id, (kind, ts)) for owner_id, kind, ts in items)

    def forget(self, ids: Iterable[str]) -> None:
        for i in ids:
            self._meta.pop(i, None)

    def total(self, name: str) -> int:
        """Items added to collection `name` since the last reset (deletions are not subtracted)."""
        return self._times[name].total

    def lookup(self, ids: Iterable[str]) -> list[tuple[str, float]]:
        """(kind, time) of each id; ("", nan) for an id not in the map."""
        return [self._meta.get(i, _UNKNOWN) for i in ids]

    def matching(self, allowed: set[str], lo: float, hi: float) -> list[str]:
        """Ids of every item of these kinds in [lo, hi) (a scan of the map: for rare fallbacks)."""
        return [i for i, (kind, t) in list(self._meta.items()) if kind in allowed and lo <= t < hi]

    def estimate(self, kinds: Sequence[str] | None, since: datetime | None, until: datetime | None) -> int:
        """About how many indexed items of these types/kinds fall in [since, until) (from hourly counts)."""
        lo, hi = time_bounds(since, until)
        return sum(self._in_range(name, lo, hi) for name in _collections(kinds))

    def overfetch_size(
        self, kinds: Sequence[str] | None, since: datetime | None, until: datetime | None, limit: int
    ) -> int | None:
        """Neighbours a filtered query would fetch in all, or None when it would need chromadb's scan."""
        lo, hi = time_bounds(since, until)
        sizes = [self.fetch_size(name, lo, hi, limit) for name in _collections(kinds)]
        return sum(sizes) if self.counted and max(sizes, default=0) <= FETCH_MAX else None

    def fetch_size(self, name: str, lo: float, hi: float, limit: int) -> int:
        """Neighbours to fetch unfiltered so that about `limit` pass the time filter (0: none can)."""
        known = self._times[name].total
        in_range = self._in_range(name, lo, hi)
        if not known or not in_range:
            return 0
        return min(known, math.ceil(limit * 2 * known / in_range) + limit)

    def _in_range(self, name: str, lo: float, hi: float) -> int:
        return math.ceil(self._times[name].count(lo, hi))
