"""kill -9 while the model reads the backlog: the episode in progress waits for the next run, the ones
read before it are not read again, and nothing is half written."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from assistant.api import Assistant
from tests.conftest import PASSPHRASE
from tests.fakes.episode_model import EpisodeModel
from tests.procs import spawn_helper
from tests.unit.test_model_backlog import FACT, with_model
from tests.unit.test_model_budget import session_of_windows

WORKER = Path(__file__).with_name("backlog_worker.py")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal")
def test_kill9_mid_episode_then_restart_reads_each_episode_once(app: Assistant, data_dir: Path) -> None:
    with_model(app, EpisodeModel())
    app.memories.add_events(session_of_windows(windows=4, frames=2))
    app.consolidation.run(model_pass=False)
    assert app.status().model_backlog == 4
    app.close()
    worker = spawn_helper(str(WORKER), {"data_dir": str(data_dir), "hang_at": 3}, dict(os.environ))
    try:
        assert worker.stdout is not None
        lines = [worker.stdout.readline().strip() for _ in range(3)]
        assert lines == ["in call 1", "in call 2", "in call 3"]
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    again = Assistant(data_dir)
    again.unlock(PASSPHRASE)
    assert again._core.store.db.integrity_check() == []
    assert again.status().model_backlog == 2  # two read and written; the third was mid-call
    assert len(again.memories.latest("semantic")) == 1  # one fact, from the episodes read, merged
    model = with_model(again, EpisodeModel(FACT))
    report = again.consolidation.run()
    assert report.model_calls == 2 and again.status().model_backlog == 0
    assert not any("window 0" in p or "window 1" in p for p in model.prompts)  # not read twice
    again.close()
