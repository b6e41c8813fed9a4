"""The consolidation run: pending raw events, in time order and in batches, become typed memories.

This is the deterministic pass; it needs no model and runs on schedule, so what was captured is
searchable minutes later. Each batch is planned outside the write lock, then written, its events marked
consolidated and (with `for_model`) its episodes written down for the model pass (backlog.py) in ONE
transaction. A crash mid-batch leaves the batch pending; a re-run replays it and, with ids derived from
merge keys, produces the same memories as an uninterrupted run.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from assistant.config import ConsolidationSettings
from assistant.consolidation import deterministic, merge
from assistant.consolidation.deterministic import Planned
from assistant.consolidation.grouping import continues
from assistant.consolidation.model_pass import write_down
from assistant.errors import AssistantError
from assistant.store import backlog as backlog_repo
from assistant.store import events as event_repo
from assistant.store.db import Database
from assistant.store.sql import Connection
from assistant.values import Progress, RawEvent, to_ts

log = logging.getLogger(__name__)


@dataclass
class ConsolidationReport:
    events: int = 0
    batches: int = 0
    added: int = 0
    merged: int = 0
    updated: int = 0
    model_calls: int = 0
    model_fallbacks: int = 0
    model_episodes: int = 0
    model_skipped: int = 0
    model_dropped_lines: int = 0
    model_prompt_tokens: int = 0
    model_generated_tokens: int = 0
    model_seconds: float = 0.0
    model_waiting: int = 0  # episodes written down for the model pass and not read yet
    model_interrupted: bool = False  # the model pass stopped mid-call (the user came back); that episode waits
    retention_deleted: int = 0
    seconds: float = 0.0
    model_status: str = "no chat model configured: deterministic pass only"


def batches(events: Sequence[RawEvent], max_events: int, max_tokens: int) -> list[list[RawEvent]]:
    """Split by count and by a rough token budget (4 characters a token), never inside a run or session.

    Keeping runs whole makes the memories independent of where the batches fall; a run longer than four
    batches is cut anyway (its episode is then extended by merge) so one batch stays bounded.
    """
    out: list[list[RawEvent]] = []
    current: list[RawEvent] = []
    tokens = 0
    for ev in events:
        cost = len(ev.text) // 4 + 8
        full = len(current) >= max_events or tokens + cost > max_tokens
        huge = len(current) >= 4 * max_events or tokens + cost > 4 * max_tokens
        if current and (huge or (full and not continues(current[-1], ev))):
            out.append(current)
            current, tokens = [], 0
        current.append(ev)
        tokens += cost
    if current:
        out.append(current)
    return out


class Consolidator:
    def __init__(
        self,
        db: Database,
        settings: ConsolidationSettings,
        *,
        seal: Callable[[str, str], bytes],
    ) -> None:
        self._db = db
        self._settings = settings
        self._seal = seal
        self._running = threading.Lock()

    def run(
        self, progress: Progress | None = None, *, for_model: bool = False, max_batches: int | None = None
    ) -> ConsolidationReport:
        """Consolidate what is pending; `for_model` also writes each batch's episodes down for the model
        pass, which reads them later (`backlog.ModelBacklog.drain`)."""
        if not self._running.acquire(blocking=False):
            raise AssistantError("consolidation is already running")
        try:
            return self._run(progress, for_model, max_batches)
        finally:
            self._running.release()

    def _run(self, progress: Progress | None, for_model: bool, max_batches: int | None) -> ConsolidationReport:
        started = time.monotonic()
        report = ConsolidationReport()
        pending = event_repo.list_events(self._db.reader(), pending_only=True)
        total = len(pending)
        if progress:
            progress(0, total)
        for batch in batches(pending, self._settings.batch_events, self._settings.batch_tokens):
            if max_batches is not None and report.batches >= max_batches:
                break
            self._one_batch(batch, report, for_model)
            report.events += len(batch)
            if progress:
                progress(report.events, total)
        report.seconds = time.monotonic() - started
        report.model_waiting = backlog_repo.count(self._db.reader())
        log.info(
            "consolidated %d events in %d batches: %d added, %d merged, %d updated",
            report.events,
            report.batches,
            report.added,
            report.merged,
            report.updated,
        )
        return report

    def _one_batch(self, batch: list[RawEvent], report: ConsolidationReport, for_model: bool) -> None:
        planned = deterministic.plan(batch)
        waiting = write_down(batch) if for_model else []
        with self._db.write() as conn:
            store_planned(conn, planned, [], self._seal, report)
            for text, dropped, ids in waiting:
                backlog_repo.add(conn, text, dropped, ids)
            event_repo.mark_consolidated(conn, [e.id for e in batch])
        report.batches += 1

    def apply_retention(self, now: datetime) -> int:
        """Delete consolidated raw events stored longer than the retention period; memories keep their refs.

        Age counts from when an event entered the store, so importing an old transcript does not delete
        its messages the moment they are consolidated.
        """
        days = self._settings.raw_retention_days
        if days <= 0:
            return 0
        cutoff = to_ts(now - timedelta(days=days))
        with self._db.write() as conn:
            ids = event_repo.consolidated_before(conn, cutoff)
            event_repo.delete_events(conn, ids)
        if ids:
            log.info("retention removed %d raw events", len(ids))
        return len(ids)


def store_planned(
    conn: Connection,
    planned: Sequence[Planned],
    secrets: Sequence[tuple[Planned, str]],
    seal: Callable[[str, str], bytes],
    report: ConsolidationReport,
) -> None:
    """Write planned memories (and vault entries with their sealed secrets), counting the outcomes."""
    for item in planned:
        _count(report, merge.write(conn, item))
    for item, value in secrets:
        item.memory.id = merge.stable_id(item.merge_key, item.memory)
        _count(report, merge.write(conn, item, sealed=seal(value, item.memory.id)))


def _count(report: ConsolidationReport, outcome: merge.Outcome) -> None:
    setattr(report, outcome, getattr(report, outcome) + 1)
