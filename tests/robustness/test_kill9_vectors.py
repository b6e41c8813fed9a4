"""kill -9 while vectors are added and snapshotted in the background: at the next unlock every vector the
store holds is searchable (the snapshot lacks the newest ones; the store fills them in), and a snapshot
being written when the process died never replaces the last whole one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from assistant.api import Assistant
from assistant.retrieval.embedded_index import EmbeddedIndex
from assistant.store.vectors import stored_count
from tests.conftest import PASSPHRASE
from tests.fake_embedder import FakeEmbedder
from tests.robustness.vector_worker import DIM, SNAPSHOT_EVERY


def _acked(ack: Path) -> list[str]:
    return [line for line in ack.read_text().splitlines() if line and line not in ("ready", "done")]


def test_kill9_between_snapshots_loses_no_searchable_vector(app: Assistant, data_dir: Path, tmp_path: Path) -> None:
    app.close()
    embedder = FakeEmbedder(dim=DIM)
    root = Path(__file__).resolve().parents[2]
    acked: list[str] = []
    for round_ in range(3):  # each round restores what the previous one left, then adds more
        ack = tmp_path / f"ack{round_}"
        ack.write_text("")
        added = 2 * SNAPSHOT_EVERY + 3 + round_
        # The first rounds are killed wherever the worker is, a snapshot being written or not. The last
        # worker stops after `added`, then adds one memory no snapshot holds: the store must fill it in.
        last = [str(added)] if round_ == 2 else []
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.robustness.vector_worker", str(data_dir), str(ack), *last],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
        try:
            deadline = time.monotonic() + 60
            while not (ack.read_text().endswith("done\n") if last else len(_acked(ack)) >= added):
                assert worker.poll() is None, "the worker died on its own"
                assert time.monotonic() < deadline, "the worker made no progress"
                time.sleep(0.02)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        acked += _acked(ack)

    again = Assistant(data_dir)
    again.unlock(PASSPHRASE)
    index = EmbeddedIndex(embedder.model_id, snapshot=again.paths.vector_snapshot, data_key=again._core.store.data_key)
    try:
        from_store = index.sync_with_store(again._core.store.db.reader())
        assert index.snapshot_state == "loaded", index.snapshot_state  # the last whole snapshot was used
        assert from_store >= 1  # what the snapshot lacked came from the store
        stored = stored_count(again._core.store.db.reader(), embedder.model_id)
        assert index.count() == stored >= len(acked)
        for memory_id in acked:
            memory = again.memories.get(memory_id)
            vector = embedder.embed([f"{memory.name}\n{memory.summary}"])[0]  # type: ignore[attr-defined]
            found = dict(index.query(vector, limit=5))
            assert found.get(memory_id, 0.0) > 0.998, (memory_id, found)  # its own vector is in the index
    finally:
        index.close()
        again.close()
