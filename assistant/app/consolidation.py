"""`app.consolidation`: turn raw events into typed memories, now or every few minutes in the background;
the model pass reads what the deterministic pass wrote down for it, now or while the user is idle."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from assistant.app.core import Core
from assistant.capture.upkeep import thumbnail_upkeep
from assistant.consolidation.backlog import ModelBacklog, read_backlog
from assistant.consolidation.engine import ConsolidationReport, Consolidator
from assistant.errors import AssistantError
from assistant.values import Progress

if TYPE_CHECKING:
    from assistant.scheduler.model_job import ModelPassJob

RETENTION_EVERY_S = 3600.0


class ConsolidationManager:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._retention_at = -RETENTION_EVERY_S  # the first scheduled run applies it

    def _consolidator(self) -> Consolidator:
        core = self._core
        if core.consolidator is None:
            store = core.store
            core.consolidator = Consolidator(store.db, core.settings.consolidation, seal=store.seal_secret)
            core.backlog = ModelBacklog(store.db, store.seal_secret)
        return core.consolidator

    def _backlog(self) -> ModelBacklog:
        self._consolidator()
        assert self._core.backlog is not None
        return self._core.backlog

    def run(
        self, progress: Progress | None = None, *, model_pass: bool = True, retention: bool = True
    ) -> ConsolidationReport:
        """Turn pending raw events into memories now, then apply raw-event retention (unless `retention`
        is False).

        With a chat model, each batch's episodes are written down for the model pass; `model_pass` reads
        them now (the scheduled run leaves them to the background model pass, see `model_pass_job`). A
        missing or broken model is reported in the result and the episodes keep waiting.
        """
        core = self._core
        core.require_writable()  # before loading the chat model for a run that could not be stored
        settings = core.settings.consolidation
        for_model = settings.use_model and core.models.manager.active("chat") is not None
        consolidator = self._consolidator()
        report = consolidator.run(progress, for_model=for_model)
        if for_model:
            report.model_status = "model pass on"
        if model_pass and settings.use_model:
            read_backlog(self._backlog(), core.models.chat_model, report=report)
        if retention:
            report.retention_deleted = consolidator.apply_retention(datetime.now(UTC))
            thumbnail_upkeep(core.store, core.settings.capture.thumbnail_retention_days)  # and retention's leftovers
            self._retention_at = time.monotonic()
        return report

    def run_and_index(self) -> None:
        """The periodic job: new raw events become memories, everything new gets its vector, and a
        daily encrypted backup is written (keeping `backup.keep` of them). The model pass has its own job."""
        from assistant.store.backup import rotate_if_due

        core = self._core
        due = time.monotonic() - self._retention_at >= RETENTION_EVERY_S  # it scans the store: hourly is enough
        self.run(model_pass=False, retention=due)
        core.vectors.index_pending()
        try:
            rotate_if_due(core.store, core.settings.backup.keep)
        except AssistantError as exc:  # e.g. a damaged store: say so where the user looks
            core.notes.backup = f"automatic backup failed: {exc}"

    def waiting_for_model(self) -> int:
        """Episodes waiting for the model pass (the status bar's "42 episodes waiting for the model")."""
        return self._backlog().waiting()

    def model_pass_job(self, reason_to_wait: Callable[[], str | None] | None = None) -> ModelPassJob:
        """The background model pass: reads the backlog while the user is idle or on AC power (or while
        `reason_to_wait` says None), on one CPU thread of a niced scheduler thread."""
        from assistant.locking.idle import display_idle
        from assistant.scheduler.model_job import ModelPassGate, ModelPassJob
        from assistant.scheduler.power import on_battery

        core = self._core
        idle = display_idle()

        def gate() -> str | None:  # the settings as they are now
            s = core.settings.consolidation
            return ModelPassGate(idle, on_battery, s.model_idle_seconds, s.model_on_ac).reason_to_wait()

        def drain(keep_going: Callable[[], bool]) -> None:
            if core.settings.consolidation.use_model:
                read_backlog(self._backlog(), core.models.chat_model, keep_going, threads=1)

        return ModelPassJob(drain, reason_to_wait or gate, core.background.stopping)
