"""The model pass, later: the episodes the deterministic pass wrote down are read by the model one at a
time, oldest first, whenever the caller lets it (the scheduler: while the user is idle or on AC power).

Each episode's memories are written and the episode taken off the backlog in one transaction, so an
episode is read once: a crash or a stop mid-call leaves it waiting, and it is read again after a
restart. An episode whose events were deleted while the model read it (forget, retention) is dropped
with whatever the model made of it.

The deterministic pass runs every minute, so a window used for ten minutes is written down as ten
pieces; the model reads such pieces of one run (or chat session) as one episode, up to its token
budget, so running often does not multiply the calls.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext

from assistant.consolidation.engine import ConsolidationReport, store_planned
from assistant.consolidation.grouping import continues
from assistant.consolidation.model_pass import (
    EPISODE_TOKENS,
    Episode,
    Extraction,
    Fresh,
    ModelExtractor,
    bounded,
    episode_header,
    line_key,
)
from assistant.errors import ModelError, ModelInterrupted
from assistant.llm.text_model import Interruptible, TextModel, ThreadBudget
from assistant.store import backlog as backlog_repo
from assistant.store import events as event_repo
from assistant.store.db import Database
from assistant.values import RawEvent

log = logging.getLogger(__name__)
LOOKAHEAD = 32  # waiting pieces looked at for the rest of the oldest one's run
STOP_CHECK_S = 0.5  # how often a model call in progress asks whether the user is back


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
                gathered = self._gather(extractor.model)
                if gathered is None:
                    break
                seqs, episode = gathered
                found = Extraction()
                if episode is None:
                    found.skipped += 1
                else:
                    if not primed:
                        extractor.prime(found)
                        primed = True
                    try:
                        extractor.read(episode, found)
                    except ModelInterrupted:  # the user is back mid-call: it waits, as it was
                        _add(report, found)
                        report.model_interrupted = True
                        break
                with self._db.write() as conn:
                    if all(backlog_repo.waiting(conn, seq) for seq in seqs):
                        store_planned(conn, found.planned, found.secrets, self._seal, report)
                        for seq in seqs:
                            backlog_repo.done(conn, seq)
                _add(report, found)
        finally:
            self._draining.release()
        report.model_waiting = self.waiting()
        return report

    def _gather(self, model: TextModel) -> tuple[list[int], Episode | None] | None:
        """The oldest waiting piece with the later pieces of its run (up to the episode's token budget),
        as the model reads them now: their events as stored, the header over all of them, the new lines
        within the budget. None when nothing waits; no episode when its events are gone."""
        conn = self._db.reader()
        rows = backlog_repo.oldest(conn, LOOKAHEAD)
        if not rows:
            return None
        found = event_repo.get_events(conn, [i for row in rows for i in row.event_ids])

        def events(row: backlog_repo.WaitingEpisode) -> list[RawEvent]:
            return sorted((found[i] for i in row.event_ids if i in found), key=lambda e: (e.occurred_at, e.id))

        first = rows[0]
        group, lines, dropped = events(first), first.text.split("\n")[1:], first.dropped_lines
        seqs = [first.seq]
        seen = {line_key(line) for line in lines}
        for row in rows[1:]:
            more = events(row)
            if not group or not more or not continues(group[-1], more[0]):
                continue
            if model.count_tokens("\n".join(lines)) >= EPISODE_TOKENS:
                break  # this episode is full: the rest of the run is the next one
            new = [line for line in row.text.split("\n")[1:] if line_key(line) not in seen]
            seen.update(line_key(line) for line in new)
            group, lines, dropped = [*group, *more], [*lines, *new], dropped + row.dropped_lines
            seqs.append(row.seq)
        if not group:
            return seqs, None
        return seqs, bounded(Fresh(episode_header(group), lines, group), model, dropped=dropped)


class _Every:
    """`check()` asked at most every `seconds` (the model asks per generated token); the last answer between."""

    def __init__(self, seconds: float, check: Callable[[], bool]) -> None:
        self._seconds, self._check = seconds, check
        self._at, self._last = -seconds, False

    def __call__(self) -> bool:
        now = time.monotonic()
        if now - self._at >= self._seconds:
            self._at, self._last = now, self._check()
        return self._last


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
    stop = _Every(STOP_CHECK_S, lambda: not keep_going())
    interrupt = loaded.interrupt_when(stop) if keep_going is not _always and isinstance(loaded, Interruptible) else None
    with budget, interrupt or nullcontext():
        drained = backlog.drain(ModelExtractor(loaded), keep_going, report)
    report.model_status = "model pass on" if drained is not None else "the model pass is running in the background"
    return report
