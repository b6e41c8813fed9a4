"""Settings reach a running capture at its next tick, through the facade as the Settings view sets
them: a "Never record" title, thumbnails, the interval, and (by a rebuild) the monitors. The pipeline
is the real one on fake screen, window and OCR (test_pipeline's fakes); the scheduler is real."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from assistant.api import Assistant
from assistant.capture import factory
from assistant.capture.frames import WindowInfo
from assistant.capture.pipeline import CapturePipeline, Sink
from assistant.capture.stats import CaptureStats
from assistant.config import CaptureSettings
from assistant.store.events import list_events
from tests.unit.test_capture_job import wait_for
from tests.unit.test_pipeline import FakeGrabber, FakeOcr, FakeProbe


def _stats(app: Assistant) -> CaptureStats:
    stats = app.capture.status().stats
    assert stats is not None, "capture is not running"
    return stats


class Screen:
    """One fake desktop shared by every pipeline capture builds (a rebuild sees the same screen)."""

    def __init__(self) -> None:
        self.grabber = FakeGrabber(lambda: datetime.now(UTC))  # type: ignore[arg-type]
        self.probe = FakeProbe()
        self.builds: list[CaptureSettings] = []

    def build(self, config: CaptureSettings, sink: Sink) -> CapturePipeline:
        self.builds.append(config)
        return CapturePipeline(
            self.grabber,
            self.probe,
            FakeOcr(),
            factory.exclusion_rules(config),
            sink,
            factory.pipeline_settings(config),
        )

    def show(self, n: int, title: str) -> None:
        self.probe.window = WindowInfo("Editor", title, pid=42)
        self.grabber.show(n)


@pytest.fixture
def screen(monkeypatch: pytest.MonkeyPatch) -> Screen:
    fake = Screen()
    monkeypatch.setattr(factory, "build_pipeline", fake.build)
    return fake


def titles(app: Assistant) -> list[str | None]:
    return [e.title for e in list_events(app._core.store.db.reader(), kind="screen")]


def until(check: Callable[[], bool]) -> None:
    assert wait_for(check, timeout=15)


def test_settings_apply_to_a_running_capture_without_a_restart(app: Assistant, screen: Screen) -> None:
    app.settings.current.capture.interval_seconds = 0.05
    screen.show(1, "Payroll 2026 - Editor")
    app.capture.start()
    try:
        until(lambda: titles(app) == ["Payroll 2026 - Editor"])

        app.settings.set("capture.excluded_titles", ["Payroll"])  # "Never record" in Settings
        screen.show(2, "Payroll 2026 - Editor")  # new content in that window
        seen = _stats(app).frames_excluded
        until(lambda: _stats(app).frames_excluded >= seen + 2)
        assert titles(app) == ["Payroll 2026 - Editor"]  # nothing more stored from it

        app.settings.set("capture.keep_thumbnails", True)
        screen.show(3, "Notes - Editor")
        until(lambda: len(titles(app)) == 2)
        notes = list_events(app._core.store.db.reader(), kind="screen")[-1]
        assert notes.title == "Notes - Editor" and app.capture.thumbnail(notes.id) is not None

        job = app._core.capture._job
        assert job is not None and job.scheduled_seconds() == 0.05
        app.settings.set("capture.interval_seconds", 0.2)
        until(lambda: job.scheduled_seconds() == 0.2)

        assert len(screen.builds) == 1
        app.settings.set("capture.monitors", "primary")  # a new grabber: the pipeline is rebuilt
        until(lambda: len(screen.builds) == 2 and app._core.capture.running)
        assert app.capture.status().state == "recording"
    finally:
        app.capture.stop()


def test_an_invalid_rule_keeps_the_rules_in_force_and_says_so(app: Assistant, screen: Screen) -> None:
    app.settings.current.capture.interval_seconds = 0.05
    screen.show(1, "Payroll 2026 - Editor")
    app.capture.start()
    try:
        until(lambda: len(titles(app)) == 1)
        app.settings.current.capture.excluded_titles = ["Payroll", "re:([unclosed"]
        until(lambda: "capture settings not applied: invalid window-title pattern" in app.capture.status().words)
        app.settings.current.capture.excluded_titles = ["Payroll"]
        seen = _stats(app).frames_excluded
        until(lambda: _stats(app).frames_excluded > seen)
        assert app.capture.status().state == "recording"
    finally:
        app.capture.stop()
