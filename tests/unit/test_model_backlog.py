"""The model pass, later: the deterministic pass writes episodes down, the model reads each once, across
crashes and restarts; memories are searchable before the model has read anything."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.consolidation import schemas
from assistant.consolidation.backlog import read_backlog
from assistant.llm.manager import ModelEntry
from assistant.store import backlog as backlog_repo
from tests.conftest import PASSPHRASE, run_cli
from tests.fakes.episode_model import EpisodeModel
from tests.unit.test_model_budget import session_of_windows


def with_model(app: Assistant, model: EpisodeModel) -> EpisodeModel:
    """`app` with `model` as its active chat model (no GGUF loaded)."""
    entry = ModelEntry(name="fake", role="chat", path=Path("fake.gguf"), size=0, sha256="", source="local")
    app._core.models.manager.active = lambda role: entry if role == "chat" else None  # type: ignore[method-assign]
    app._core.models.chat_model = lambda: model  # type: ignore[method-assign,assignment,return-value]
    return model


FACT = {
    **{name: [] for name in schemas.FIELDS},
    "facts": [{"name": "Harbour project", "summary": "Berth 7 at the quay is for the Harbour project"}],
}


def test_the_deterministic_pass_writes_episodes_down_and_memories_are_searchable_at_once(app: Assistant) -> None:
    model = with_model(app, EpisodeModel())
    app.memories.add_events(session_of_windows(windows=3, frames=2))
    report = app.consolidation.run(model_pass=False)
    assert report.events == 6 and report.model_calls == 0 and model.prompts == []
    assert report.model_waiting == 3 and app.status().model_backlog == 3
    assert app.status().model_backlog_text == "3 episodes waiting for the model"
    hits = app.search.find("quay berth", types=["episodic"], limit=5)
    assert len(hits) == 3  # the deterministic episodes are searchable before the model has read anything


def test_each_waiting_episode_is_read_once_then_taken_off(app: Assistant) -> None:
    model = with_model(app, EpisodeModel(FACT))
    app.memories.add_events(session_of_windows(windows=3, frames=2))
    app.consolidation.run(model_pass=False)
    report = app.consolidation.run()  # nothing new to consolidate; the backlog is read
    assert report.model_calls == report.model_episodes == 3 and report.model_waiting == 0
    assert model.primed == [schemas.PREFIX]  # once for the whole backlog
    assert [m.TYPE for m in app.memories.latest("semantic")] == ["semantic"]
    assert app.status().model_backlog == 0 and app.status().model_backlog_text == "nothing waiting for the model"
    again = app.consolidation.run()
    assert again.model_calls == 0 and len(model.prompts) == 3


def test_the_model_reads_the_same_episodes_as_before_the_backlog(app: Assistant) -> None:
    """Written down and read later, an episode is what the model read inline: window, span, new lines."""
    from assistant.consolidation.model_pass import ModelExtractor

    events = session_of_windows(windows=4, frames=2, revisit=True)
    inline = EpisodeModel()
    ModelExtractor(inline).extract(events)
    later = with_model(app, EpisodeModel())
    app.memories.add_events(events)
    report = app.consolidation.run()
    assert later.prompts == inline.prompts and report.model_skipped == 0


class Crash(BaseException):
    """Stands for the process dying in the middle of a model call."""


def test_a_crash_mid_episode_leaves_it_waiting_and_a_restart_reads_it_once(app: Assistant, data_dir: Path) -> None:
    model = with_model(app, EpisodeModel(FACT))
    app.memories.add_events(session_of_windows(windows=3, frames=2))
    app.consolidation.run(model_pass=False)
    calls = {"n": 0}

    def die_on_the_second() -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash

    model.during_call = die_on_the_second
    with pytest.raises(Crash):
        app.consolidation.run()
    assert app.status().model_backlog == 2  # the first one is done, the second was not
    app.close()
    again = Assistant(data_dir)
    again.unlock(PASSPHRASE)
    assert again.status().model_backlog == 2  # written down durably
    after = with_model(again, EpisodeModel(FACT))
    report = again.consolidation.run()
    assert report.model_calls == 2 and again.status().model_backlog == 0
    assert "window 0" not in " ".join(after.prompts)  # the first episode was not read again
    again.close()


def test_the_drain_stops_between_episodes_when_told(app: Assistant) -> None:
    model = with_model(app, EpisodeModel())
    app.memories.add_events(session_of_windows(windows=3, frames=2))
    app.consolidation.run(model_pass=False)
    answers = iter([True, False])  # the user comes back after the first episode
    report = read_backlog(
        app.consolidation._backlog(), app._core.models.chat_model, lambda: next(answers, False), threads=1
    )
    assert report.model_calls == 1 and report.model_waiting == 2 and len(model.prompts) == 1
    assert model.threads_asked == [1]  # the background budget reached the model call


def test_forgetting_an_event_drops_its_waiting_episode_and_what_the_model_made_of_it(app: Assistant) -> None:
    model = with_model(app, EpisodeModel(FACT))
    app.memories.add_events(session_of_windows(windows=1, frames=2))
    app.consolidation.run(model_pass=False)
    conn = app._core.store.db.reader()
    [waiting] = backlog_repo.oldest(conn)
    model.during_call = lambda: app.memories.forget(waiting.event_ids[0])  # the user forgets it while the model reads
    report = app.consolidation.run()
    assert report.model_calls == 1 and app.memories.latest("semantic") == []  # not written from a forgotten event
    assert app.status().model_backlog == 0
    app.memories.add_events(session_of_windows(windows=2, frames=1)[1:])  # a second window
    app.consolidation.run(model_pass=False)
    [other] = backlog_repo.oldest(app._core.store.db.reader())
    assert app.status().model_backlog == 1
    app.memories.forget(other.event_ids[0])
    assert app.status().model_backlog == 0  # retention and forget delete the episode with its event


def test_no_model_or_a_broken_one_leaves_the_episodes_waiting_and_says_why(app: Assistant) -> None:
    from assistant.errors import ModelError

    with_model(app, EpisodeModel())
    app.memories.add_events(session_of_windows(windows=2, frames=1))
    app.consolidation.run(model_pass=False)

    def broken() -> None:
        raise ModelError("llama.cpp could not load fake.gguf")

    app._core.models.chat_model = broken  # type: ignore[method-assign]
    report = app.consolidation.run()
    assert report.model_status.startswith("model unavailable (llama.cpp could not load")
    assert "2 episodes wait for the model" in report.model_status and app.status().model_backlog == 2


def test_status_json_and_text_tell_the_backlog(app: Assistant, data_dir: Path) -> None:
    with_model(app, EpisodeModel())
    app.memories.add_events(session_of_windows(windows=2, frames=1))
    app.consolidation.run(model_pass=False)
    app.close()
    out = run_cli(data_dir, "status", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["model_backlog"] == 2
    text = run_cli(data_dir, "status")
    assert "model pass: 2 episodes waiting for the model" in text.stdout


def test_migration_4_is_applied_once_and_keeps_a_version_3_store(tmp_path: Path) -> None:
    import sqlite3

    from assistant.store.migrations import MIGRATIONS, migrate

    conn: Any = sqlite3.connect(tmp_path / "v3.db", isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:3], start=1):
        conn.executescript(script)
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at REAL)")
        conn.execute("INSERT INTO schema_version VALUES (?, 0)", (number,))
    assert migrate(conn) == 4 and migrate(conn) == 4
    assert backlog_repo.count(conn) == 0


def test_pieces_of_one_window_written_down_minute_by_minute_are_read_as_one_episode(app: Assistant) -> None:
    model = with_model(app, EpisodeModel())
    frames = session_of_windows(windows=1, frames=5, lines=2)  # one window, 5 s apart, new lines in each
    for part in (frames[:2], frames[2:4], frames[4:]):  # the deterministic pass ran three times meanwhile
        app.memories.add_events(part)
        app.consolidation.run(model_pass=False)
    assert app.status().model_backlog == 3
    report = app.consolidation.run()
    assert report.model_calls == 1 and app.status().model_backlog == 0
    [prompt] = model.prompts
    assert "[2026-05-04 09:00-09:00] Firefox - Document 0" in prompt  # one header over the whole run
    assert "window 0 frame 0 line 0" in prompt and "window 0 frame 4 line 1" in prompt


def test_a_long_run_written_down_in_pieces_is_read_in_episodes_of_the_token_budget(app: Assistant) -> None:
    model = with_model(app, EpisodeModel())
    frames = session_of_windows(windows=1, frames=40, lines=4)  # ~40 x 4 lines of 9 words: far over 160
    for n in range(0, 40, 4):
        app.memories.add_events(frames[n : n + 4])
        app.consolidation.run(model_pass=False)
    assert app.status().model_backlog == 10
    report = app.consolidation.run()
    assert 1 < report.model_calls < 10 and app.status().model_backlog == 0
    read = sum(p.count("quay berth") for p in model.prompts)
    assert read + report.model_dropped_lines == 160  # every line read or counted, none lost silently
