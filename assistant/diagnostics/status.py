"""The status report: what is stored, what is pending, and what capture and the models are doing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.store import backlog as backlog_repo
from assistant.store import events as event_repo
from assistant.store import memories as memory_repo
from assistant.store.opened import OpenedStore

CAPTURE_KEYS = ("frames_seen", "frames_kept", "frames_unchanged", "ocr_queue_depth", "redactions", "ocr_status")


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
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def model_backlog_text(self) -> str:
        """The backlog as the status tells it: "42 episodes waiting for the model"."""
        n = self.model_backlog
        return f"{n} episode{'s' if n != 1 else ''} waiting for the model" if n else "nothing waiting for the model"


def capture_backend() -> str:
    from assistant.capture.factory import session_backend

    return session_backend()


def fill_store_status(st: Status, store: OpenedStore, capture: dict[str, Any] | None, capture_on: bool) -> None:
    """Counts from the store, and capture's live state when it runs in this process."""
    conn = store.db.reader()
    st.schema_version = store.db.schema_version
    st.memories = memory_repo.counts_by_type(conn)
    st.events = event_repo.counts_by_kind(conn)
    st.pending_consolidation = event_repo.count_pending(conn)
    st.model_backlog = backlog_repo.count(conn) if st.schema_version and st.schema_version >= 4 else 0
    last = event_repo.last_event_time(conn, "screen")
    st.extra["capture"] = capture["state"] if capture else ("on" if capture_on else "off")
    st.extra["last capture"] = last.isoformat() if last else "never"
    st.extra["capture backend"] = capture["backend"] if capture else capture_backend()
    for key in CAPTURE_KEYS if capture else ():
        st.extra[key] = capture.get(key) if capture else None
