"""The periodic background job: consolidation, indexing and the daily rotating backup, together."""

from __future__ import annotations

from assistant.api import Assistant
from tests.conftest import FIXTURES


def test_the_periodic_job_consolidates_and_backs_up_once_a_day(app: Assistant) -> None:
    app.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app.settings.backup.keep = 2
    app.consolidate_and_index()
    assert app.status().pending_consolidation == 0
    backups = sorted(app.paths.backups.glob("auto-*.zip"))
    assert len(backups) == 1
    app.consolidate_and_index()  # the same day: no second backup
    assert sorted(app.paths.backups.glob("auto-*.zip")) == backups


def test_start_background_schedules_consolidation_and_leaves_capture_off(app: Assistant) -> None:
    app.start_background()
    assert "consolidate" in app.background.jobs()
    assert app.capture_status()["state"] == "off"  # no consent yet
    app.close()
