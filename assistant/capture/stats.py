"""Counters the capture pipeline keeps, and the snapshot it shows to the status view and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime


@dataclass(frozen=True)
class CaptureStats:
    """A consistent snapshot of the pipeline.

    state: "recording" | "paused" | "idle" | "locked" | "stopped" | "unavailable: <why>".
    ocr_status: "ok" | "disabled" | "unavailable: <why>" (the last OCR outcome).
    last_skip_reason: why the last tick recorded nothing ("unchanged", "paused", "screen locked",
    "user idle", "excluded app: KeePassXC", ...), None when it recorded something.
    frames_excluded counts ticks skipped for an excluded window (nothing was grabbed then);
    windows_masked counts excluded windows blacked out of kept frames while another window had focus.
    ocr_queue_depth counts frames waiting for OCR plus the one being read.
    """

    state: str
    frames_seen: int
    frames_kept: int
    frames_unchanged: int
    frames_excluded: int
    windows_masked: int
    ocr_queue_depth: int
    ocr_done: int
    ocr_dropped: int
    ocr_failed: int
    redactions: int
    secrets_found: int
    records: int
    record_errors: int
    last_capture_at: datetime | None
    last_skip_reason: str | None
    paused_until: datetime | None
    ocr_status: str


@dataclass
class Counters:
    """The pipeline's mutable counters; always read and written under the pipeline's lock."""

    state: str = "recording"
    frames_seen: int = 0
    frames_kept: int = 0
    frames_unchanged: int = 0
    frames_excluded: int = 0
    windows_masked: int = 0
    ocr_done: int = 0
    ocr_dropped: int = 0
    ocr_failed: int = 0
    redactions: int = 0
    secrets_found: int = 0
    records: int = 0
    record_errors: int = 0
    last_capture_at: datetime | None = None
    last_skip_reason: str | None = None
    ocr_status: str = "ok"
    ocr_busy: bool = False

    def snapshot(
        self, *, state: str, ocr_queue_depth: int, ocr_status: str, paused_until: datetime | None
    ) -> CaptureStats:
        own = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "ocr_busy"}
        own.update(state=state, ocr_status=ocr_status)
        return CaptureStats(ocr_queue_depth=ocr_queue_depth, paused_until=paused_until, **own)
