"""The model pass, later: the episodes the deterministic pass wrote down are read by the model one at a
time, oldest first, whenever the caller lets it (the scheduler: while the user is idle or on AC power).

Each episode's memories are written and the episode taken off the backlog in one transaction, so an
episode is read once: a crash or a stop mid-call leaves it waiting, and it is read again after a
restart. An episode whose events were deleted while the model read it (forget, retention) is dropped
with whatever the model made of it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext

from assistant.consolidation.engine import ConsolidationReport, store_planned
from assistant.consolidation.model_pass import Episode, Extraction, Fresh, ModelExtractor, bounded
from assistant.errors import ModelError
from assistant.llm.runtime import TextModel, ThreadBudget
from assistant.store import backlog as backlog_repo
from assistant.store import events as event_repo
from assistant.store.db import Database

log = logging.getLogger(__name__)


def _always() -> bool:
    return True


class ModelBacklog:
    def __init__(self, db: Database, seal: Callable[[str, str], bytes]) -> None:
        self._db = db
        self._seal = seal
        self._draining = threading.Lock()

    def waiting(self) -> int:
        """Episodes written down for the model and not read yet."""
        return backlog_repo.count(self._db.reader())

    def drain(
        self,
        extractor: ModelExtractor,
        keep_going: Callable[[], bool] = _always,
        report: ConsolidationReport | None = None,
    ) -> ConsolidationReport | None:
        """Read waiting episodes while `keep_going()` says so before each one; the model's counts are added
        to `report`. None when another drain is running (the episodes are its to read)."""
        if not self._draining.acquire(blocking=False):
            return None
        report = report or ConsolidationReport()
        try:
            primed = False
            while keep_going():
                waiting = backlog_repo.oldest(self._db.reader())
                if waiting is None:
                    break
                found = Extraction()
                episode = self._episode(waiting, extractor.model)
                if episode is None:
                    found.skipped += 1
                else:
                    if not primed:
                        extractor.prime(found)
                        primed = True
                    extractor.read(episode, found)
                with self._db.write() as conn:
                    if backlog_repo.waiting(conn, waiting.seq):
                        store_planned(conn, found.planned, found.secrets, self._seal, report)
                        backlog_repo.done(conn, waiting.seq)
                _add(report, found)
        finally:
            self._draining.release()
        report.model_waiting = self.waiting()
        return report

    def _episode(self, waiting: backlog_repo.WaitingEpisode, model: TextModel) -> Episode | None:
        """The episode as the model reads it now: its events as stored, its lines within the token budget."""
        found = event_repo.get_events(self._db.reader(), waiting.event_ids)
        events = sorted(found.values(), key=lambda e: (e.occurred_at, e.id))
        if not events:
            return None
        header, *lines = waiting.text.split("\n")
        return bounded(Fresh(header, lines, events), model, dropped=waiting.dropped_lines)


def _add(report: ConsolidationReport, found: Extraction) -> None:
    report.model_calls += found.calls
    report.model_fallbacks += found.fallbacks
    report.model_episodes += found.episodes
    report.model_skipped += found.skipped
    report.model_dropped_lines += found.dropped_lines
    report.model_prompt_tokens += found.prompt_tokens
    report.model_generated_tokens += found.generated_tokens
    report.model_seconds += found.seconds


def read_backlog(
    backlog: ModelBacklog,
    model: Callable[[], TextModel | None],
    keep_going: Callable[[], bool] = _always,
    *,
    threads: int | None = None,
    report: ConsolidationReport | None = None,
) -> ConsolidationReport:
    """Load the chat model and drain the backlog with it, on at most `threads` CPU threads (None: the
    model's own count). Without a model, or when it fails to load, the episodes keep waiting and the
    report says why."""
    report = report or ConsolidationReport()
    report.model_waiting = backlog.waiting()
    if not report.model_waiting:
        return report
    try:
        loaded = model()
    except ModelError as exc:
        report.model_status = (
            f"model unavailable ({exc}); {report.model_waiting} episodes wait for the model, deterministic pass only"
        )
        return report
    if loaded is None:
        report.model_status = f"no chat model: {report.model_waiting} episodes wait for the model"
        return report
    budget = loaded.thread_budget(threads) if threads and isinstance(loaded, ThreadBudget) else nullcontext()
    with budget:
        drained = backlog.drain(ModelExtractor(loaded), keep_going, report)
    report.model_status = "model pass on" if drained is not None else "the model pass is running in the background"
    return report
