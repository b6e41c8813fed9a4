"""`app.consolidation`: turn raw events into typed memories, now or every few minutes in the background."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.app.core import Core
from assistant.capture.upkeep import thumbnail_upkeep
from assistant.consolidation.engine import ConsolidationReport, Consolidator
from assistant.errors import AssistantError, ModelError
from assistant.values import Progress


class ConsolidationManager:
    def __init__(self, core: Core) -> None:
        self._core = core

    def _consolidator(self) -> Consolidator:
        core = self._core
        if core.consolidator is None:
            store = core.store
            core.consolidator = Consolidator(store.db, core.settings.consolidation, seal=store.seal_secret)
        return core.consolidator

    def run(self, progress: Progress | None = None) -> ConsolidationReport:
        """Turn pending raw events into memories now, then apply raw-event retention.

        With a chat model the model pass runs too; a missing or broken model is reported in the
        result and the deterministic pass carries on.
        """
        from assistant.consolidation.model_pass import ModelExtractor

        core = self._core
        core.require_writable()  # before loading the chat model for a run that could not be stored
        status = ""
        extractor = None
        try:
            model = core.models.chat_model() if core.settings.consolidation.use_model else None
            extractor = ModelExtractor(model) if model else None
        except ModelError as exc:
            status = f"model unavailable ({exc}); deterministic pass only"
        consolidator = self._consolidator()
        report = consolidator.run(progress, extractor=extractor)
        if status:
            report.model_status = status
        elif extractor is not None:
            report.model_status = "model pass on"
        report.retention_deleted = consolidator.apply_retention(datetime.now(UTC))
        thumbnail_upkeep(core.store, core.settings.capture.thumbnail_retention_days)  # and retention's leftovers
        return report

    def run_and_index(self) -> None:
        """The periodic job: new raw events become memories, everything new gets its vector, and a
        daily encrypted backup is written (keeping `backup.keep` of them)."""
        from assistant.store.backup import rotate_if_due

        core = self._core
        self.run()
        core.vectors.index_pending()
        try:
            rotate_if_due(core.store, core.settings.backup.keep)
        except AssistantError as exc:  # e.g. a damaged store: say so where the user looks
            core.notes.backup = f"automatic backup failed: {exc}"
