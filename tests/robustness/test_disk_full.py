"""A full disk during capture: capture pauses with a status message, the store stays whole, and capture
resumes by itself once space returns.

The data dir lives on a 2 MiB tmpfs (we mount it: root only), filled up but for a little room. The
real capture control, scheduler and FrameWriter run; only the screen is fake (tests/robustness/fakes.py),
so frames arrive every 0.1 s with or without thumbnails: with them the blob file hits ENOSPC first,
without them SQLite's WAL does ("database or disk is full").
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.capture import control as capture_control
from assistant.capture import writer as capture_writer
from assistant.capture.control import CaptureControl
from assistant.store import integrity
from tests.conftest import PASSPHRASE
from tests.robustness.conftest import Mount
from tests.robustness.fakes import W, fake_pipeline

FREE_BYTES = 320 * 1024


@pytest.fixture
def small_disk(tmpfs: Mount) -> Path:
    return tmpfs("size=2M")


def fill(disk: Path, leave: int) -> Path:
    """Fill the file system, then give back `leave` bytes; returns the filler file."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\1" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def wait_for(what: str, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


def screen_events(app: Assistant) -> int:
    return int(
        app._core.store.db.reader().execute("SELECT count(*) FROM raw_events WHERE kind = 'screen'").fetchone()[0]
    )


def assert_consistent(app: Assistant, stored: int) -> None:
    """Every frame the writer counted is in the store, whole, and nothing else is."""
    assert integrity.problems(app._core.store.db) == []
    assert screen_events(app) == stored
    conn = app._core.store.db.reader()
    rows = {r[0] for r in conn.execute("SELECT id FROM blobs")}
    files = {p.name.removesuffix(".blob") for p in app.paths.blobs.glob("*.blob")}
    assert rows == files, "thumbnail rows and files differ"
    assert not list(app.paths.blobs.glob(".*.tmp")), "a half-written thumbnail was left behind"


@pytest.mark.parametrize("thumbnails", [True, False], ids=["blob-hits-enospc", "wal-hits-enospc"])
def test_capture_pauses_when_the_disk_fills_and_resumes_when_space_returns(
    small_disk: Path, monkeypatch: pytest.MonkeyPatch, thumbnails: bool
) -> None:
    monkeypatch.setattr(capture_control, "DISK_FULL_RETRY", timedelta(seconds=0.3))
    seen: list[str] = []
    real_is_disk_full = capture_writer.is_disk_full

    def spy(exc: BaseException) -> bool:
        seen.append(f"{type(exc).__name__}: {exc}")
        return real_is_disk_full(exc)

    monkeypatch.setattr(capture_writer, "is_disk_full", spy)

    def build(control: CaptureControl) -> object:
        pipeline = fake_pipeline(control.writer)
        # Full-size noise thumbnails (~100 KB) run out of room before the WAL does; none: the WAL does.
        pipeline.settings = replace(pipeline.settings, thumbnails=thumbnails, thumbnail_width=W)
        return pipeline

    monkeypatch.setattr(CaptureControl, "_build", build)
    app = Assistant(small_disk / "data")
    app.init(PASSPHRASE)
    try:
        app.settings.current.capture.interval_seconds = 0.1
        filler = fill(small_disk, FREE_BYTES)
        app.capture.start()
        app._core.background.start()
        wait_for("the disk is reported full", lambda: app.capture.status().disk_full)
        status = app.capture.status()
        assert status.words == "paused: the disk is full; free some space and capture resumes by itself"
        shown = app.status().capture
        assert shown is not None and shown.words == status.words
        full_at = app._core.capture.writer.stored
        assert full_at >= 1  # frames were stored until the space ran out
        time.sleep(1.0)  # retries while still full must neither store nor break anything
        assert app.capture.status().disk_full
        assert_consistent(app, app._core.capture.writer.stored)
        expected = "No space left on device" if thumbnails else "database or disk is full"
        assert any(expected in error for error in seen), seen

        filler.unlink()
        wait_for(
            "capture resumes",
            lambda: not app.capture.status().disk_full and app._core.capture.writer.stored >= full_at + 3,
        )
        assert "disk is full" not in app.capture.status().words
        app.capture.stop()
        assert_consistent(app, app._core.capture.writer.stored)
    finally:
        app.close()
    again = Assistant(small_disk / "data")
    again.unlock(PASSPHRASE)
    try:
        assert integrity.problems(again._core.store.db) == []
        assert screen_events(again) >= 4
    finally:
        again.close()
