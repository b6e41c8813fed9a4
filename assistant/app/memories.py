"""`app.memories`: the typed memories and the raw events they come from: list, read, add, edit, forget,
import chat transcripts, reveal a vault secret."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from assistant.app.core import Core
from assistant.capture.upkeep import delete_thumbnail_files
from assistant.errors import AssistantError, NotFound
from assistant.importers.registry import AUTO, read_export
from assistant.store import events as event_repo
from assistant.store import memories as memory_repo
from assistant.store.ingest import Ingest
from assistant.values import ImportResult, Memory, MemoryType, Progress, RawEvent, VaultEntry

log = logging.getLogger(__name__)


class MemoryManager:
    def __init__(self, core: Core) -> None:
        self._core = core

    def latest(self, type_: MemoryType | None = None, *, limit: int = 100, offset: int = 0) -> list[Memory]:
        """Memories newest first (by when they happened, else when they were made), of one type or all."""
        return memory_repo.list_memories(self._core.store.db.reader(), type_, limit=limit, offset=offset)

    def get(self, memory_id: str) -> Memory:
        found = memory_repo.get(self._core.store.db.reader(), memory_id)
        if found is None:
            raise NotFound(f"no memory with id {memory_id}")
        return found

    def event(self, event_id: str) -> RawEvent:
        """A raw event (a screen capture or a chat turn) by id."""
        found = event_repo.get_event(self._core.store.db.reader(), event_id)
        if found is None:
            raise NotFound(f"no raw event with id {event_id}")
        return found

    def add(self, memory: Memory, *, secret: str | None = None) -> Memory:
        """Store a memory; a vault entry comes with its secret value, which is sealed, never indexed."""
        if isinstance(memory, VaultEntry) != (secret is not None):
            raise AssistantError("a vault entry needs a secret value, and only a vault entry may have one")
        store = self._core.store
        sealed = store.seal_secret(secret, memory.id) if secret is not None else None
        with store.db.write() as conn:
            memory_repo.insert(conn, memory, sealed=sealed)
        return memory

    def update(self, memory: Memory) -> Memory:
        with self._core.store.db.write() as conn:
            if memory_repo.get(conn, memory.id) is None:
                raise NotFound(f"no memory with id {memory.id}")
            memory_repo.update(conn, memory)
        self._core.vectors.invalidate([memory.id])  # re-embedded with its new text by the next indexing run
        return memory

    def forget(self, item_id: str, *, with_sources: bool = False) -> list[str]:
        """Delete a memory or raw event from the store and every index; returns the ids removed."""
        store = self._core.store
        removed: list[str] = []
        with store.db.write() as conn:
            if item_id.startswith("ev_"):
                if event_repo.delete_events(conn, [item_id]):
                    removed.append(item_id)
            else:
                memory = memory_repo.get(conn, item_id)
                if memory is not None and memory_repo.delete(conn, item_id):
                    removed.append(item_id)
                    if with_sources:
                        ids = [s.event_id for s in memory.sources if s.event_id]
                        event_repo.delete_events(conn, ids)
                        removed.extend(ids)
        if not removed:
            raise NotFound(f"no memory or event with id {item_id}")
        delete_thumbnail_files(store, removed)
        self._core.vectors.forget(removed)
        log.info("forgot %d item(s)", len(removed))
        return removed

    def reveal_secret(self, memory_id: str, passphrase: str) -> str:
        """The sealed value of a vault entry; needs the passphrase even if the store was unlocked."""
        store = self._core.store
        sealed = memory_repo.sealed_secret(store.db.reader(), memory_id)
        if sealed is None:
            raise NotFound(f"no vault entry with id {memory_id}")
        value = store.unseal_secret(passphrase, sealed, memory_id)
        log.info("vault secret revealed")
        return value

    def import_file(
        self, path: str | os.PathLike[str], fmt: str = AUTO, progress: Progress | None = None
    ) -> ImportResult:
        """Import a chat transcript; `fmt` "auto" tells the format from the content; `progress(stored,
        messages)` counts what is stored."""
        fmt, messages = read_export(Path(path), fmt)  # parsed whole first: a bad file imports nothing
        added = Ingest(self._core.store).add_text_events((m.to_event(fmt) for m in messages), progress, len(messages))
        log.info("import %s: %d read, %d added", fmt, len(messages), added)
        return ImportResult(path=str(path), format=fmt, read=len(messages), added=added)

    def add_events(self, events: Sequence[RawEvent]) -> int:
        """Store raw events (redacted; secrets go to the vault); returns how many were new."""
        return Ingest(self._core.store).add_text_events((e, None) for e in events)
