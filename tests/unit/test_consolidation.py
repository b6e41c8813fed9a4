"""The deterministic consolidation pass: episodes, resources, merging, idempotence and crash safety."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.api import Assistant
from assistant.consolidation import merge
from assistant.consolidation.deterministic import Planned
from assistant.values import CoreBlock, EpisodicMemory, RawEvent, ResourceMemory, SemanticMemory, Source
from tests.conftest import FIXTURES, PASSPHRASE

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)


def screen(minute: float, app: str, title: str, text: str = "", url: str | None = None) -> RawEvent:
    return RawEvent(kind="screen", occurred_at=T0 + timedelta(minutes=minute), app=app, title=title, text=text, url=url)


def workday() -> list[RawEvent]:
    return [
        screen(0, "code", "engine.py - project", "def consolidate(batch):\nFile Edit View"),
        screen(1, "code", "engine.py - project", "return report\nFile Edit View"),
        screen(2, "code", "engine.py - project", "File Edit View\nraise AssistantError"),
        screen(
            3, "firefox", "SQLCipher docs — Mozilla Firefox", "PRAGMA key", url="https://www.zetetic.net/sqlcipher/"
        ),
        screen(4, "firefox", "SQLCipher docs — Mozilla Firefox", "see https://sqlite.org/fts5.html for FTS5"),
        screen(5, "evince", "quarterly-report.pdf — Document Viewer", "Revenue grew 12%"),
        screen(30, "code", "engine.py - project", "a later, separate visit"),
    ]


def snapshot(app: Assistant) -> dict[str, Any]:
    return {
        m.id: (m.type, m.search_text(), sorted((s.kind, s.ref) for s in m.sources))
        for m in app.memories.latest(limit=10_000)
    }


def test_activity_runs_become_episodes_with_their_spans(app: Assistant) -> None:
    app.memories.add_events(workday())
    report = app.consolidation.run()
    assert report.events == 7
    episodes = sorted(
        (m for m in app.memories.latest("episodic") if isinstance(m, EpisodicMemory)), key=lambda m: m.occurred_at or T0
    )
    assert [(e.summary, e.occurred_at, e.ended_at) for e in episodes] == [
        ("Used code: engine.py - project", T0, T0 + timedelta(minutes=2)),
        ("Used firefox: SQLCipher docs — Mozilla Firefox", T0 + timedelta(minutes=3), T0 + timedelta(minutes=4)),
        ("Used evince: quarterly-report.pdf — Document Viewer", T0 + timedelta(minutes=5), T0 + timedelta(minutes=5)),
        ("Used code: engine.py - project", T0 + timedelta(minutes=30), T0 + timedelta(minutes=30)),
    ]
    first = episodes[0]
    assert "def consolidate(batch):" in first.details and "File Edit View" not in first.details
    assert len(first.sources) == 3
    assert app.status().pending_consolidation == 0


def test_delta_frames_lead_the_details_and_keyframe_boilerplate_stays_out() -> None:
    from assistant.consolidation.deterministic import distinctive_lines

    menu = "File Edit View History Bookmarks"

    def frame(minute: float, text: str, keyframe: str | None = None) -> RawEvent:
        event = screen(minute, "firefox", "Inbox — Mail", text)
        if keyframe:
            event.meta["keyframe"] = keyframe
        return event

    # One keyframe, then deltas holding only the new lines: what changed comes first.
    run = [frame(0, f"{menu}\nInbox (3)"), frame(1, "Lunch on Friday?", "ev_k1"), frame(2, "Invoice 42 paid", "ev_k1")]
    assert distinctive_lines(run).splitlines() == ["Lunch on Friday?", "Invoice 42 paid", menu, "Inbox (3)"]
    # With three keyframes to compare, what every keyframe repeats is boilerplate.
    run += [frame(6, f"{menu}\nInbox (5)"), frame(7, "Train tickets", "ev_k2"), frame(12, f"{menu}\nInbox (1)")]
    details = distinctive_lines(run).splitlines()
    assert menu not in details and details[:3] == ["Lunch on Friday?", "Invoice 42 paid", "Train tickets"]


def test_resources_from_urls_and_documents(app: Assistant) -> None:
    app.memories.add_events(workday())
    app.consolidation.run()
    found = {m.locator: m for m in app.memories.latest("resource") if isinstance(m, ResourceMemory)}
    assert set(found) == {
        "https://www.zetetic.net/sqlcipher/",
        "https://sqlite.org/fts5.html",
        "document:quarterly-report.pdf",
    }
    assert found["https://sqlite.org/fts5.html"].resource_type == "url"
    assert found["document:quarterly-report.pdf"].summary == "document seen in evince"


def test_rerun_and_batch_size_change_nothing(app: Assistant, tmp_path: Path) -> None:
    events = workday()
    app.memories.add_events(events)
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app._core.store.db.checkpoint()
    app.close()
    other = tmp_path / "copy"
    shutil.copytree(app.paths.root, other)
    one = Assistant(app.paths.root)
    one.unlock(PASSPHRASE)
    one.consolidation.run()
    expected = snapshot(one)
    one.consolidation.run()  # nothing pending: a no-op
    assert snapshot(one) == expected

    small = Assistant(other)
    small.unlock(PASSPHRASE)
    small.settings.current.consolidation.batch_events = 2  # runs and sessions now span batches
    small.consolidation.run()
    assert snapshot(small) == expected
    one.close()
    small.close()


def test_chat_sessions_become_episodes(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "locomo_sample.json", "locomo")
    app.consolidation.run()
    eps = sorted(
        (m for m in app.memories.latest("episodic") if isinstance(m, EpisodicMemory)), key=lambda m: m.occurred_at or T0
    )
    assert [e.actor for e in eps] == ["Ana, Ben", "Ben, Ana"]
    assert eps[0].occurred_at == datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    assert eps[0].summary.startswith("Conversation between Ana and Ben about")
    assert [s.ref for s in eps[0].sources] == ["D1:1", "D1:2", "D1:3"]


def test_the_asks_of_a_day_become_one_episode_named_by_the_questions(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    when = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
    app.answers.ask("Which hotel is booked in Lisbon?", now=when)
    app.answers.ask("When does the TAP flight leave?", now=when + timedelta(minutes=5))
    app.consolidation.run()
    asked = [
        m for m in app.memories.latest("episodic") if isinstance(m, EpisodicMemory) and m.actor == "user, assistant"
    ]
    assert len(asked) == 1 and asked[0].summary.startswith("Asked the assistant about ")
    topics = asked[0].summary.removeprefix("Asked the assistant about ").split(", ")
    assert {"hotel", "lisbon", "flight"} <= set(topics) and not {"memory", "quoted", "language"} & set(topics)


def test_locomo_conversation_episodes_per_session(app: Assistant, locomo_path: Path, tmp_path: Path) -> None:
    import json

    sample = json.loads(locomo_path.read_text(encoding="utf-8"))[0]
    one = tmp_path / "one.json"
    one.write_text(json.dumps([sample]), encoding="utf-8")
    app.memories.import_file(one, "locomo")
    app.consolidation.run()
    conv = sample["conversation"]
    sessions = [k for k in conv if k.startswith("session_") and not k.endswith("date_time")]
    eps = [m for m in app.memories.latest("episodic", limit=1000) if isinstance(m, EpisodicMemory)]
    assert len(eps) == len(sessions)
    by_first_ref = {m.sources[0].ref: m for m in eps}
    for key in sessions:
        turns = conv[key]
        ep = by_first_ref[turns[0]["dia_id"]]
        assert [s.ref for s in ep.sources] == [t["dia_id"] for t in turns]
        assert set(ep.actor.split(", ")) == {t["speaker"] for t in turns}
        assert ep.occurred_at == datetime.strptime(conv[f"{key}_date_time"], "%I:%M %p on %d %B, %Y").replace(
            tzinfo=UTC
        )


def test_changed_fact_updates_in_place_and_keeps_sources(app: Assistant) -> None:
    def fact(summary: str, ref: str) -> Planned:
        return Planned(
            SemanticMemory(name="Ana's employer", summary=summary, sources=[Source("chat", ref)]),
            merge_key="semantic:ana's employer",
            extend=False,
        )

    with app._core.store.db.write() as conn:
        assert merge.write(conn, fact("Ana works at Acme", "m1")) == "added"
        assert merge.write(conn, fact("Ana works at Globex since May", "m2")) == "updated"
    [mem] = app.memories.latest("semantic")
    assert isinstance(mem, SemanticMemory) and mem.summary == "Ana works at Globex since May"
    assert [s.ref for s in mem.sources] == ["m1", "m2"]


def test_near_duplicate_fact_is_merged(app: Assistant) -> None:
    def fact(name: str, summary: str, ref: str) -> Planned:
        return Planned(
            SemanticMemory(name=name, summary=summary, sources=[Source("chat", ref)]),
            merge_key=f"semantic:{name.lower()}",
        )

    with app._core.store.db.write() as conn:
        merge.write(conn, fact("Lisbon hotel", "The hotel is the Pestana on Rua Augusta", "a"))
        out = merge.write(conn, fact("hotel Lisbon", "the hotel is the Pestana on Rua Augusta", "b"))
    assert out == "merged"
    [mem] = app.memories.latest("semantic")
    assert [s.ref for s in mem.sources] == ["a", "b"]


def test_core_block_stays_within_its_limit(app: Assistant) -> None:
    with app._core.store.db.write() as conn:
        for i in range(30):
            merge.write(
                conn,
                Planned(
                    CoreBlock(label="human", value=f"fact number {i:02d} about the user", limit=200),
                    merge_key="core:human",
                ),
            )
    [block] = app.memories.latest("core")
    assert isinstance(block, CoreBlock)
    assert len(block.value) <= 200
    assert block.value.endswith("fact number 29 about the user")  # newest kept, oldest rewritten away


def test_timeline_works_before_consolidation(app: Assistant) -> None:
    app.memories.add_events(workday())
    tl = app.timeline.day(T0.date())
    assert [(b.app, b.start.strftime("%H:%M"), b.end.strftime("%H:%M")) for b in tl.blocks] == [
        ("code", "09:00", "09:03"),  # until the next window took over
        ("firefox", "09:03", "09:05"),
        ("evince", "09:05", "09:06"),  # one frame, then nothing for 25 minutes: a frame's worth, not zero
        ("code", "09:30", "09:31"),
    ]
    assert all(b.end > b.start for b in tl.blocks)
    assert tl.episodes == []
    app.consolidation.run()
    assert len(app.timeline.day(T0.date()).episodes) == 4


def test_retention_removes_old_consolidated_events_only(app: Assistant) -> None:
    app.memories.add_events(workday())
    app.consolidation.run()
    with app._core.store.db.write() as conn:
        conn.execute("UPDATE raw_events SET created_at = created_at - 100 * 86400")
    app.memories.add_events([screen(60, "code", "new.py", "fresh")])  # pending: never removed
    assert app.consolidation._consolidator().apply_retention(datetime.now(UTC)) == 7
    assert app.status().events == {"screen": 1}
    assert len(app.memories.latest("episodic")) == 4  # memories outlive their raw events


CRASHER = textwrap.dedent("""
    import os, sys
    from assistant.api import Assistant
    from assistant.consolidation import merge
    real, calls = merge.write, [0]
    def dying_write(*a, **k):
        calls[0] += 1
        if calls[0] == int(sys.argv[2]):
            os._exit(9)  # a kill in the middle of the batch's transaction
        return real(*a, **k)
    merge.write = dying_write
    app = Assistant(sys.argv[1]); app.unlock(sys.argv[3])
    app.settings.current.consolidation.batch_events = 3
    app.consolidation.run()
""")


def test_kill_mid_batch_then_rerun_equals_a_clean_run(app: Assistant, tmp_path: Path) -> None:
    app.memories.add_events(workday())
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app._core.store.db.checkpoint()
    app.close()
    clean_dir = tmp_path / "clean"
    shutil.copytree(app.paths.root, clean_dir)
    clean = Assistant(clean_dir)
    clean.unlock(PASSPHRASE)
    clean.settings.current.consolidation.batch_events = 3
    clean.consolidation.run()
    expected = snapshot(clean)
    clean.close()

    for kill_at in (1, 3, 5):
        crash_dir = tmp_path / f"crash{kill_at}"
        shutil.copytree(app.paths.root, crash_dir)
        r = subprocess.run(
            [sys.executable, "-c", CRASHER, str(crash_dir), str(kill_at), PASSPHRASE],
            capture_output=True,
            text=True,
            check=False,
        )
        assert r.returncode == 9, r.stderr
        again = Assistant(crash_dir)
        again.unlock(PASSPHRASE)
        assert again._core.store.db.integrity_check() == []
        again.settings.current.consolidation.batch_events = 3
        again.consolidation.run()
        assert snapshot(again) == expected
        again.close()
