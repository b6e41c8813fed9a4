"""Items per hour, to estimate how many fall in a time range (the vector index sizes its over-fetch by it).

Hourly buckets, read with prefix sums; the two boundary hours count in proportion to their overlap,
assuming items spread evenly within an hour. Deletions are not subtracted: it is an estimate.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

BUCKET = 3600.0


class TimeHistogram:
    def __init__(self) -> None:
        self._counts: Counter[int] = Counter()
        self.total = 0
        self._arrays: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]] | None = None

    def add(self, times: Iterable[float]) -> None:
        for ts in times:
            self._counts[math.floor(ts / BUCKET)] += 1
            self.total += 1
        self._arrays = None

    def _sorted(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        if self._arrays is None:
            keys = np.array(sorted(self._counts), dtype=np.int64)
            cumulative = np.cumsum([self._counts[int(k)] for k in keys], dtype=np.int64)
            self._arrays = (keys, cumulative)
        return self._arrays

    def _below(self, bucket: float) -> int:
        """Items in buckets before `bucket`."""
        keys, cumulative = self._sorted()
        index = int(np.searchsorted(keys, bucket, side="left"))
        return int(cumulative[index - 1]) if index else 0

    def count(self, lo: float, hi: float) -> float:
        """About how many items have lo <= time < hi (either end may be infinite)."""
        if not self.total or hi <= lo:
            return 0.0
        if lo == -math.inf and hi == math.inf:
            return float(self.total)
        first = math.floor(lo / BUCKET) if lo > -math.inf else None
        last = math.floor(hi / BUCKET) if hi < math.inf else None
        if first is not None and first == last:
            return self._counts.get(first, 0) * (hi - lo) / BUCKET
        whole = (self._below(last) if last is not None else self.total) - (
            self._below(first + 1) if first is not None else 0
        )
        partial = 0.0
        if first is not None:
            partial += self._counts.get(first, 0) * ((first + 1) * BUCKET - lo) / BUCKET
        if last is not None:
            partial += self._counts.get(last, 0) * (hi - last * BUCKET) / BUCKET
        return whole + partial
