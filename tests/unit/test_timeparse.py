"""Time phrases in questions become (since, until) ranges, relative to a fixed now and timezone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.retrieval.query import read_query
from assistant.retrieval.timeparse import parse_time_range

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2023, 5, 10, 15, 30, tzinfo=BERLIN)  # a Wednesday


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def span(question: str, now: datetime = NOW) -> tuple[datetime | None, datetime | None, str]:
    found = parse_time_range(question, now=now, tz="Europe/Berlin")
    assert found is not None, question
    return found.since, found.until, found.query


@pytest.mark.parametrize(
    ("question", "since", "until", "query"),
    [
        ("What did I do yesterday?", local(2023, 5, 9), local(2023, 5, 10), "What did I do?"),
        ("what did I read yesterday afternoon", local(2023, 5, 9, 12), local(2023, 5, 9, 17), "what did I read"),
        ("who did I meet last Tuesday", local(2023, 5, 9), local(2023, 5, 10), "who did I meet"),
        ("the photos from last Wednesday", local(2023, 5, 3), local(2023, 5, 4), "the photos"),
        ("What did Caroline do in May 2023?", local(2023, 5, 1), local(2023, 6, 1), "What did Caroline do?"),
        ("notes from last week", local(2023, 5, 1), local(2023, 5, 8), "notes"),
        ("what was I doing this morning", local(2023, 5, 10, 5), local(2023, 5, 10, 12), "what was I doing"),
        (
            "What dish did Nate make on 9 November, 2022?",
            local(2022, 11, 9),
            local(2022, 11, 10),
            "What dish did Nate make?",
        ),
        ("on 8 May 2023 what did we discuss", local(2023, 5, 8), local(2023, 5, 9), "what did we discuss"),
        ("what happened two days ago", local(2023, 5, 8), local(2023, 5, 9), "what happened"),
        ("a couple of weeks ago", local(2023, 4, 24), local(2023, 5, 1), ""),
        ("what did I buy in March", local(2023, 3, 1), local(2023, 4, 1), "what did I buy"),
        ("what did I buy in June", local(2022, 6, 1), local(2022, 7, 1), "what did I buy"),  # the last June
        ("trips in 2021", local(2021, 1, 1), local(2022, 1, 1), "trips"),
        ("December 1,2022 forest picture", local(2022, 12, 1), local(2022, 12, 2), "forest picture"),
        ("book on 8th December, 2022", local(2022, 12, 8), local(2022, 12, 9), "book"),
        ("meeting on 2023-05-08", local(2023, 5, 8), local(2023, 5, 9), "meeting"),
        (
            "where was John between August 11 and August 15 2022?",
            local(2022, 8, 11),
            local(2022, 8, 16),
            "where was John?",
        ),
        ("what did I do last night", local(2023, 5, 9, 17), local(2023, 5, 10, 5), "what did I do"),
        ("the week before, this month", local(2023, 5, 1), local(2023, 6, 1), "the week before"),
        ("summarise my week", local(2023, 5, 8), local(2023, 5, 15), "summarise"),
        ("recap my day", local(2023, 5, 10), local(2023, 5, 11), "recap"),
    ],
)
def test_common_phrases(question: str, since: datetime, until: datetime, query: str) -> None:
    assert span(question) == (since, until, query)


def test_open_ended_ranges() -> None:
    assert span("what changed since yesterday")[:2] == (local(2023, 5, 9), None)
    assert span("where did I live before 2020")[:2] == (None, local(2020, 1, 1))
    assert span("everything after May 2023")[:2] == (local(2023, 6, 1), None)


def test_rolling_windows_end_now() -> None:
    since, until, query = span("emails in the past 3 days")
    assert (since, until, query) == (NOW - timedelta(days=3), NOW, "emails")


def test_the_timezone_decides_where_a_day_starts() -> None:
    now = datetime(2023, 5, 10, 1, 0, tzinfo=UTC)  # 10 May in London, 9 May in Los Angeles
    la = parse_time_range("yesterday", now=now, tz="America/Los_Angeles")
    assert la is not None and la.since == datetime(2023, 5, 8, tzinfo=ZoneInfo("America/Los_Angeles"))
    utc = parse_time_range("yesterday", now=now, tz="UTC")
    assert utc is not None and utc.since == datetime(2023, 5, 9, tzinfo=UTC)


def test_a_naive_now_is_taken_in_the_given_timezone() -> None:
    found = parse_time_range("today", now=datetime(2023, 5, 10, 12), tz="Europe/Berlin")
    assert found is not None and found.since == local(2023, 5, 10)


def test_an_unknown_timezone_falls_back_to_utc() -> None:
    found = parse_time_range("today", now=datetime(2023, 5, 10, 12, tzinfo=UTC), tz="Mars/Olympus")
    assert found is not None and found.since == datetime(2023, 5, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "question",
    [
        "What is Caroline's identity?",
        "May I ask about cats",  # "may" the verb
        "the last day of school",
        "Sun is bright and we sat down",  # short weekday names as words
        "cats and 2022 dogs",  # a bare number
        "summer reading list",
        "",
        "   ",
    ],
)
def test_no_time_phrase(question: str) -> None:
    assert parse_time_range(question, now=NOW, tz="Europe/Berlin") is None


def test_impossible_dates_do_not_fail() -> None:
    found = parse_time_range("on 31 February 2023", now=NOW, tz="UTC")
    assert found is None or found.since is None or found.since.year == 2023


@settings(max_examples=300, deadline=None)
@given(st.text(), st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2199, 1, 1)))
def test_never_raises_on_random_text(text: str, now: datetime) -> None:
    found = parse_time_range(text, now=now, tz="Europe/Berlin")
    if found is not None:
        assert found.since is None or found.until is None or found.since <= found.until


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "yesterday",
                "last",
                "Tuesday",
                "in",
                "May",
                "2023",
                "8",
                "on",
                "ago",
                "two",
                "days",
                "between",
                "and",
                "since",
                "before",
                "week",
                "afternoon",
                "\x00",
                "\u202e",
                "31",
                "February",
                "9999",
                "-",
                ",",
            ]
        ),
        max_size=30,
    )
)
def test_never_raises_on_date_like_word_salad(words: list[str]) -> None:
    parse_time_range(" ".join(words), now=NOW, tz="Europe/Berlin")


def test_huge_and_control_character_input() -> None:
    assert parse_time_range("yesterday " * 200_000, now=NOW) is None  # longer than any question
    assert parse_time_range("\x00\x01\x02yesterday\x7f", now=NOW) is not None
    assert parse_time_range("\ud800 lone surrogate yesterday", now=NOW) is not None


def test_earlier_today_at_midnight_is_a_moment_not_an_empty_range() -> None:
    midnight = datetime(2000, 1, 1, 0, 0, tzinfo=UTC)
    found = parse_time_range("EARLIER TODAY", now=midnight, tz="UTC")
    assert found is not None and found.since is not None and found.until is not None
    assert found.since == midnight < found.until


@pytest.mark.parametrize(
    "question",
    [
        "Which gym is Wednesday's climbing session moving to?",
        "Where is Friday’s party?",  # typographic apostrophe
        "What was on the agenda of the Friday meeting?",
        "Monday standup moved to which room?",
        "who is bringing cake to Tuesday evening's party",
        "when is 12 November's deadline",
    ],
)
def test_a_day_that_is_talked_about_is_not_when_it_was_seen(question: str) -> None:
    # The day stays in the words searched: the screen that mentions it is the one asked about.
    assert parse_time_range(question, now=NOW, tz="Europe/Berlin") is None


@pytest.mark.parametrize(
    ("question", "since", "query"),
    [
        ("what did I see on Wednesday", local(2023, 5, 10), "what did I see"),
        ("what did I see last Wednesday", local(2023, 5, 3), "what did I see"),
        ("what did I see Wednesday?", local(2023, 5, 10), "what did I see?"),
        ("what did I read Monday about taxes", local(2023, 5, 8), "what did I read about taxes"),
        ("what was on my screen Monday around noon", local(2023, 5, 8), "what was on my screen around noon"),
        ("the chart I saw Tuesday afternoon", local(2023, 5, 9, 12), "the chart I saw"),
        ("the recipe from Friday", local(2023, 5, 5), "the recipe"),
        # A talked-about day does not hide the capture time named beside it.
        ("Which gym is Wednesday's session moving to, in the chat I saw on Monday?", local(2023, 5, 8), None),
        ("the Friday meeting notes I read yesterday", local(2023, 5, 9), "the Friday meeting notes I read"),
    ],
)
def test_a_day_that_says_when_it_was_seen_stays_a_time(question: str, since: datetime, query: str | None) -> None:
    found_since, _, found_query = span(question)
    assert found_since == since
    if query is not None:
        assert found_query == query


def test_a_talked_about_day_is_searched_as_a_word_and_filters_nothing() -> None:
    q = read_query("Which gym is Wednesday's climbing session moving to?", now=NOW, tz="Europe/Berlin")
    assert q.time is None
    assert "wednesday" in q.topic and "Wednesday" in q.search_text
