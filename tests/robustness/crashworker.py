"""A fork server for the kill -9 tests: imports the app once, then forks one worker per command.

    python -m tests.robustness.crashworker DATA_DIR

Commands on stdin, one a line: `capture ACKFILE START`, `consolidate ACKFILE START`, `quit`. For each
it forks a worker, prints `pid N`, waits for it to end (normally: to be killed) and prints `exit S`.
The worker opens the store, appends `ready` to ACKFILE, then loops until killed, appending an `ack`
line after each COMMIT returned (a plain write(2): it survives kill -9, as a pipe would):

- capture: the real pipeline on a fake screen (tests/robustness/fakes.py) into the real FrameWriter,
  thumbnails on and a small budget so eviction runs too. `ack N` = frame N is stored.
- consolidate: adds three chat events (some carrying a secret), then runs the Consolidator with small
  batches. `ack EVENT_ID` per stored event.

Forking from an idle, single-threaded process costs milliseconds, where a fresh interpreter would cost
a second: that is what lets the test kill a hundred workers in a minute.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.capture.frames import CapturedFrame
from assistant.capture.writer import FrameWriter
from assistant.config import ConsolidationSettings
from assistant.consolidation.engine import Consolidator
from assistant.paths import DataPaths
from assistant.store import opened
from assistant.store.ingest import Ingest
from assistant.values import RawEvent
from tests.conftest import PASSPHRASE
from tests.robustness.fakes import SECRET, fake_pipeline, frame_number

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
THUMBNAIL_BUDGET = 60_000  # bytes: a few dozen thumbnails, so old ones are evicted as frames arrive
WORDS = "budget lisbon router ficus invoice harbour lantern orchid piano quarry".split()


def chat_events(start: int, k: int) -> list[RawEvent]:
    """Three turns of a conversation; a session spans several loops, so episodes grow by merging."""
    out = []
    for i in range(3):
        n = start + 3 * k + i
        text = f"turn {n} about the {WORDS[n % len(WORDS)]} and the {WORDS[(n * 7) % len(WORDS)]}"
        if n % 7 == 0:
            text += f" token {SECRET}"
        out.append(
            RawEvent(
                kind="chat",
                occurred_at=T0 + timedelta(seconds=n),
                text=text,
                speaker=("alice", "bob")[n % 2],
                session=f"s{start}-{k // 4}",
            )
        )
    return out


def _ack(fd: int, line: str) -> None:
    os.write(fd, f"{line}\n".encode())


def run_capture(paths: DataPaths, ack: int, start: int) -> None:
    store = opened.open_existing(paths, PASSPHRASE)
    _ack(ack, "ready")
    writer = FrameWriter(
        store, thumbnail_budget_bytes=THUMBNAIL_BUDGET, on_disk_full=lambda _m: None, on_recovered=lambda: None
    )

    def sink(record: CapturedFrame) -> None:
        try:
            writer(record)
        except Exception as exc:  # the pipeline would log and go on: make it visible to the test
            _ack(ack, f"error {type(exc).__name__}: {exc}")
            os._exit(4)
        if not writer.disk_full:
            _ack(ack, f"ack {frame_number(record.text)}")

    pipeline = fake_pipeline(sink, start=start)
    while True:
        pipeline.capture_once()


def run_consolidate(paths: DataPaths, ack: int, start: int) -> None:
    store = opened.open_existing(paths, PASSPHRASE)
    _ack(ack, "ready")
    ingest = Ingest(store)
    consolidator = Consolidator(
        store.db, ConsolidationSettings(batch_events=4, raw_retention_days=0), seal=store.seal_secret
    )
    k = 0
    while True:
        events = chat_events(start, k)
        ingest.add_text_events((e, None) for e in events)
        for e in events:
            _ack(ack, f"ack {e.id}")
        consolidator.run()
        k += 1


def serve(data_dir: Path) -> None:
    paths = DataPaths(data_dir)
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            return
        mode, ack_file, start = parts[0], parts[1], int(parts[2])
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                ack = os.open(ack_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                (run_capture if mode == "capture" else run_consolidate)(paths, ack, start)
            except BaseException as exc:
                sys.stderr.write(f"worker failed: {type(exc).__name__}: {exc}\n")
                code = 3
            finally:
                os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
