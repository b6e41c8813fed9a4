"""The facade: the one surface the CLI, the MCP server and the UI use. `Assistant` owns the store and is
made of managers, one per concern (`app.memories`, `app.search`, `app.answers`, ...), each in its own
module under `assistant/app/`. They return plain typed values and raise `AssistantError`s with messages a
user can act on; the work lives in the modules they delegate to."""

from __future__ import annotations

import logging
import os
from dataclasses import replace

from assistant import privacy
from assistant.app.answers import AnswerManager
from assistant.app.backups import BackupManager
from assistant.app.capture import CaptureManager, StorageUsage
from assistant.app.consolidation import ConsolidationManager
from assistant.app.core import Access, Core
from assistant.app.integrations import IntegrationsManager
from assistant.app.memories import MemoryManager
from assistant.app.models import ModelsManager
from assistant.app.search import SearchManager
from assistant.app.security import SecurityManager
from assistant.app.settings import SettingsManager
from assistant.app.timeline import TimelineManager
from assistant.capture import pause_note
from assistant.capture.status import CaptureState, CaptureStatus
from assistant.consolidation.engine import ConsolidationReport
from assistant.diagnostics.status import Status, capture_backend, fill_store_status
from assistant.llm.gguf_info import Role
from assistant.llm.manager import ModelEntry, RecommendedModel
from assistant.paths import DataPaths, resolve_data_dir
from assistant.store import opened
from assistant.values import Notes

__all__ = [
    "Access",
    "Assistant",
    "CaptureState",
    "CaptureStatus",
    "ConsolidationReport",
    "ModelEntry",
    "Notes",
    "RecommendedModel",
    "Role",
    "Status",
    "StorageUsage",
]

log = logging.getLogger(__name__)


class Assistant:
    def __init__(self, data_dir: str | os.PathLike[str] | None = None) -> None:
        self._core = core = Core(DataPaths(resolve_data_dir(data_dir)))
        self.capture = CaptureManager(core)
        self.memories = MemoryManager(core)
        self.timeline = TimelineManager(core)
        self.search = SearchManager(core)
        self.answers = AnswerManager(core, digest=self.timeline.digest)
        self.consolidation = ConsolidationManager(core)
        self.models = ModelsManager(core)
        self.backups = BackupManager(core)
        self.settings = SettingsManager(core)
        self.security = SecurityManager(core)
        self.integrations = IntegrationsManager(core)

    @property
    def paths(self) -> DataPaths:
        """Where the data dir and the files in it are."""
        return self._core.paths

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def initialized(self) -> bool:
        return opened.is_initialized(self._core.paths)

    @property
    def unlocked(self) -> bool:
        return self._core.unlocked

    def init(self, passphrase: str) -> None:
        """Create the encrypted store under a new passphrase, and leave it unlocked."""
        self._core.opened(opened.create(self._core.paths, passphrase))
        log.info("store created (schema %s)", self._core.store.db.schema_version)

    def unlock(self, passphrase: str | None = None, *, access: Access = "write") -> None:
        """Unlock with the passphrase; None tries the OS keyring (if the user opted in).

        `access` (see Access) says whether this facade may change the store; read-only, every change
        raises ReadOnlyStore saying why, before any work is done where that is known up front.
        """
        self._core.unlock(passphrase, access)

    @property
    def read_only(self) -> bool:
        """True when this facade cannot change the store (see `read_only_reason`)."""
        return self._core.store.read_only

    @property
    def read_only_reason(self) -> str | None:
        """Why the store is read-only ("another process (pid 12) has it open for writing"), None when writable."""
        return self._core.store.read_only_reason

    def start_background(self) -> None:
        """Periodic consolidation, the model pass when the user is idle, and capture if the user turned it
        on (capture is off until they do)."""
        core = self._core
        core.require_writable()  # every job would fail at its first write
        core.background.schedule_consolidation(
            self.consolidation.run_and_index, core.settings.consolidation.interval_minutes
        )
        core.background.schedule_model_pass(self.consolidation.model_pass_job())
        if core.settings.capture.enabled:
            core.capture.start()

    def close(self) -> None:
        """Stop capture and background work, unload the models and lock the store."""
        self._core.close()

    # -- status -----------------------------------------------------------------------------------
    def notes(self) -> Notes:
        """Conditions worth showing (a broken model, search on full text only, ...), as of now."""
        return replace(self._core.notes)

    def status(self) -> Status:
        core = self._core
        st = Status(
            data_dir=str(core.paths.root),
            initialized=self.initialized,
            unlocked=self.unlocked,
            local_only=privacy.local_only(),
            capture_enabled=core.settings.capture.enabled,
            notes=self.notes(),
        )
        if core.unlocked:
            st.search = core.search_mode()
            fill_store_status(st, core.store)
            control = core.capture_here
            st.capture = control.status() if control is not None else None
            st.capture_backend = st.capture.backend if st.capture is not None else capture_backend()
            if st.capture is None and st.capture_enabled and opened.in_use_elsewhere(core.paths):
                st.capture_elsewhere = pause_note.describe(core.paths) or "on"  # the app's pause, seen from here
        return st
