"""The status report: what is stored, what is pending, and what capture and the models are doing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from assistant.capture.status import CaptureStatus
from assistant.store import backlog as backlog_repo
from assistant.store import events as event_repo
from assistant.store import memories as memory_repo
from assistant.store.opened import OpenedStore
from assistant.values import Notes, SearchMode


@dataclass
class Status:
    data_dir: str
    initialized: bool
    unlocked: bool
    schema_version: int | None = None
    memories: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    pending_consolidation: int = 0
    model_backlog: int = 0  # episodes written down for the model pass and not read yet
    local_only: bool = True
    read_only_reason: str | None = None  # why this process cannot change the store; None when it can
    capture_enabled: bool = False  # the user's consent (capture.enabled)
    capture: CaptureStatus | None = None  # capture's live state when it runs (or ran) in this process
    capture_elsewhere: str | None = None  # capture as the app (another process) has it: "on", "paused until …"
    capture_backend: str = ""  # which screen reader and window probe this session uses (or why none can)
    last_capture: datetime | None = None  # the newest screen capture in the store
    search: SearchMode | None = None  # hybrid or full text only (None before the store exists)
    notes: Notes = field(default_factory=Notes)

    @property
    def model_backlog_text(self) -> str:
        """The backlog as the status tells it: "42 episodes waiting for the model"."""
        n = self.model_backlog
        return f"{n} episode{'s' if n != 1 else ''} waiting for the model" if n else "nothing waiting for the model"


def capture_backend() -> str:
    from assistant.capture.factory import session_backend

    return session_backend()


def fill_store_status(st: Status, store: OpenedStore) -> None:
    """Counts from the store."""
    conn = store.db.reader()
    st.schema_version = store.db.schema_version
    st.memories = memory_repo.counts_by_type(conn)
    st.events = event_repo.counts_by_kind(conn)
    st.pending_consolidation = event_repo.count_pending(conn)
    st.model_backlog = backlog_repo.count(conn) if st.schema_version and st.schema_version >= 4 else 0
    st.last_capture = event_repo.last_event_time(conn, "screen")
    st.read_only_reason = store.read_only_reason
