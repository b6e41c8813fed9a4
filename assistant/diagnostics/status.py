"""The status report: what is stored, what is pending, and what capture and the models are doing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    local_only: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


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
    last = event_repo.last_event_time(conn, "screen")
    st.extra["capture"] = capture["state"] if capture else ("on" if capture_on else "off")
    st.extra["last capture"] = last.isoformat() if last else "never"
    st.extra["capture backend"] = capture["backend"] if capture else capture_backend()
    for key in CAPTURE_KEYS if capture else ():
        st.extra[key] = capture.get(key) if capture else None
