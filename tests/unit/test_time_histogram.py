"""The hourly histogram the vector index sizes its filtered queries by."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.retrieval.time_histogram import BUCKET, TimeHistogram


def test_counts_whole_and_partial_hours() -> None:
    h = TimeHistogram()
    h.add([0.0, 10.0, 3599.0, 3600.0, 7300.0, 7400.0, 100 * BUCKET])
    assert h.total == 7
    assert h.count(-math.inf, math.inf) == 7
    assert h.count(0, BUCKET) == pytest.approx(3)
    assert h.count(0, 2 * BUCKET) == pytest.approx(4)
    assert h.count(BUCKET / 2, BUCKET) == pytest.approx(1.5)  # half of the first hour's three
    assert h.count(2 * BUCKET, math.inf) == pytest.approx(3)
    assert h.count(-math.inf, BUCKET) == pytest.approx(3)
    assert h.count(5, 5) == 0 and h.count(10, 5) == 0
    assert TimeHistogram().count(0, 100) == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 200), max_size=300), st.integers(0, 200), st.integers(0, 200))
def test_whole_hour_ranges_are_exact(hours: list[int], a: int, b: int) -> None:
    h = TimeHistogram()
    h.add(x * BUCKET + 1.0 for x in hours)
    lo, hi = min(a, b), max(a, b)
    assert h.count(lo * BUCKET, hi * BUCKET) == pytest.approx(sum(1 for x in hours if lo <= x < hi))
