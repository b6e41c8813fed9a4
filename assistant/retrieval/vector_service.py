"""The vector side of recall for the facade: the index (derived, rebuilt from the store), the indexer
that embeds new items, and the retriever that Recall fuses with full text.

Attached on first use, not at unlock, so commands that never search (status, import) stay fast. With
no embedding model, or one that fails to load, recall stays full-text only and the status says why.
Filling an in-memory index takes time in proportion to the archive (23-36 minutes for a million
vectors on 2 cores), so the app loads it in the background (`attach(wait=False)`): search is full text
plus the vectors loaded so far, which come memories first, then events, the latest first (a narrow
time window is searched exactly from the store meanwhile). A one-shot command waits for the whole index.

On a read-only store the index is always in memory, filled from the vectors kept in the store, whatever
`retrieval.vector_mode` says: a persistent index on disk belongs to the writer (opening it would write
to it), and a server's index is the writer's to keep in step. Nothing new is embedded: that is a write.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from assistant.config import RetrievalSettings
from assistant.errors import AssistantError
from assistant.llm.service import ModelService
from assistant.paths import DataPaths
from assistant.retrieval.recall import Recall
from assistant.store.db import Database
from assistant.store.readonly import ReadOnlyDatabase

if TYPE_CHECKING:
    from assistant.retrieval.indexer import Indexer
    from assistant.retrieval.vector_index import VectorIndex

from assistant.values import Progress

log = logging.getLogger(__name__)


class VectorService:
    def __init__(
        self,
        db: Database,
        paths: DataPaths,
        settings: RetrievalSettings,
        models: ModelService,
        recall: Recall,
        notes: dict[str, str],
    ) -> None:
        self._db = db
        self._paths = paths
        self._settings = settings
        self._models = models
        self._recall = recall
        self._notes = notes
        self._lock = threading.Lock()
        self._loader: threading.Thread | None = None
        self._ready = threading.Event()
        self._closed = False
        self._index: VectorIndex | None = None
        self._indexer: Indexer | None = None

    def attach(self, *, wait: bool = True) -> bool:
        """Load the embedder and the index (once, on a thread of its own); True when recall is hybrid.

        `wait=False` returns at once: recall is full text plus what the index holds so far.
        """
        with self._lock:
            if self._loader is None:
                self._loader = threading.Thread(target=self._load, name="vector-index-load", daemon=True)
                self._loader.start()
        if wait:
            self._ready.wait()
        return self._indexer is not None

    def _load(self) -> None:
        try:
            embedder = self._models.embedder()
            if embedder is None:
                self._notes["search"] = "full text only: no embedding model (assistant models prepare-default)"
                return
            from assistant.retrieval.indexer import Indexer
            from assistant.retrieval.vector_index import VectorIndex
            from assistant.retrieval.vector_retriever import EmbeddingRetriever

            self._notes["search"] = "full text only while the vector index loads"
            mode = "memory" if isinstance(self._db, ReadOnlyDatabase) else self._settings.vector_mode
            index = VectorIndex(
                embedder.model_id, mode=mode, path=self._paths.vector_index, server_url=self._settings.server_url
            )
            retriever = EmbeddingRetriever(embedder, index, self._db)

            def loading(loaded: int, expected: int) -> None:  # searchable from the first call: see rebuild
                with self._lock:
                    if not self._closed:
                        self._recall.vectors = retriever
                        self._notes["search"] = (
                            f"the vector index is loading: {loaded:,} of {expected:,} items, the latest first"
                        )

            index.sync_with_store(self._db.reader(), progress=loading)
            with self._lock:
                if self._closed:  # closed while loading: nobody will search this index
                    index.close()
                    return
                self._index = index
                self._indexer = Indexer(self._db, embedder, index)
                self._recall.vectors = retriever
            self._notes.pop("search", None)
        except AssistantError as exc:
            self._detach_partial()
            self._notes["search"] = f"full text only: {exc}"
        except Exception as exc:  # a search must go on without vectors; the log has the traceback
            self._detach_partial()
            if self._closed:  # the store closed under the loader
                return
            log.exception("the vector index could not load")
            self._notes["search"] = f"full text only: the vector index could not load ({type(exc).__name__})"
        finally:
            self._ready.set()

    def _detach_partial(self) -> None:
        """Stop searching an index that failed while it filled."""
        with self._lock:
            if self._indexer is None:
                self._recall.vectors = None

    def index_pending(self, progress: Progress | None = None) -> int:
        """Embed memories and events that have no vector yet; returns how many were embedded."""
        if isinstance(self._db, ReadOnlyDatabase):
            raise self._db.refusal()  # before any embedding work, which could only fail at the write
        if not self.attach() or self._indexer is None:
            return 0

        def counted(done: int, total: int) -> None:  # in the status too: a big backlog takes long
            self._notes["indexing"] = f"embedding for search: {done:,} of {total:,}"
            if progress is not None:
                progress(done, total)

        try:
            return self._indexer.run(counted)
        finally:
            self._notes.pop("indexing", None)

    def pending(self) -> int:
        return self._indexer.pending_count() if self.attach() and self._indexer is not None else 0

    def forget(self, ids: Iterable[str]) -> None:
        if self._indexer is not None:
            self._indexer.forget(ids)

    def invalidate(self, ids: Iterable[str]) -> None:
        if self._indexer is not None:
            ids = list(ids)
            self._indexer.invalidate(ids)
            self._indexer.forget(ids)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        if self._index is not None:
            self._index.close()
        self._index = self._indexer = None
        self._recall.vectors = None
