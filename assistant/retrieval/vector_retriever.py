"""The `VectorRetriever` the searchers use: embed the query, ask the vector index."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime

from assistant.llm.embedder import Embedder
from assistant.retrieval.index_protocol import VectorSearch
from assistant.store.db import Database
from assistant.store.vectors import exact_nearest
from assistant.values import EVENT_KINDS, MEMORY_TYPES

# A time window holding at most this many vectors may be searched exactly from the store: reading them
# costs ~25 us each, while chromadb's filtered scan grows with the whole collection (~0.3 s at 200k),
# and over-fetching neighbours to filter them costs ~16 us per neighbour (420 from a 50k-vector
# collection: 6.6 ms of CPU; the index filters them by its own map of kinds and times).
EXACT_MAX = 5000
_EXACT_US, _FETCH_US = 25, 16
ALL_KINDS = (*MEMORY_TYPES, *EVENT_KINDS)


class EmbeddingRetriever:
    """Nearest neighbours of the query's embedding; ids are "mem_..." or "ev_...", scores cosine similarity.

    With the store (`db`), narrow time windows are searched exactly among the window's stored vectors.
    """

    def __init__(
        self,
        embedder: Embedder,
        index: VectorSearch,
        db: Database | None = None,
        *,
        cache_size: int = 64,
        exact_max: int = EXACT_MAX,
    ) -> None:
        if index.model != embedder.model_id:
            raise ValueError(f"the index holds {index.model} vectors, the embedder makes {embedder.model_id}")
        self.embedder = embedder
        self.index = index
        self.db = db
        self.exact_max = exact_max
        # A typed-ahead quick recall asks for the same text again and again; embedding costs milliseconds.
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self.embedder.embed([text])[0]
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector

    def _exact_is_cheaper(
        self, kinds: list[str] | None, since: datetime | None, until: datetime | None, limit: int
    ) -> bool:
        in_window = self.index.estimate(kinds, since, until)
        if in_window > self.exact_max:
            return False
        fetch = self.index.overfetch_size(kinds, since, until, limit)
        return fetch is None or in_window * _EXACT_US <= fetch * _FETCH_US

    def query(
        self, text: str, *, types: Sequence[str], since: datetime | None, until: datetime | None, limit: int
    ) -> list[tuple[str, float]]:
        if not text.strip():
            return []
        vector = self.embed_query(text)
        kinds = list(types) or None
        if (
            self.db is not None
            and (since is not None or until is not None)
            and self._exact_is_cheaper(kinds, since, until, limit)
        ):
            exact = exact_nearest(
                self.db.reader(),
                self.index.model,
                vector,
                kinds or ALL_KINDS,
                since,
                until,
                limit,
                cap=4 * self.exact_max,
            )
            if exact is not None:  # None: the estimate was stale and the window is wide after all
                return exact
        return self.index.query(vector, kinds=kinds, since=since, until=until, limit=limit)
