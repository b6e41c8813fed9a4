"""Keeps vectors up to date: embeds memories and raw events that have none for the current model.

Vectors are stored (float32 bytes) in the encrypted store's `embeddings` table, which is the truth,
and added to the vector index, which is derived. The loop works in small batches so a background job
can report progress, stop between batches, and leave the write lane free for capture in between.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from assistant.llm.embedder import Embedder
from assistant.retrieval.index_protocol import IndexItem, VectorSearch
from assistant.store import vectors as stored
from assistant.store.db import Database
from assistant.store.vector_rows import key_of
from assistant.values import Progress, RawEvent

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # display_text does not use the time
# Stored for an item with no text to embed, so it is not pending forever; never loaded into the index.
NO_VECTOR = b""


@dataclass(frozen=True)
class _Pending:
    owner_id: str
    owner_kind: str  # "memory" or "event"
    kind: str  # memory type or event kind
    text: str
    ts: float


def memory_embed_text(type_: str, fields: dict[str, object], search_text: str) -> str:
    """What a memory is embedded as: its search text; for the vault the caption alone."""
    if type_ == "vault":
        return str(fields.get("caption") or "")
    return search_text


def _event_text(row: Sequence[Any]) -> str:
    event = RawEvent(
        id=row[0], kind=row[1], occurred_at=_EPOCH, text=row[3] or "", app=row[4], title=row[5], speaker=row[6]
    )
    return event.display_text()


class Indexer:
    def __init__(self, db: Database, embedder: Embedder, index: VectorSearch, *, batch_size: int = 64) -> None:
        if index.model != embedder.model_id:
            raise ValueError(f"the index holds {index.model} vectors, the embedder makes {embedder.model_id}")
        self.db = db
        self.embedder = embedder
        self.index = index
        self.batch_size = batch_size

    @property
    def model(self) -> str:
        return self.embedder.model_id

    def pending_count(self) -> int:
        return stored.pending_count(self.db.reader(), self.model)

    def _next_batch(self, limit: int) -> list[_Pending]:
        """Up to `limit` items without a vector of this model: memories first, then events (oldest first)."""
        conn = self.db.reader()
        out = [
            _Pending(i, "memory", type_, memory_embed_text(type_, json.loads(fields), text), ts)
            for i, type_, ts, fields, text in stored.unembedded_memories(conn, self.model, limit)
        ]
        if len(out) < limit:
            out += [
                _Pending(r[0], "event", r[1], _event_text(r), float(r[2]))
                for r in stored.unembedded_events(conn, self.model, limit - len(out))
            ]
        return out

    def run(
        self,
        progress: Progress | None = None,
        *,
        should_stop: Callable[[], bool] | None = None,
        max_items: int | None = None,
    ) -> int:
        """Embed everything pending (or `max_items` of it); returns how many items were processed.

        `progress(done, total)` is called after each batch; `should_stop()` is checked between batches.
        """
        total = self.pending_count()
        if max_items is not None:
            total = min(total, max_items)
        done = 0
        if progress is not None:
            progress(0, total)
        while done < total and not (should_stop is not None and should_stop()):
            batch = self._next_batch(min(self.batch_size, total - done))
            if not batch:
                break
            self._embed_and_store(batch)
            done += len(batch)
            if progress is not None:
                progress(done, total)
        if done:
            log.info("indexed %d item(s) with %s", done, self.model)
        return done

    def _embed_and_store(self, batch: list[_Pending]) -> None:
        with_text = [p for p in batch if p.text.strip()]
        vectors = np.asarray(self.embedder.embed([p.text for p in with_text]), dtype=np.float32)
        blobs = {p.owner_id: v.tobytes() for p, v in zip(with_text, vectors, strict=True)}
        added: list[IndexItem] = []
        with self.db.write() as conn:
            for item in batch:
                blob = blobs.get(item.owner_id, NO_VECTOR)
                if stored.put_vector(conn, item.owner_id, item.owner_kind, self.model, blob) and blob:
                    vector = np.frombuffer(blob, np.float32)
                    added.append(IndexItem(item.owner_id, item.kind, vector, item.ts, key_of(conn, item.owner_id)))
        self.index.add_many(added)

    def forget(self, ids: Iterable[str]) -> None:
        """Make the index follow a deletion from the store (the store already dropped the vectors)."""
        self.index.delete(ids)

    def invalidate(self, ids: Iterable[str]) -> None:
        """Drop the stored vectors of edited items so the next run embeds their new text."""
        ids = list(ids)
        with self.db.write() as conn:
            stored.delete_vectors(conn, ids)
        self.index.delete(ids)
