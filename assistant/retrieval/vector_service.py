"""The vector side of recall for the facade: the index (derived, rebuilt from the store), the indexer
that embeds new items, and the retriever that Recall fuses with full text.

Attached on first use, not at unlock, so commands that never search (status, import) stay fast. With
no embedding model, or one that fails to load, recall stays full-text only and the status says why.
The default index (mode "encrypted") restores its encrypted snapshot and adds what the store holds
beyond it; without a usable snapshot it is filled from the store, which takes minutes per 100k vectors,
so the app loads it in the background (`attach(wait=False)`): search is full text plus the vectors
loaded so far, memories first, then events, the latest first. A one-shot command waits for the index.

On a read-only store the index may restore the writer's snapshot but never writes one, and a server's
index is the writer's to keep in step, so it is filled in memory. Nothing new is embedded: that is a write.
"""

from __future__ import annotations

import logging
import shutil
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
    from assistant.retrieval.index_protocol import VectorSearch
    from assistant.retrieval.indexer import Indexer

from assistant.values import Notes, Progress

log = logging.getLogger(__name__)


class VectorService:
    def __init__(
        self,
        db: Database,
        paths: DataPaths,
        settings: RetrievalSettings,
        models: ModelService,
        recall: Recall,
        notes: Notes,
        data_key: bytes,
    ) -> None:
        self._db = db
        self._data_key = data_key
        self._paths = paths
        self._settings = settings
        self._models = models
        self._recall = recall
        self._notes = notes
        self._lock = threading.Lock()
        self._loader: threading.Thread | None = None
        self._ready = threading.Event()
        self._closed = False
        self._index: VectorSearch | None = None
        self._indexer: Indexer | None = None
        self.failure: str | None = None  # why vectors are off although an embedding model is chosen

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
                self._notes.search = "full text only: no embedding model (assistant models prepare-default)"
                return
            from assistant.retrieval.indexer import Indexer
            from assistant.retrieval.vector_retriever import EmbeddingRetriever

            self._notes.search = "full text only while the vector index loads"
            index = self._new_index(embedder.model_id)
            retriever = EmbeddingRetriever(embedder, index, self._db)

            def loading(loaded: int, expected: int) -> None:  # searchable from the first call: see rebuild
                with self._lock:
                    if not self._closed:
                        self._recall.vectors = retriever
                        self._notes.search = f"{_loading_note(index)}: {loaded:,} of {expected:,} items"

            index.sync_with_store(self._db.reader(), progress=loading)
            with self._lock:
                if self._closed:  # closed while loading: nobody will search this index
                    index.close()
                    return
                self._index = index
                self._indexer = Indexer(self._db, embedder, index)
                self._recall.vectors = retriever
            self._notes.search = None
        except AssistantError as exc:
            self._detach_partial()
            self.failure = str(exc)
            self._notes.search = f"full text only: {exc}"
        except Exception as exc:  # a search must go on without vectors; the log has the traceback
            self._detach_partial()
            if self._closed:  # the store closed under the loader
                return
            log.exception("the vector index could not load")
            self.failure = f"the vector index could not load ({type(exc).__name__}); the log has the details"
            self._notes.search = f"full text only: {self.failure}"
        finally:
            self._ready.set()

    def _new_index(self, model: str) -> VectorSearch:
        from assistant.retrieval.embedded_index import EmbeddedIndex

        mode = self._settings.vector_mode
        read_only = isinstance(self._db, ReadOnlyDatabase)
        if mode == "server" and not read_only:
            from assistant.retrieval.vector_index import VectorIndex

            return VectorIndex(model, mode="server", server_url=self._settings.server_url)
        if mode not in ("encrypted", "memory", "persistent", "server"):
            raise AssistantError(f"retrieval.vector_mode must be encrypted, memory or server, not {mode!r}")
        if self._paths.vector_index.exists() and not read_only:
            # The removed plaintext mode's Chroma directory: its vectors were never encrypted.
            shutil.rmtree(self._paths.vector_index, ignore_errors=True)
            log.info("removed the unencrypted vector index of the former persistent mode")
        if mode == "memory":
            return EmbeddedIndex(model)
        return EmbeddedIndex(
            model, snapshot=self._paths.vector_snapshot, data_key=self._data_key, writable=not read_only
        )

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
            self._notes.indexing = f"embedding for search: {done:,} of {total:,}"
            if progress is not None:
                progress(done, total)

        try:
            return self._indexer.run(counted)
        finally:
            self._notes.indexing = None

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
        """At lock and quit: the embedded index writes its last snapshot before it is freed."""
        with self._lock:
            self._closed = True
        if self._index is not None:
            self._index.close()
        self._index = self._indexer = None
        self._recall.vectors = None


def _loading_note(index: VectorSearch) -> str:
    state = getattr(index, "snapshot_state", "")
    if state.startswith("damaged"):
        return "the vector snapshot was damaged and is not used: refilling the index from the store"
    if state == "loaded":
        return "the vector index is catching up with the store"
    return "the vector index is loading, the latest first"
