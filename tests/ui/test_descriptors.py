"""The running app's descriptor count stays flat: idle polling and searches for an hour of simulated use,
under a 256-descriptor limit (before the reader pool, each poll task left a database connection open)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.values import RawEvent
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
HOUR_OF_POLLS = 1800  # the app polls capture status every 2 s


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors through Linux's /proc")
def test_an_hour_of_polling_keeps_the_descriptor_count_flat(app: Assistant, data_dir: Path) -> None:
    from datetime import UTC, datetime

    app.memories.add_events(
        [
            RawEvent(
                kind="chat",
                occurred_at=datetime(2026, 5, 2, 9, 0, tzinfo=UTC),
                app="chat",
                title="trip",
                text="We take the harbour ferry at nine",
                speaker="Ana",
            )
        ]
    )
    app.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests/ui/soak_app.py"), str(data_dir), PASSPHRASE, str(HOUR_OF_POLLS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    samples = out["samples"]
    assert len(samples) == 20
    assert all(found >= 1 for found in out["searches"]), out  # the app kept answering to the end
    warm = samples[2]
    assert max(samples[2:]) - warm <= 8, samples  # flat after warm-up, not one more per poll
    assert max(samples) < out["limit"] // 2, samples
