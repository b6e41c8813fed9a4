"""The facade: the one surface the CLI and the UI use. It returns plain typed values and raises
`AssistantError`s with messages a user can act on. Work lives in the modules it delegates to."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from assistant import privacy
from assistant.answer.head import AnswerHead
from assistant.answer.history import recent_answers
from assistant.api_parts import CaptureAndModels
from assistant.capture import pause_note
from assistant.capture.control import CaptureControl
from assistant.capture.upkeep import delete_thumbnail_files, thumbnail_upkeep
from assistant.config import Settings, load_settings, save_settings
from assistant.consolidation.backlog import ModelBacklog
from assistant.consolidation.engine import ConsolidationReport, Consolidator
from assistant.consolidation.timeline import build_timeline
from assistant.diagnostics.logs import setup_logging
from assistant.diagnostics.status import Status, fill_store_status
from assistant.errors import AssistantError, Locked, ModelError, NotFound
from assistant.importers.registry import AUTO, read_export
from assistant.llm.runtime import TextModel
from assistant.llm.service import ModelService
from assistant.locking import coredumps
from assistant.locking.part import Locking
from assistant.mcp_server.facade import McpIntegration
from assistant.paths import DataPaths, resolve_data_dir
from assistant.retrieval.recall import Recall
from assistant.retrieval.vector_service import VectorService
from assistant.scheduler.service import BackgroundService
from assistant.store import backup, opened
from assistant.store import events as event_repo
from assistant.store import memories as memory_repo
from assistant.store.ingest import Ingest
from assistant.values import (
    ASK_SESSION_PREFIX,
    Answer,
    CoreBlock,
    Digest,
    ImportResult,
    Memory,
    MemoryType,
    Progress,
    RawEvent,
    SearchHit,
    Timeline,
    VaultEntry,
)

log = logging.getLogger(__name__)

# How `unlock` opens the store. "write": hold it until close (StoreInUse if another process does).
# "read": never change it, and work beside a process that holds it (see store/readonly.py). "write-if-free":
# write when no other process holds it, read beside one that does (`ask`: it answers either way).
Access = Literal["write", "read", "write-if-free"]


class Assistant(CaptureAndModels, McpIntegration, Locking):
    def __init__(self, data_dir: str | os.PathLike[str] | None = None) -> None:
        self.paths = DataPaths(resolve_data_dir(data_dir))
        self.settings: Settings = load_settings(self.paths.config)
        privacy.set_local_only(self.settings.privacy.local_only)
        self.models = ModelService(self.paths.models, self.settings.models)
        self._store: opened.OpenedStore | None = None
        self._recall: Recall | None = None
        self._vectors: VectorService | None = None
        self._consolidator: Consolidator | None = None
        self._backlog: ModelBacklog | None = None
        self._head: AnswerHead | None = None
        self._capture: CaptureControl | None = None
        self._background: BackgroundService | None = None
        self.notes: dict[str, str] = {}  # conditions worth showing in status (a broken model, ...)
        self._wait_for_index = True  # a one-shot command waits for the vector index; the app does not

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def initialized(self) -> bool:
        return opened.is_initialized(self.paths)

    @property
    def unlocked(self) -> bool:
        return self._store is not None

    def _opened(self, store: opened.OpenedStore) -> None:
        coredumps.disable()  # keys in memory from here on: no core file may hold them
        self.rearm_lock_watch()  # unlocked: the next session lock, suspend or idle spell locks again
        self._store = store
        self._recall = Recall(store.db, timezone=self.settings.retrieval.timezone)
        self._vectors = VectorService(
            store.db, self.paths, self.settings.retrieval, self.models, self._recall, self.notes, store.data_key
        )
        setup_logging(self.paths)
        if not store.read_only and not self.paths.config.exists():
            self.save_settings()

    def init(self, passphrase: str) -> None:
        self._opened(opened.create(self.paths, passphrase))
        log.info("store created (schema %s)", self.store.db.schema_version)

    def unlock(self, passphrase: str | None = None, *, access: Access = "write") -> None:
        """Unlock with the passphrase; None tries the OS keyring (if the user opted in).

        `access` (see Access) says whether this facade may change the store; read-only, every change
        raises ReadOnlyStore saying why, before any work is done where that is known up front.
        """
        if self._store is None:
            read_only = access == "read" or (access == "write-if-free" and opened.in_use_elsewhere(self.paths))
            self._opened(opened.open_existing(self.paths, passphrase, read_only=read_only))
            log.info("store unlocked%s", " read-only" if read_only else "")

    @property
    def read_only(self) -> bool:
        """True when this facade cannot change the store (see `read_only_reason`)."""
        return self.store.read_only

    @property
    def read_only_reason(self) -> str | None:
        """Why the store is read-only ("another process (pid 12) has it open for writing"), None when writable."""
        return self.store.read_only_reason

    def require_writable(self) -> None:
        """ReadOnlyStore, saying why, unless this facade may change the store."""
        opened.require_writable(self.store)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.stop()
            self._capture = None
            pause_note.resumed(self.paths)  # no capture, so no pause, once this process lets go
        if self._background is not None:
            self._background.stop()
            self._background = None
        if self._vectors is not None:
            self._vectors.close()
            self._vectors = None
        self.models.unload()
        if self._store is not None:
            self._store.close()
            self._store = None
            self._recall = None
            self._consolidator = None
            self._backlog = None
            self._head = None
            coredumps.restore()

    @property
    def store(self) -> opened.OpenedStore:
        if self._store is None:
            raise Locked()
        return self._store

    @property
    def vectors(self) -> VectorService:
        if self._vectors is None:
            raise Locked()
        return self._vectors

    def index_pending(self, progress: Progress | None = None) -> int:
        """Embed new memories and events for vector search (after imports and consolidation)."""
        return self.vectors.index_pending(progress)

    @property
    def recall(self) -> Recall:
        if self._recall is None:
            raise Locked()
        return self._recall

    def change_passphrase(self, old: str, new: str) -> None:
        opened.change_passphrase(self.store, old, new)
        log.info("passphrase changed")

    @property
    def keyring_enabled(self) -> bool:
        """Whether the user opted in to unlocking from the OS keyring; known before unlocking too (the key
        file says so), so an unlock screen offers the keyring only to those who chose it."""
        return self._store.keyfile.keyring if self._store is not None else opened.keyring_chosen(self.paths)

    def set_keyring_unlock(self, enabled: bool) -> None:
        opened.set_keyring(self.store, enabled)

    # -- settings ---------------------------------------------------------------------------------
    def save_settings(self) -> None:
        self.paths.ensure()
        save_settings(self.paths.config, self.settings)
        privacy.set_local_only(self.settings.privacy.local_only)

    def set_setting(self, dotted: str, value: Any) -> None:
        before = self.settings.get(dotted)
        self.settings.set(dotted, value)
        if self.settings.consolidation.interval_minutes < 1:
            self.settings.set(dotted, before)
            raise AssistantError("consolidation.interval_minutes must be at least 1 (minute)")
        self.save_settings()
        if dotted == "consolidation.interval_minutes" and self._background is not None:
            # Read when the job is scheduled: applied now, not at the next start. (Retention and the
            # capture settings are read at each run and tick.)
            self._background.consolidation_every(self.settings.consolidation.interval_minutes)

    # -- status -----------------------------------------------------------------------------------
    def status(self) -> Status:
        st = Status(
            data_dir=str(self.paths.root),
            initialized=self.initialized,
            unlocked=self.unlocked,
            local_only=privacy.local_only(),
        )
        if self._store is not None:
            capture = self._capture.status() if self._capture is not None else None
            fill_store_status(st, self._store, capture, self.settings.capture.enabled)
            if capture is None and st.extra.get("capture") == "on" and opened.in_use_elsewhere(self.paths):
                st.extra["capture"] = pause_note.describe(self.paths) or "on"  # the app's pause, seen from here
            if self._store.read_only_reason is not None:
                st.extra["access"] = f"read-only: {self._store.read_only_reason}"
        st.extra.update(self.notes)
        return st

    # -- import -----------------------------------------------------------------------------------
    def import_file(
        self, path: str | os.PathLike[str], fmt: str = AUTO, progress: Progress | None = None
    ) -> ImportResult:
        """Import a chat transcript; `fmt` "auto" tells the format from the content; `progress(stored,
        messages)` counts what is stored."""
        fmt, messages = read_export(Path(path), fmt)  # parsed whole first: a bad file imports nothing
        added = Ingest(self.store).add_text_events((m.to_event(fmt) for m in messages), progress, len(messages))
        log.info("import %s: %d read, %d added", fmt, len(messages), added)
        return ImportResult(path=str(path), format=fmt, read=len(messages), added=added)

    def add_events(self, events: Sequence[RawEvent]) -> int:
        """Store raw events (redacted; secrets go to the vault); returns how many were new."""
        return Ingest(self.store).add_text_events((e, None) for e in events)

    # -- memories ---------------------------------------------------------------------------------
    def list_memories(self, type_: MemoryType | None = None, *, limit: int = 100, offset: int = 0) -> list[Memory]:
        return memory_repo.list_memories(self.store.db.reader(), type_, limit=limit, offset=offset)

    def get_memory(self, memory_id: str) -> Memory:
        found = memory_repo.get(self.store.db.reader(), memory_id)
        if found is None:
            raise NotFound(f"no memory with id {memory_id}")
        return found

    def get_event(self, event_id: str) -> RawEvent:
        found = event_repo.get_event(self.store.db.reader(), event_id)
        if found is None:
            raise NotFound(f"no raw event with id {event_id}")
        return found

    def memories_for_events(self, event_ids: Sequence[str]) -> list[Memory]:
        """The memories made from any of these raw events (e.g. a timeline block's captures)."""
        conn = self.store.db.reader()
        ids = list(dict.fromkeys(m for e in event_ids for m in memory_repo.memories_from_event(conn, e)))
        found = memory_repo.get_many(conn, ids)
        return [found[i] for i in ids if i in found]

    def add_memory(self, memory: Memory, *, secret: str | None = None) -> Memory:
        if isinstance(memory, VaultEntry) != (secret is not None):
            raise AssistantError("a vault entry needs a secret value, and only a vault entry may have one")
        sealed = self.store.seal_secret(secret, memory.id) if secret is not None else None
        with self.store.db.write() as conn:
            memory_repo.insert(conn, memory, sealed=sealed)
        return memory

    def update_memory(self, memory: Memory) -> Memory:
        with self.store.db.write() as conn:
            if memory_repo.get(conn, memory.id) is None:
                raise NotFound(f"no memory with id {memory.id}")
            memory_repo.update(conn, memory)
        self.vectors.invalidate([memory.id])  # re-embedded with its new text by the next indexing run
        return memory

    def forget(self, item_id: str, *, with_sources: bool = False) -> list[str]:
        """Delete a memory or raw event from the store and every index; returns the ids removed."""
        removed: list[str] = []
        with self.store.db.write() as conn:
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
        delete_thumbnail_files(self.store, removed)
        self.vectors.forget(removed)
        log.info("forgot %d item(s)", len(removed))
        return removed

    def reveal_secret(self, memory_id: str, passphrase: str) -> str:
        """The sealed value of a vault entry; needs the passphrase even if the store was unlocked."""
        sealed = memory_repo.sealed_secret(self.store.db.reader(), memory_id)
        if sealed is None:
            raise NotFound(f"no vault entry with id {memory_id}")
        value = self.store.unseal_secret(passphrase, sealed, memory_id)
        log.info("vault secret revealed")
        return value

    # -- search -----------------------------------------------------------------------------------
    def load_index_in_background(self) -> None:
        """Start filling the vector index now, and from here on search what it holds so far (full text
        and the vectors loaded) instead of waiting: a large archive takes minutes to load in memory mode."""
        self._wait_for_index = False
        self.vectors.attach(wait=False)

    def search(
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
        self.vectors.attach(wait=self._wait_for_index)
        return self.recall.search(query, types=types, since=since, until=until, limit=limit, now=now)

    # -- consolidation ----------------------------------------------------------------------------
    @property
    def consolidator(self) -> Consolidator:
        if self._consolidator is None:
            store = self.store
            self._consolidator = Consolidator(store.db, self.settings.consolidation, seal=store.seal_secret)
            self._backlog = ModelBacklog(store.db, store.seal_secret)
        return self._consolidator

    @property
    def model_backlog(self) -> ModelBacklog:
        """The episodes waiting for the model pass."""
        _ = self.consolidator
        assert self._backlog is not None
        return self._backlog

    def consolidate(self, progress: Progress | None = None, *, model_pass: bool = True) -> ConsolidationReport:
        """Turn pending raw events into memories now, then apply raw-event retention.

        With a chat model, each batch's episodes are written down for the model pass; `model_pass` reads
        them now (a scheduled run leaves them to the background model pass, see `start_background`). A
        missing or broken model is reported in the result and the episodes keep waiting.
        """
        from assistant.consolidation.backlog import read_backlog

        self.require_writable()  # before loading the chat model for a run that could not be stored
        for_model = self.settings.consolidation.use_model and self.models.active("chat") is not None
        report = self.consolidator.run(progress, for_model=for_model)
        if for_model:
            report.model_status = "model pass on"
        if model_pass and self.settings.consolidation.use_model:
            read_backlog(self.model_backlog, self.models.chat_model, report=report)
        report.retention_deleted = self.consolidator.apply_retention(datetime.now(UTC))
        thumbnail_upkeep(self.store, self.settings.capture.thumbnail_retention_days)  # and retention's leftovers
        return report

    # -- timeline -------------------------------------------------------------------------------
    def timeline(self, start: datetime, end: datetime) -> Timeline:
        """Activity blocks and episodes between `start` and `end` (works before consolidation too)."""
        return build_timeline(self.store.db.reader(), start, end)

    def days_with_data(self, start: datetime, end: datetime) -> list[date]:
        """The days between `start` and `end` (aware; days counted in `start`'s zone offset) with anything
        recorded: what a calendar marks."""
        offset = int((start.utcoffset() or timedelta(0)).total_seconds())
        days = event_repo.days_with_events(self.store.db.reader(), start, end, offset)
        return [date(1970, 1, 1) + timedelta(days=n) for n in days]

    def digest(self, start: datetime, end: datetime) -> Digest:
        """What happened between `start` and `end`, day by day: apps and windows with the time spent,
        chats, pages opened (no model needed)."""
        from zoneinfo import ZoneInfo

        from assistant.consolidation.digest import build_digest
        from assistant.store.events import list_events

        events = list_events(self.store.db.reader(), since=start, until=end)
        tz = ZoneInfo(self.settings.retrieval.timezone)
        return build_digest(events, start, end, tz, self.settings.capture.interval_seconds)

    def timeline_day(self, day: date) -> Timeline:
        start = datetime.combine(day, time(0), tzinfo=UTC)
        return self.timeline(start, start + timedelta(days=1))

    # -- ask --------------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        on_token: Callable[[str], None] | None = None,
        now: datetime | None = None,
        record: bool = True,
    ) -> Answer:
        """Answer from memory with citations; the turn is recorded as chat unless `record` is False.

        A read-only facade cannot record: it needs `record=False` (ReadOnlyStore otherwise, before any
        answering), so a caller never believes a turn was kept when it was not.
        """
        if not question.strip():
            raise AssistantError("ask a question")
        if record:
            self.require_writable()
        self.vectors.attach(wait=self._wait_for_index)
        answer = self.answer_head.answer(question, now=now, on_token=on_token)
        if record:
            self._record_turn(question, answer, now or datetime.now(UTC))
        return answer

    @property
    def answer_head(self) -> AnswerHead:
        if self._head is None:
            self._head = AnswerHead(self.recall, self._answer_model, self._core_blocks, digest=self.digest)
        return self._head

    def _answer_model(self) -> TextModel | None:
        """The chat model for answers; a broken model leaves answers extractive instead of failing."""
        try:
            return self.models.chat_model()
        except ModelError as exc:
            self.notes["model"] = f"model unavailable: {exc}"
            return None

    def _core_blocks(self) -> list[CoreBlock]:
        """The blocks every prompt carries: the user's edits and what came from chats, never from screens
        (blocks written from a screen before that rule are left out)."""
        return [
            m
            for m in self.list_memories("core", limit=50)
            if isinstance(m, CoreBlock) and all(s.kind == "chat" for s in m.sources)
        ]

    def ask_history(self, limit: int = 50, *, now: datetime | None = None) -> list[Answer]:
        """The latest questions asked (in Ask, quick recall or the CLI) with their answers, oldest first."""
        return recent_answers(self.store.db.reader(), limit=limit, now=now or datetime.now(UTC))

    def _record_turn(self, question: str, answer: Answer, when: datetime) -> None:
        session = f"{ASK_SESSION_PREFIX}{when.date().isoformat()}"
        cited = [c.hit.id for c in answer.citations]
        tags = [c.tag for c in answer.citations]  # how the answer's text refers to them, for ask_history
        self.add_events(
            [
                RawEvent(
                    kind="chat",
                    occurred_at=when,
                    text=question,
                    speaker="user",
                    session=session,
                    meta={"origin": "ask"},
                ),
                RawEvent(
                    kind="chat",
                    occurred_at=when + timedelta(microseconds=1),
                    text=answer.text,
                    speaker="assistant",
                    session=session,
                    meta={"origin": "ask", "cited": cited, "tags": tags},
                ),
            ]
        )

    # -- backup -----------------------------------------------------------------------------------
    def export(self, out: str | os.PathLike[str]) -> Path:
        return backup.export(self.store, Path(out))

    def restore(self, archive: str | os.PathLike[str], passphrase: str) -> None:
        self.close()
        backup.restore(self.paths, Path(archive), passphrase)
        self.unlock(passphrase)
