"""A span of time told without a model: apps and windows with durations, chats, pages; in Ask and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.api import Assistant
from assistant.consolidation.digest import build_digest, duration
from assistant.values import RawEvent
from tests.conftest import run_cli

DAY = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
APPS = [
    ("Thunderbird", "Inbox - Re: stand rental for Lyon"),
    ("Firefox", "Lyon ferry timetable - Mozilla Firefox"),
    ("LibreOffice Calc", "lyon-expo-budget.ods"),
    ("Terminal", "build-runner-12: ~/harbour"),
    ("Evince", "freight-quote-4471.pdf"),
    ("Slack", "#expo-lyon"),
    ("Code", "berth.py - harbour"),
    ("Calendar", "Week 19 - Calendar"),
]


def workday(start: datetime = DAY) -> list[RawEvent]:
    """Eight windows in turn: window n for n+1 minutes, a capture every 30 s; then a chat."""
    out: list[RawEvent] = []
    t = start
    for n, (app, title) in enumerate(APPS):
        for _ in range(2 * (n + 1)):
            url = "https://ferries.example/lyon" if app == "Firefox" else None
            out.append(RawEvent(kind="screen", occurred_at=t, app=app, title=title, text=f"{title} text", url=url))
            t += timedelta(seconds=30)
    out += [
        RawEvent(kind="chat", occurred_at=t + timedelta(minutes=i), speaker=s, text=x, session="c1")
        for i, (s, x) in enumerate([("Ana", "Is the stand rental for Lyon paid?"), ("me", "Paid the stand rental")])
    ]
    return out


def test_each_app_and_window_gets_the_time_until_the_next_capture() -> None:
    told = build_digest(workday(), DAY, DAY + timedelta(days=1), UTC, last_tick=3.0)
    [day] = told.days
    spent = {a.app: a.seconds for a in day.apps}
    assert spent["Thunderbird"] == 60 and spent["Code"] == 7 * 60
    assert spent["Calendar"] == 8 * 60 - 30 + 3  # the day's last capture stands for one capture interval
    assert day.apps[0].app == "Calendar"  # longest first
    for app, title in APPS:
        assert f"- {app}, " in told.text and title in told.text
    assert "Code, 7 min: berth.py - harbour (7 min)" in told.text
    assert "chat with Ana, me about" in told.text and "rental" in told.text
    assert "https://ferries.example/lyon" in told.text


def test_a_silence_longer_than_the_run_gap_is_not_counted_as_time_in_the_window() -> None:
    events = [
        RawEvent(kind="screen", occurred_at=DAY, app="Evince", title="report.pdf", text="a"),
        RawEvent(kind="screen", occurred_at=DAY + timedelta(hours=3), app="Evince", title="report.pdf", text="b"),
    ]
    [day] = build_digest(events, DAY, DAY + timedelta(days=1), UTC, last_tick=3.0).days
    assert day.seconds == 5 * 60 + 3


def test_background_windows_and_recorded_asks_are_not_what_you_did() -> None:
    events = [
        RawEvent(kind="screen", occurred_at=DAY, app="Firefox", title="front", text="a"),
        RawEvent(kind="screen", occurred_at=DAY, app="Slack", title="behind", text="b", meta={"focused": False}),
        RawEvent(kind="chat", occurred_at=DAY, speaker="user", text="what did I do?", session="assistant:2026-05-04"),
    ]
    told = build_digest(events, DAY, DAY + timedelta(days=1), UTC, last_tick=3.0)
    assert [a.app for a in told.days[0].apps] == ["Firefox"] and not told.days[0].chats


def test_a_day_with_nothing_recorded_says_so() -> None:
    told = build_digest([], DAY, DAY + timedelta(days=1), UTC, last_tick=3.0)
    assert told.empty and told.text == "Nothing is recorded for 04 May 2026."


def test_durations_read_as_a_person_would() -> None:
    assert [duration(s) for s in (40, 14 * 60, 2 * 3600 + 5 * 60)] == ["40 s", "14 min", "2 h 05 min"]


def test_ask_without_a_model_answers_today_yesterday_and_the_week_with_the_digest(app: Assistant) -> None:
    now = DAY + timedelta(days=1, hours=8)  # Tuesday 5 May, 17:00
    app.memories.add_events(workday())  # Monday
    app.memories.add_events(workday(now - timedelta(hours=2))[:4])  # Tuesday: Thunderbird and Firefox
    today = app.answers.ask("What did I do today?", now=now, record=False)
    assert today.known and "Thunderbird" in today.text and "Firefox" in today.text and "Calendar" not in today.text
    yesterday = app.answers.ask("what did I do yesterday?", now=now, record=False)
    assert sum(f"- {a}, " in yesterday.text for a, _ in APPS) == 8 and "min" in yesterday.text
    week = app.answers.ask("Summarise my week", now=now, record=False)
    assert "Monday 04 May 2026" in week.text and "Tuesday 05 May 2026" in week.text
    empty = app.answers.ask("what did I do on 1 March 2026?", now=now, record=False)
    assert not empty.known and "Nothing is recorded" in empty.text
    topical = app.answers.ask("What did Ana ask about the stand rental?", now=now, record=False)
    assert "on screen" not in topical.text  # a question with a topic is answered from the evidence


def test_the_digest_command_tells_a_day_and_a_week(app: Assistant, data_dir: Path) -> None:
    app.memories.add_events(workday())
    app.close()
    day = run_cli(data_dir, "digest", "--date", "2026-05-04")
    assert day.returncode == 0, day.stderr
    assert "Monday 04 May 2026" in day.stdout and "LibreOffice Calc" in day.stdout
    week = run_cli(data_dir, "digest", "--date", "2026-05-06", "--week", "--json")
    assert week.returncode == 0, week.stderr
    data = json.loads(week.stdout)
    assert [d["day"] for d in data["days"]] == ["2026-05-04"] and len(data["days"][0]["apps"]) == 8
    nothing = run_cli(data_dir, "digest", "--date", "2026-03-01")
    assert nothing.returncode == 0 and "Nothing is recorded" in nothing.stdout
