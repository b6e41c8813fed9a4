"""When the background model pass runs (idle, or on AC power), how little CPU it takes (one thread, niced),
and that capture ticks on while a model episode is in progress."""

from __future__ import annotations

import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.consolidation.backlog import read_backlog
from assistant.scheduler.capture_job import CaptureJob
from assistant.scheduler.model_job import MODEL_JOB, NICENESS, ModelPassGate, ModelPassJob, lower_this_thread
from assistant.scheduler.power import on_battery
from assistant.values import RawEvent
from tests.fakes.episode_model import EpisodeModel
from tests.unit.test_model_backlog import with_model
from tests.unit.test_model_budget import session_of_windows

LINUX = sys.platform.startswith("linux")


def gate(idle: float | None, battery: bool | None, *, on_ac: bool = True) -> ModelPassGate:
    return ModelPassGate(lambda: idle, lambda: battery, idle_after=120.0, on_ac=on_ac)


def test_the_gate_opens_when_idle_or_on_ac_power_and_treats_unknown_power_as_battery() -> None:
    assert gate(idle=300, battery=True).reason_to_wait() is None  # idle, even on battery
    assert gate(idle=5, battery=False).reason_to_wait() is None  # on AC power, while the user works
    assert gate(idle=5, battery=True).reason_to_wait() == "waiting for you to be idle"
    assert gate(idle=5, battery=None).reason_to_wait() == "waiting for you to be idle"  # unknown: battery
    assert gate(idle=5, battery=False, on_ac=False).reason_to_wait() == "waiting for you to be idle"
    assert gate(idle=None, battery=None).reason_to_wait() == "waiting: this desktop does not tell idle time"


def test_a_probe_that_fails_opens_nothing() -> None:
    def broken() -> float | None:
        raise RuntimeError("no display")

    assert ModelPassGate(broken, lambda: None, 120.0).reason_to_wait() is not None


def _supply(root: Path, name: str, **files: str) -> None:
    (root / name).mkdir(parents=True)
    for key, value in files.items():
        (root / name / key).write_text(value + "\n")


def test_power_from_sysfs(tmp_path: Path) -> None:
    assert on_battery(tmp_path / "missing") is None
    desktop = tmp_path / "desktop"
    desktop.mkdir()
    assert on_battery(desktop) is None  # nothing listed: the platform does not tell
    plugged = tmp_path / "plugged"
    _supply(plugged, "AC", type="Mains", online="1")
    _supply(plugged, "BAT0", type="Battery", status="Charging")
    assert on_battery(plugged) is False
    unplugged = tmp_path / "unplugged"
    _supply(unplugged, "AC", type="Mains", online="0")
    _supply(unplugged, "BAT0", type="Battery", status="Discharging")
    _supply(unplugged, "hid-mouse", type="Battery", status="Charging", scope="Device")  # a mouse's battery
    assert on_battery(unplugged) is True
    full = tmp_path / "full"
    _supply(full, "BAT1", type="Battery", status="Full")
    assert on_battery(full) is False


