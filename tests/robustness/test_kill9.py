"""kill -9 at random moments during capture and during consolidation, again and again.

After every kill the store must open (the lock is free again, the unclean end is noticed and the
full integrity check passes), every frame or event the worker acknowledged (its COMMIT had returned)
must be there, and nothing may be duplicated: one vault entry per secret, one episode per chat
session, and an event counts as consolidated exactly when its episode cites it. At the end the
crash-ridden store, consolidated to the end, holds the same episodes as an uninterrupted run.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.config import ConsolidationSettings
from assistant.consolidation.engine import Consolidator
from assistant.paths import DataPaths
from assistant.store import events as event_repo
from assistant.store import integrity, opened
from tests.conftest import PASSPHRASE
from tests.procs import wait_or_kill
from tests.robustness.fakes import frame_number

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(sys.platform != "linux", reason="fork and kill -9 of a worker: tested on Linux"),
]
ROOT = Path(__file__).resolve().parents[2]
TARGET_ITERATIONS = 100
BUDGET_SECONDS = 50.0  # per mode; the whole file stays under two minutes
MIN_ITERATIONS = 20


class ForkServer:
    """tests/robustness/crashworker.py in a subprocess: one forked worker per `start`."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        self.log = log
        env = {
            **os.environ,
            "ASSISTANT_TESTING": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "PYTHONPATH": str(ROOT),
        }
        with log.open("w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.robustness.crashworker", str(data_dir)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                cwd=ROOT,
                env=env,
                bufsize=1,
            )

    def _line(self, timeout: float = 30.0) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            raise AssertionError(f"the fork server stopped answering; its log:\n{self.log.read_text()[-3000:]}")
        return line.strip()

    def start(self, mode: str, ack: Path, start: int) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{mode} {ack} {start}\n")
        self.proc.stdin.flush()
        return int(self._line().removeprefix("pid "))

    def wait_exit(self) -> int:
        return int(self._line().removeprefix("exit "))

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            wait_or_kill(self.proc, 10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    from assistant.api import Assistant

    app = Assistant(tmp_path / "data")
    app.init(PASSPHRASE)
    app.close()
    yield tmp_path / "data"


def _wait_ready(ack: Path, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ack.exists() and b"ready" in ack.read_bytes():
            return
        time.sleep(0.005)
    raise AssertionError(f"the worker never opened the store: {ack.read_text() if ack.exists() else 'no output'}")


Verify = Callable[[opened.OpenedStore, list[str]], None]


def kill_loop(data_dir: Path, tmp: Path, mode: str, verify: Verify, seed: int) -> int:
    """Start a worker, kill -9 it at a random moment, check the store; repeat. Returns the iterations."""
    rng = random.Random(seed)
    server = ForkServer(data_dir, tmp / f"{mode}-server.log")
    started = time.monotonic()
    done = 0
    try:
        while done < TARGET_ITERATIONS and time.monotonic() - started < BUDGET_SECONDS:
            ack = tmp / f"{mode}-ack-{done}"
            pid = server.start(mode, ack, start=done * 10_000)
            early = rng.random() < 0.15  # sometimes while it is still opening the store
            if early:
                time.sleep(rng.uniform(0.0, 0.03))
            else:
                _wait_ready(ack)
                time.sleep(rng.uniform(0.0, 0.35))
            os.kill(pid, signal.SIGKILL)
            status = server.wait_exit()
            lines = ack.read_text().splitlines() if ack.exists() else []
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
                f"the worker ended by itself (status {status}): {lines[-3:]}\n{server.log.read_text()[-2000:]}"
            )
            assert not [x for x in lines if x.startswith("error")], lines
            acked = [x.split(" ", 1)[1] for x in lines if x.startswith("ack ")]
            store = opened.open_existing(DataPaths(data_dir), PASSPHRASE)  # StoreCorrupt would fail here
            try:
                assert store.lock is not None
                if "ready" in lines:
                    assert not store.lock.previous_clean, "a killed holder must read as an unclean end"
                assert integrity.problems(store.db) == []
                verify(store, acked)
            finally:
                store.close()
            done += 1
    finally:
        server.close()
    return done


def _duplicates(conn: Any) -> list[tuple[str, str, int]]:
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT type, merge_key, count(*) FROM memories WHERE merge_key IS NOT NULL "
            "GROUP BY type, merge_key HAVING count(*) > 1"
        ).fetchall()
    ]


