"""The periodic background job: consolidation, indexing and the daily rotating backup, together."""

from __future__ import annotations

from assistant.api import Assistant
from tests.conftest import FIXTURES


def test_the_periodic_job_consolidates_and_backs_up_once_a_day(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app.settings.current.backup.keep = 2
    app.consolidation.run_and_index()
    assert app.status().pending_consolidation == 0
    backups = sorted(app.paths.backups.glob("auto-*.zip"))
    assert len(backups) == 1
    app.consolidation.run_and_index()  # the same day: no second backup
    assert sorted(app.paths.backups.glob("auto-*.zip")) == backups


def test_start_background_schedules_consolidation_and_leaves_capture_off(app: Assistant) -> None:
    app.start_background()
    assert "consolidate" in app._core.background.jobs()
    assert app.capture.status().state == "off"  # no consent yet
    app.close()
