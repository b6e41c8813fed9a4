"""What the facade's managers share: the data dir, the settings, the open store and the services built on
it (recall, the vector index, capture, the scheduler, consolidation, the answering head, the lock watcher).
Private to the facade: the CLI, the MCP server and the UI reach all of this only through the managers of
`assistant.api.Assistant`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

from assistant import privacy
from assistant.capture import pause_note
from assistant.config import Settings, load_settings, save_settings
from assistant.diagnostics.logs import setup_logging
from assistant.errors import AssistantError, Locked
from assistant.llm.service import ModelService
from assistant.locking import coredumps
from assistant.paths import DataPaths
from assistant.retrieval.recall import Recall
from assistant.retrieval.vector_service import VectorService
from assistant.store import opened
from assistant.store.opened import OpenedStore
from assistant.values import Notes, SearchMode

if TYPE_CHECKING:
    from assistant.answer.head import AnswerHead
    from assistant.capture.control import CaptureControl
    from assistant.consolidation.backlog import ModelBacklog
    from assistant.consolidation.engine import Consolidator
    from assistant.locking.watcher import SessionWatcher
    from assistant.scheduler.service import BackgroundService

log = logging.getLogger(__name__)

# How `unlock` opens the store. "write": hold it until close (StoreInUse if another process does).
# "read": never change it, and work beside a process that holds it (see store/readonly.py). "write-if-free":
# write when no other process holds it, read beside one that does (`ask`: it answers either way).
Access = Literal["write", "read", "write-if-free"]


class Core:
    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self.settings: Settings = load_settings(paths.config)
        privacy.set_local_only(self.settings.privacy.local_only)
        self.models = ModelService(paths.models, self.settings.models)
        self.notes = Notes()  # conditions worth showing in status (a broken model, ...), set as they arise
        self.wait_for_index = True  # a one-shot command waits for the vector index; the app does not
        self.lock_watcher: SessionWatcher | None = None
        self._store: OpenedStore | None = None
        self._recall: Recall | None = None
        self._vectors: VectorService | None = None
        self._capture: CaptureControl | None = None
        self._background: BackgroundService | None = None
        self.consolidator: Consolidator | None = None  # built on first use, per open store
        self.backlog: ModelBacklog | None = None  # likewise, with the consolidator
        self.head: AnswerHead | None = None  # likewise

    # -- the store and what is built on it --------------------------------------------------------
    def opened(self, store: OpenedStore) -> None:
        coredumps.disable()  # keys in memory from here on: no core file may hold them
        if self.lock_watcher is not None:
            self.lock_watcher.rearm()  # unlocked: the next session lock, suspend or idle spell locks again
        self._store = store
        self._recall = Recall(store.db, timezone=self.settings.retrieval.timezone)
        self._vectors = VectorService(
            store.db, self.paths, self.settings.retrieval, self.models, self._recall, self.notes, store.data_key
        )
        setup_logging(self.paths)
        if not store.read_only and not self.paths.config.exists():
            self.save_settings()

    def unlock(self, passphrase: str | None, access: Access) -> None:
        """Open the store (None: from the OS keyring, if the user opted in); nothing when it is open."""
        if self._store is None:
            read_only = access == "read" or (access == "write-if-free" and opened.in_use_elsewhere(self.paths))
            self.opened(opened.open_existing(self.paths, passphrase, read_only=read_only))
            log.info("store unlocked%s", " read-only" if read_only else "")

    def search_mode(self) -> SearchMode:
        """Hybrid when an embedding model is chosen and its index did not fail to load; otherwise why not."""
        mode = self.models.search_mode()
        failure = self._vectors.failure if self._vectors is not None else None
        if mode.embedder is None or failure is None:
            return mode
        return SearchMode(None, f"{failure}; choose another embedding model (`assistant models list`)")

    @property
    def unlocked(self) -> bool:
        return self._store is not None

    @property
    def store(self) -> OpenedStore:
        if self._store is None:
            raise Locked()
        return self._store

    @property
    def recall(self) -> Recall:
        if self._recall is None:
            raise Locked()
        return self._recall

    @property
    def vectors(self) -> VectorService:
        if self._vectors is None:
            raise Locked()
        return self._vectors

    def require_writable(self) -> None:
        """ReadOnlyStore, saying why, unless the store may be changed."""
        opened.require_writable(self.store)

    # -- settings ---------------------------------------------------------------------------------
    def save_settings(self) -> None:
        self.paths.ensure()
        save_settings(self.paths.config, self.settings)
        privacy.set_local_only(self.settings.privacy.local_only)

    def set_setting(self, dotted: str, value: object) -> None:
        """Set `section.key` (text from the command line is converted to the setting's type) and save."""
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

    # -- capture and background work --------------------------------------------------------------
    @property
    def background(self) -> BackgroundService:
        if self._background is None:
            from assistant.scheduler.service import BackgroundService

            self._background = BackgroundService()
        return self._background

    @property
    def capture(self) -> CaptureControl:
        if self._capture is None:
            from assistant.capture.control import CaptureControl

            self.require_writable()  # refused before grabbing and reading a screen it could not store
            self._capture = CaptureControl(self.store, self.settings.capture, self.background.scheduler)
        return self._capture

    @property
    def capture_here(self) -> CaptureControl | None:
        """Capture's control when this process has used it, else None (nothing is built to ask)."""
        return self._capture

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
            self.consolidator = None
            self.backlog = None
            self.head = None
            coredumps.restore()
