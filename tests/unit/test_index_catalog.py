"""The vector index's own record of what it holds: estimates, over-fetch sizes and the id -> (kind, time) map."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from assistant.retrieval.index_catalog import EVENTS, IndexCatalog
from assistant.values import to_ts

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _hourly(n: int, kind: str = "semantic") -> list[tuple[str, str, float]]:
    return [(f"mem_{i}", kind, to_ts(T0 + timedelta(hours=i))) for i in range(n)]


def test_an_uncounted_catalog_sizes_no_overfetch_until_reset() -> None:
    catalog = IndexCatalog(counted=False)
    catalog.add(EVENTS, [("ev_1", "chat", to_ts(T0))])
    assert catalog.overfetch_size(None, T0, T0 + timedelta(days=1), 10) is None
    catalog.reset([("ev_1", "chat", to_ts(T0)), ("mem_1", "semantic", to_ts(T0 + timedelta(days=1)))])
    assert catalog.counted
    assert catalog.total(EVENTS) == 1 and catalog.total("semantic") == 1
    assert catalog.overfetch_size(["semantic"], T0, T0 + timedelta(days=2), 10) == 1


def test_estimates_count_the_window_in_the_wanted_collections() -> None:
    catalog = IndexCatalog(counted=True)
    catalog.add("semantic", _hourly(100))
    assert catalog.estimate(None, None, None) == 100
    assert catalog.estimate(["semantic"], T0, T0 + timedelta(hours=10)) == 10
    assert catalog.estimate(["chat", "episodic"], None, None) == 0


def test_overfetch_grows_as_the_window_keeps_less_and_gives_up_past_the_maximum() -> None:
    catalog = IndexCatalog(counted=True)
    catalog.add("semantic", _hourly(10_000))
    wide = catalog.overfetch_size(["semantic"], T0, T0 + timedelta(hours=5000), 10)
    narrow = catalog.overfetch_size(["semantic"], T0, T0 + timedelta(hours=500), 10)
    assert wide == 10 * 2 * 2 + 10 and narrow == 10 * 2 * 20 + 10
    assert catalog.overfetch_size(["semantic"], T0, T0 + timedelta(hours=1), 10) is None  # 10k > FETCH_MAX
    assert catalog.fetch_size("semantic", -math.inf, to_ts(T0), 10) == 0  # nothing before T0


def test_lookup_knows_added_ids_and_forgets_deleted_ones() -> None:
    catalog = IndexCatalog(counted=True)
    catalog.add(EVENTS, [("ev_1", "chat", 5.0), ("ev_2", "screen", 6.0)])
    catalog.forget(["ev_2"])
    (kind, ts), (missing_kind, missing_ts) = catalog.lookup(["ev_1", "ev_2"])
    assert (kind, ts) == ("chat", 5.0)
    assert missing_kind == "" and math.isnan(missing_ts)
