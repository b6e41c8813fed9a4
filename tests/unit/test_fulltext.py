"""Full-text retrieval: the unfiltered fast path ranks exactly as the filtered join does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.api import Assistant
from assistant.store import fulltext
from assistant.values import MEMORY_TYPES, EpisodicMemory, RawEvent, SemanticMemory

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def _fill(app: Assistant) -> None:
    for n in range(30):
        words = "tea garden" if n % 3 else "tea station train"
        app.memories.add(
            SemanticMemory(name=f"note {n}", summary=f"{words} {'tea ' * (n % 4)}", occurred_at=T0 + timedelta(days=n))
        )
    app.memories.add(EpisodicMemory(actor="me", event_type="trip", summary="train to the tea station", occurred_at=T0))
    app.memories.add_events(
        [
            RawEvent(kind=kind, occurred_at=T0 + timedelta(hours=n), text=f"tea number {n}", speaker="me")
            for n, kind in enumerate(["chat", "screen"] * 5)
        ]
    )


def test_unfiltered_path_ranks_like_the_filtered_join(app: Assistant) -> None:
    _fill(app)
    conn = app._core.store.db.reader()
    for query in ("tea", "tea station", "garden train"):
        fast = fulltext.search_memories(conn, query, types=list(MEMORY_TYPES), since=None, until=None, limit=12)
        joined = fulltext.search_memories(conn, query, types=None, since=T0 - timedelta(days=1), until=None, limit=12)
        assert fast == joined and fast
        assert fast == fulltext.search_memories(conn, query, types=None, since=None, until=None, limit=12)


def test_filters_still_apply(app: Assistant) -> None:
    _fill(app)
    conn = app._core.store.db.reader()
    episodic = fulltext.search_memories(conn, "tea", types=["episodic"], since=None, until=None, limit=50)
    assert len(episodic) == 1
    window = fulltext.search_memories(
        conn, "tea", types=None, since=T0 + timedelta(days=10), until=T0 + timedelta(days=12), limit=50
    )
    assert len(window) == 2
    every_kind = fulltext.search_events(conn, "tea", kinds=["chat", "screen"], since=None, until=None, limit=50)
    chats = fulltext.search_events(conn, "tea", kinds=["chat"], since=None, until=None, limit=50)
    assert len(every_kind) == 10 and len(chats) == 5
