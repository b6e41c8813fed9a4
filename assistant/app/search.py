"""`app.search`: hybrid search (full text and vectors), and keeping the vector index up to date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from assistant.app.core import Core
from assistant.errors import AssistantError
from assistant.values import Progress, SearchHit, SearchMode


class SearchManager:
    def __init__(self, core: Core) -> None:
        self._core = core

    def find(
        self,
        query: str,
        *,
        types: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 10,
        now: datetime | None = None,
    ) -> list[SearchHit]:
        """Hybrid search; a time phrase in the query ("last Tuesday") filters by time relative to `now`."""
        if limit < 1:
            raise AssistantError("--limit must be at least 1")
        core = self._core
        core.vectors.attach(wait=core.wait_for_index)
        return core.recall.search(query, types=types, since=since, until=until, limit=limit, now=now)

    def mode(self) -> SearchMode:
        """Hybrid (with which embedding model) or full text only, why and what to do."""
        return self._core.search_mode()

    def load_index_in_background(self) -> None:
        """Start filling the vector index now, and from here on search what it holds so far (full text
        and the vectors loaded) instead of waiting: a large archive takes minutes to load in memory mode."""
        self._core.wait_for_index = False
        self._core.vectors.attach(wait=False)

    def index_pending(self, progress: Progress | None = None) -> int:
        """Embed new memories and events for vector search (after imports and consolidation)."""
        return self._core.vectors.index_pending(progress)
