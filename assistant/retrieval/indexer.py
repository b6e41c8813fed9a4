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
from assistant.retrieval.vector_index import IndexItem, VectorIndex
from assistant.store.db import Database
from assistant.values import RawEvent

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
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
    def __init__(self, db: Database, embedder: Embedder, index: VectorIndex, *, batch_size: int = 64) -> None:
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
        conn = self.db.reader()
        mems = conn.execute(
            "SELECT count(*) FROM memories m LEFT JOIN embeddings e ON e.owner_id = m.id AND e.model = ? "
            "WHERE e.owner_id IS NULL",
            (self.model,),
        ).fetchone()[0]
        evs = conn.execute(
            "SELECT count(*) FROM raw_events r LEFT JOIN embeddings e ON e.owner_id = r.id AND e.model = ? "
            "WHERE e.owner_id IS NULL",
            (self.model,),
        ).fetchone()[0]
        return int(mems) + int(evs)

    def _next_batch(self, limit: int) -> list[_Pending]:
        """Up to `limit` items without a vector of this model: memories first, then events (oldest first)."""
        conn = self.db.reader()
        out = [
            _Pending(r[0], "memory", r[1], memory_embed_text(r[1], json.loads(r[3]), r[4]), float(r[2]))
            for r in conn.execute(
                "SELECT m.id, m.type, coalesce(m.occurred_at, m.created_at), m.fields, m.search_text "
                "FROM memories m LEFT JOIN embeddings e ON e.owner_id = m.id AND e.model = ? "
                "WHERE e.owner_id IS NULL ORDER BY m.seq LIMIT ?",
                (self.model, limit),
            )
        ]
        if len(out) < limit:
            out += [
                _Pending(r[0], "event", r[1], _event_text(r), float(r[2]))
                for r in conn.execute(
                    "SELECT r.id, r.kind, r.occurred_at, r.text, r.app, r.title, r.speaker FROM raw_events r "
                    "LEFT JOIN embeddings e ON e.owner_id = r.id AND e.model = ? "
                    "WHERE e.owner_id IS NULL ORDER BY r.seq LIMIT ?",
                    (self.model, limit - len(out)),
                )
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
        stored: list[IndexItem] = []
        with self.db.write() as conn:
            for item in batch:
                table = "memories" if item.owner_kind == "memory" else "raw_events"
                blob = blobs.get(item.owner_id, NO_VECTOR)
                # Only if the item still exists: it may have been forgotten while we were embedding.
                cur = conn.execute(
                    "INSERT OR REPLACE INTO embeddings (owner_id, owner_kind, model, vector) "
                    f"SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM {table} WHERE id = ?)",
                    (item.owner_id, item.owner_kind, self.model, blob, item.owner_id),
                )
                if cur.rowcount and blob:
                    stored.append(IndexItem(item.owner_id, item.kind, np.frombuffer(blob, np.float32), item.ts))
        self.index.add_many(stored)

    def forget(self, ids: Iterable[str]) -> None:
        """Make the index follow a deletion from the store (the store already dropped the vectors)."""
        self.index.delete(ids)

    def reconcile(self) -> int:
        """Remove index entries whose item or vector is gone from the store; returns how many."""
        conn = self.db.reader()
        orphans: list[str] = []
        page: list[str] = []

        def check(chunk: list[str]) -> None:
            marks = ",".join("?" * len(chunk))
            kept = {
                r[0]
                for r in conn.execute(
                    f"SELECT owner_id FROM embeddings WHERE model = ? AND owner_id IN ({marks})", [self.model, *chunk]
                )
            }
            orphans.extend(i for i in chunk if i not in kept)

        for owner_id in self.index.ids():
            page.append(owner_id)
            if len(page) == 500:
                check(page)
                page = []
        if page:
            check(page)
        if orphans:
            self.index.delete(orphans)
        return len(orphans)

    def invalidate(self, ids: Iterable[str]) -> None:
        """Drop the stored vectors of edited items so the next run embeds their new text."""
        ids = list(ids)
        with self.db.write() as conn:
            conn.executemany("DELETE FROM embeddings WHERE owner_id = ?", [(i,) for i in ids])
        self.index.delete(ids)
