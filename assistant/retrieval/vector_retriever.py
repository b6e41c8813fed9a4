"""The `VectorRetriever` the searchers use: embed the query, ask the vector index."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime

from assistant.models import EVENT_KINDS, MEMORY_TYPES
from assistant.retrieval.embedder import Embedder
from assistant.retrieval.stored_vectors import exact_nearest
from assistant.retrieval.vector_index import VectorIndex
from assistant.store.db import Database

# A narrow time window (too few of its items among the index's top FETCH_MAX neighbours) holding at most
# this many vectors is searched exactly from the store: reading them costs ~25 ms per thousand, while
# chromadb's filtered scan grows with the whole collection (~0.3 s at 200k, over 1 s at 1M).
EXACT_MAX = 5000
ALL_KINDS = (*MEMORY_TYPES, *EVENT_KINDS)


class EmbeddingRetriever:
    """Nearest neighbours of the query's embedding; ids are "mem_..." or "ev_...", scores cosine similarity.

    With the store (`db`), narrow time windows are searched exactly among the window's stored vectors.
    """

    def __init__(self, embedder: Embedder, index: VectorIndex, db: Database | None = None, *,
                 cache_size: int = 64, exact_max: int = EXACT_MAX) -> None:
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

    def query(self, text: str, *, types: Sequence[str], since: datetime | None, until: datetime | None,
              limit: int) -> list[tuple[str, float]]:
        if not text.strip():
            return []
        vector = self.embed_query(text)
        kinds = list(types) or None
        if self.db is not None and (since is not None or until is not None) \
                and not self.index.filtered_is_fast(kinds, since, until, limit) \
                and self.index.estimate(kinds, since, until) <= self.exact_max:
            exact = exact_nearest(self.db.reader(), self.index.model, vector, kinds or ALL_KINDS, since, until,
                                  limit, cap=4 * self.exact_max)
            if exact is not None:  # None: the estimate was stale and the window is wide after all
                return exact
        return self.index.query(vector, kinds=kinds, since=since, until=until, limit=limit)