@pytest.mark.skipif(not LINUX, reason="per-thread nice values are a Linux feature (a thread has its own id there)")
def test_lower_this_thread_nices_that_thread_only() -> None:
    seen: dict[str, int] = {}

    def worker() -> None:
        assert lower_this_thread()
        seen["worker"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen["worker"] >= NICENESS
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before  # the caller keeps its own


def test_the_job_waits_while_the_gate_is_shut_and_stops_between_episodes_when_it_shuts(app: Assistant) -> None:
    model = with_model(app, EpisodeModel())
    app.memories.add_events(session_of_windows(windows=3, frames=1))
    app.consolidation.run(model_pass=False)
    reasons: list[str | None] = ["waiting for you to be idle"]

    def drain(keep_going: object) -> None:
        read_backlog(app.consolidation._backlog(), app._core.models.chat_model, keep_going, threads=1)  # type: ignore[arg-type]

    job = ModelPassJob(drain, lambda: reasons[0], threading.Event())
    job()
    assert model.prompts == [] and job.waiting_because == "waiting for you to be idle"
    reasons[0] = None
    model.during_call = lambda: reasons.__setitem__(0, "waiting for you to be idle")  # the user is back
    job()
    assert len(model.prompts) == 1 and app.status().model_backlog == 2  # paused between two episodes


def test_a_capture_tick_runs_and_writes_while_a_model_episode_is_in_progress(app: Assistant) -> None:
    """The model pass holds neither a scheduler worker capture needs nor the store's write lock while the
    model works: a tick that stores an event completes while the (held) model is mid-episode, and while a
    long consolidation run takes one of the shared workers."""
    model = with_model(app, EpisodeModel(hold=True))
    app.memories.add_events(session_of_windows(windows=2, frames=1))
    app.consolidation.run(model_pass=False)
    service = app._core.background
    ticked = threading.Event()

    class Tick:
        def tick(self) -> None:
            if model.in_call.is_set():
                when = datetime.now(UTC)
                app.memories.add_events(
                    [RawEvent(kind="screen", occurred_at=when, app="Terminal", text="tick while busy")]
                )
                ticked.set()

        def stop(self, timeout: float | None = None) -> None:
            pass

    consolidating = threading.Event()
    done_consolidating = threading.Event()

    def long_consolidation() -> None:
        consolidating.set()
        done_consolidating.wait(30)

    service.schedule_model_pass(app.consolidation.model_pass_job(reason_to_wait=lambda: None), every_seconds=0.2)
    capture = CaptureJob(Tick(), interval_seconds=0.2, scheduler=service.scheduler)
    try:
        assert model.in_call.wait(15), "the model pass did not start"
        service.scheduler.add_job(long_consolidation, id="a long consolidation run")
        assert consolidating.wait(10)
        capture.start()
        assert ticked.wait(10), "no capture tick completed while the model episode was in progress"
        assert model.in_call.is_set()  # still the same episode: the tick did not wait for it
    finally:
        model.release.set()
        done_consolidating.set()
        capture.stop()
        service.stop()
    assert model.threads_asked[0] == 1  # one CPU thread for the background model call
    if LINUX:
        assert (model.nice_in_call[0] or 0) >= NICENESS  # on a niced thread
    assert app.status().events["screen"] == 3


def test_the_scheduled_consolidation_leaves_the_model_to_its_own_job(app: Assistant) -> None:
    model = with_model(app, EpisodeModel())
    app.memories.add_events(session_of_windows(windows=2, frames=1))
    app.consolidation.run_and_index()  # what the consolidation job runs every few minutes
    assert model.prompts == [] and app.status().model_backlog == 2 and app.status().pending_consolidation == 0
    app.start_background()
    assert MODEL_JOB in app._core.background.jobs()


def test_the_minutely_consolidation_applies_retention_once_an_hour(
    app: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.config import ConsolidationSettings

    assert ConsolidationSettings().interval_minutes == 1.0  # memories searchable a minute after capture
    applied: list[datetime] = []
    consolidator = app.consolidation._consolidator()
    monkeypatch.setattr(consolidator, "apply_retention", lambda now: applied.append(now) or 0)
    app.consolidation.run_and_index()
    app.consolidation.run_and_index()
    assert len(applied) == 1  # a scan of the store each minute would be waste
    app.consolidation.run()  # asked for: always
    assert len(applied) == 2


def test_when_the_user_comes_back_mid_call_the_call_stops_and_its_episode_waits(app: Assistant) -> None:
    model = with_model(app, EpisodeModel(hold=True))  # a slow model: the call lasts until released
    app.memories.add_events(session_of_windows(windows=2, frames=1))
    app.consolidation.run(model_pass=False)
    back = threading.Event()
    job = app.consolidation.model_pass_job(
        reason_to_wait=lambda: "waiting for you to be idle" if back.is_set() else None
    )
    runner = threading.Thread(target=job)
    runner.start()
    assert model.in_call.wait(10)
    back.set()  # input again
    runner.join(5)
    assert not runner.is_alive()  # it did not wait for the (never released) call to end
    assert app.status().model_backlog == 2  # the interrupted episode is read again later
    assert app.memories.latest("semantic") == []
    model.release.set()
    back.clear()
    job()
    assert app.status().model_backlog == 0


def test_locking_the_app_mid_call_does_not_wait_for_the_model(app: Assistant) -> None:
    """Lock (on idle, the very time the model pass runs) drops the keys at once: the call in progress stops."""
    model = with_model(app, EpisodeModel(hold=True))  # never released: only an interruption ends the call
    app.memories.add_events(session_of_windows(windows=1, frames=1))
    app.consolidation.run(model_pass=False)
    app._core.background.schedule_model_pass(app.consolidation.model_pass_job(lambda: None), every_seconds=0.2)
    assert model.in_call.wait(10)
    closing = threading.Thread(target=app.close)
    closing.start()
    closing.join(5)
    assert not closing.is_alive() and not app.unlocked