def verify_capture(store: opened.OpenedStore, acked: list[str]) -> None:
    conn = store.db.reader()
    frames = [frame_number(t) for (t,) in conn.execute("SELECT text FROM raw_events WHERE kind = 'screen'")]
    assert len(frames) == len(set(frames)), "a frame was stored twice"
    missing = {int(n) for n in acked} - set(frames)
    assert not missing, f"acknowledged frames lost: {sorted(missing)[:10]}"
    for (blob_id,) in conn.execute("SELECT id FROM blobs").fetchall():
        assert store.blobs.get(blob_id)  # every thumbnail row has its file, and it decrypts
    assert _duplicates(conn) == []  # the secret on screen: one vault entry, however often seen


def verify_consolidation(store: opened.OpenedStore, acked: list[str]) -> None:
    conn = store.db.reader()
    ids = {r[0] for r in conn.execute("SELECT id FROM raw_events")}
    missing = set(acked) - ids
    assert not missing, f"acknowledged events lost: {sorted(missing)[:10]}"
    consolidated = {r[0] for r in conn.execute("SELECT id FROM raw_events WHERE consolidated = 1")}
    cited = {
        r[0]
        for r in conn.execute(
            "SELECT s.event_id FROM memory_sources s JOIN memories m ON m.id = s.memory_id WHERE m.type = 'episodic'"
        )
    }
    assert consolidated == cited, "a batch was half written: consolidated events and episode sources differ"
    assert _duplicates(conn) == []


def _episodes(conn: Any) -> dict[str, tuple[str, frozenset[str]]]:
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for mid, key in conn.execute("SELECT id, merge_key FROM memories WHERE type = 'episodic'").fetchall():
        sources = frozenset(
            r[0] for r in conn.execute("SELECT event_id FROM memory_sources WHERE memory_id = ?", (mid,))
        )
        out[key] = (mid, sources)
    return out


def test_kill9_during_capture_loses_no_acknowledged_frame(store_dir: Path, tmp_path: Path) -> None:
    n = kill_loop(store_dir, tmp_path, "capture", verify_capture, seed=9)
    print(f"{n} kill cycles during capture")
    assert n >= MIN_ITERATIONS, f"only {n} kill cycles ran within {BUDGET_SECONDS:g} s"


def test_kill9_during_consolidation_never_duplicates_or_half_writes(store_dir: Path, tmp_path: Path) -> None:
    n = kill_loop(store_dir, tmp_path, "consolidate", verify_consolidation, seed=11)
    print(f"{n} kill cycles during consolidation")
    assert n >= MIN_ITERATIONS, f"only {n} kill cycles ran within {BUDGET_SECONDS:g} s"

    store = opened.open_existing(DataPaths(store_dir), PASSPHRASE)
    try:
        Consolidator(store.db, ConsolidationSettings(), seal=store.seal_secret).run()
        events = event_repo.list_events(store.db.reader())
        crashed = _episodes(store.db.reader())
    finally:
        store.close()
    assert len(events) > 3 * MIN_ITERATIONS  # the workers got real work done between kills
    from assistant.api import Assistant

    clean_app = Assistant(tmp_path / "clean")
    clean_app.init(PASSPHRASE)
    try:
        with clean_app._core.store.db.write() as conn:
            event_repo.add_events(conn, [(e, None) for e in events])
            conn.execute("UPDATE raw_events SET consolidated = 0")  # copied as they are: consolidated
        Consolidator(clean_app._core.store.db, ConsolidationSettings(), seal=clean_app._core.store.seal_secret).run()
        clean = _episodes(clean_app._core.store.db.reader())
    finally:
        clean_app.close()
    assert crashed == clean
