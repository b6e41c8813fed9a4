"""The FrameWriter's delta storage against a real store: what the events hold, and that search, the
timeline, consolidation and the vault still work from them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.capture import writer as capture_writer
from assistant.capture.frames import CapturedFrame
from assistant.capture.writer import FrameWriter
from assistant.redaction import redact
from assistant.values import RawEvent
from tests.unit.test_canary import assert_no_plaintext

T0 = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
MENU = ["File Edit View History Bookmarks Tools Help", "Inbox Sent Drafts Archive Settings"]
TOKEN = "ghp_Zt8Qk2Lm9Wx4Rv7Np3Hs6Jd1Fg5Cb0Ya2Ue"


def record(lines: list[str], seconds: float, title: str = "Team - Chat") -> CapturedFrame:
    found = redact("\n".join(lines))
    return CapturedFrame(
        captured_at=T0 + timedelta(seconds=seconds),
        monitor=1,
        app="Chat",
        title=title,
        url=None,
        text=found.text,
        ocr_words=len(found.text.split()),
        mean_conf=91.0,
        redactions=found.count,
        secrets=found.secrets,
    )


def writer_for(app: Assistant) -> FrameWriter:
    return FrameWriter(
        app._core.store, thumbnail_budget_bytes=10**6, on_disk_full=lambda _m: None, on_recovered=lambda: None
    )


def screen_events(app: Assistant) -> list[RawEvent]:
    ids = [
        r[0]
        for r in app._core.store.db.reader().execute(
            "SELECT id FROM raw_events WHERE kind = 'screen' ORDER BY occurred_at"
        )
    ]
    return [app.memories.event(i) for i in ids]


def chat(n: int, start: int = 0) -> list[str]:
    return [f"message {i}: the harbour lantern needs {i} new bulbs" for i in range(start, start + n)]


def test_deltas_in_the_store_are_found_shown_and_consolidated(app: Assistant, data_dir: Path) -> None:
    writer = writer_for(app)
    screens = [MENU + chat(10)]
    screens.append(MENU + chat(8, 2) + ["Wombat tuba quince is on Friday", f"token {TOKEN}"])
    screens.append(MENU + chat(7, 3) + ["Wombat tuba quince is on Friday", f"token {TOKEN}", "see you there"])
    for i, lines in enumerate(screens):
        writer(record(lines, 3.0 * i))
    keyframe, first, second = screen_events(app)
    assert keyframe.text == "\n".join(screens[0]) and "keyframe" not in keyframe.meta
    assert first.text == "Wombat tuba quince is on Friday\ntoken [REDACTED:github_token]"
    assert first.meta["keyframe"] == keyframe.id and first.meta["lines"] == 12
    assert second.text == "see you there" and second.meta["keyframe"] == keyframe.id

    hits = app.search.find("wombat tuba quince")  # a phrase that is only in a delta frame
    assert hits and hits[0].id == first.id
    assert app.search.find("harbour lantern bulbs")[0].id == keyframe.id

    (block,) = app.timeline.between(T0, T0 + timedelta(hours=1)).blocks
    assert block.event_ids == [keyframe.id, first.id, second.id]  # a block opens on its keyframe

    vault = app.memories.latest("vault")
    assert len(vault) == 1 and {s.event_id for s in vault[0].sources} == {first.id, second.id}

    app.consolidation.run()
    (episode,) = app.memories.latest("episodic")
    details = episode.details  # type: ignore[attr-defined]
    assert "Wombat tuba quince is on Friday" in details and "see you there" in details
    app.close()
    assert_no_plaintext(data_dir, TOKEN)


def test_a_failed_write_never_leaves_a_delta_without_its_keyframe(
    app: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = writer_for(app)
    real_add = capture_writer.add_events
    full = [False]

    def add_events(conn: Any, events: Any) -> int:
        if full[0]:
            full[0] = False  # one write fails, the next succeeds
            raise sqlite3.OperationalError("database or disk is full")
        return int(real_add(conn, events))

    monkeypatch.setattr(capture_writer, "add_events", add_events)
    writer(record(chat(10), 0))
    full[0] = True
    writer(record([*chat(10), "lost on a full disk"], 3))
    assert writer.disk_full and writer.stored == 1
    writer(record([*chat(10), "lost on a full disk", "after the space came back"], 6))
    assert not writer.disk_full
    keyframe, delta = screen_events(app)
    assert delta.text == "lost on a full disk\nafter the space came back"  # the lost frame's line is kept
    assert delta.meta["keyframe"] == keyframe.id

    full[0] = True  # a keyframe lost: its window's next frame is a keyframe again
    writer(record(["a new window opens", *chat(3)], 9, title="Other"))
    writer(record(["a new window opens", *chat(3), "and goes on"], 12, title="Other"))
    last = screen_events(app)[-1]
    assert "keyframe" not in last.meta and last.text.startswith("a new window opens")
    stored = {e.id for e in screen_events(app)}
    assert all(e.meta.get("keyframe", e.id) in stored for e in screen_events(app))


def test_a_background_windows_text_has_its_own_chain_and_is_not_activity(app: Assistant) -> None:
    """One frame read as two windows: the focused chat and a document beside it. The document's events
    neither break the chat's delta chain nor make timeline blocks; search shows them under their title."""
    from dataclasses import replace

    writer = writer_for(app)
    doc = ["Quarterly walnut report", "Revenue rose in the north"]
    writer(record(MENU + chat(6), 0))
    writer(replace(record(doc, 0, title="report.odt - Writer"), app="Writer", focused=False))
    writer(record(MENU + chat(7), 3))  # one new line in the chat
    writer(replace(record(doc, 3, title="report.odt - Writer"), app="Writer", focused=False))
    chat1, doc1, chat2, doc2 = screen_events(app)
    assert chat2.meta["keyframe"] == chat1.id and chat2.text == chat(7)[-1]  # a delta, despite the doc between
    assert doc1.meta["focused"] is False and "focused" not in chat1.meta
    assert doc2.meta["keyframe"] == doc1.id and doc2.text == ""  # nothing new in the document
    blocks = app.timeline.between(T0 - timedelta(minutes=1), T0 + timedelta(minutes=1)).blocks
    assert [(b.title, len(b.event_ids)) for b in blocks] == [("Team - Chat", 2)]
    hits = [h.text for h in app.search.find("quarterly walnut") if "walnut" in h.text.lower()]
    assert hits and all("report.odt - Writer" in text for text in hits)
