"""Time ranges from questions: "yesterday afternoon", "last Tuesday", "in May 2023", "two days ago"...

Plain rules for the forms people use when asking about their past, relative to an explicit `now` and
timezone so results are deterministic. (dateparser's search_dates was tried: it reads the verb in "May I
ask" and "a second" as dates, and returns points, not ranges - "in May 2023" became 10 May - so the
ranges needed rules anyway.) The phrase is cut out of the query so "last" or "May" do not steer full-text
search. Never raises.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from assistant.retrieval.timewords import AFTER_A_DAY, MONTHS, NUMBERS, PARTS, SEASONS, WEEKDAYS
from assistant.text import STOPWORDS

log = logging.getLogger(__name__)

MAX_SCAN = 4000  # a question is shorter; a pasted document is not searched for dates
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")"
_NUM = r"(?P<n>\d{1,3}|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + ")"
_PART = r"(?:\s+(?:in\s+the\s+)?(?P<part>morning|afternoon|evening|night))?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20|21)\d\d)"
_UNIT = r"(?P<unit>minute|hour|day|week|month|year)s?"


class TimeRange(NamedTuple):
    since: datetime | None
    until: datetime | None
    query: str  # the question without the time phrase
    # The calendar names in the phrase (every spelling of its month, its season, its year): a time
    # phrase may name when the thing talked about happens ("where am I staying in June?", asked of a
    # chat in May), so text that mentions these words is about that time whenever it was said.
    mentions: tuple[str, ...] = ()


Bounds = tuple[datetime, datetime]
Rule = Callable[[re.Match[str], datetime], Bounds | None]


def zone(name: str | tzinfo | None) -> tzinfo:
    """A timezone from its IANA name; unknown names fall back to UTC rather than failing a search."""
    if name is None or isinstance(name, tzinfo):
        return name or ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown timezone %r: using UTC", name)
        return ZoneInfo("UTC")


def _start(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _day(day: date, now: datetime) -> Bounds:
    start = _start(day, now.tzinfo or ZoneInfo("UTC"))
    return start, start + timedelta(days=1)


def _month_span(year: int, month: int, now: datetime) -> Bounds:
    tz = now.tzinfo or ZoneInfo("UTC")
    start = _start(date(year, month, 1), tz)
    end = _start(date(year + month // 12, month % 12 + 1, 1), tz)
    return start, end


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _number(text: str) -> int | None:
    text = re.sub(r"\s+", " ", text.lower())
    return int(text) if text.isdigit() else NUMBERS.get(text)


def _with_part(span: Bounds, m: re.Match[str]) -> Bounds:
    part = m.groupdict().get("part")
    if not part:
        return span
    first, last = PARTS[part.lower()]
    return span[0] + timedelta(hours=first), span[0] + timedelta(hours=last)


def _recent_year(month: int, now: datetime) -> int:
    """The year of the most recent `month` that has begun (in May, "March" is this year's)."""
    return now.year if month <= now.month else now.year - 1


# -- rules: each turns a match into (since, until) -------------------------------------------------
def _iso(m: re.Match[str], now: datetime) -> Bounds:
    return _day(date(int(m["y"]), int(m["m"]), int(m["d"])), now)


def _day_month(m: re.Match[str], now: datetime) -> Bounds:
    month, day = MONTHS[m["month"].lower()], int(m["day"])
    # Without a year: the latest such date that is not in the future.
    latest = now.year if (month, day) <= (now.month, now.day) else now.year - 1
    year = int(m["year"]) if m["year"] else latest
    return _with_part(_day(date(year, month, day), now), m)


def _month_year(m: re.Match[str], now: datetime) -> Bounds:
    return _month_span(int(m["year"]), MONTHS[m["month"].lower()], now)


def _bare_month(m: re.Match[str], now: datetime) -> Bounds:
    month = MONTHS[m["month"].lower()]
    return _month_span(_recent_year(month, now), month, now)


def _year(m: re.Match[str], now: datetime) -> Bounds:
    tz = now.tzinfo or ZoneInfo("UTC")
    year = int(m["year"])
    return _start(date(year, 1, 1), tz), _start(date(year + 1, 1, 1), tz)


def _named_day(m: re.Match[str], now: datetime) -> Bounds:
    word = re.sub(r"\s+", " ", m["word"].lower())
    back = {"today": 0, "my day": 0, "earlier today": 0, "yesterday": 1, "the day before yesterday": 2}[word]
    span = _day(now.date() - timedelta(days=back), now)
    if word == "earlier today":  # up to now; at midnight, a moment, never an empty range
        return span[0], max(now, span[0] + timedelta(seconds=1))
    return _with_part(span, m)


def _this_part(m: re.Match[str], now: datetime) -> Bounds:
    word = m["word"].lower()
    today = _day(now.date(), now)
    if word == "last night":
        return today[0] - timedelta(hours=7), today[0] + timedelta(hours=5)
    first, last = PARTS["night" if word == "tonight" else word.split()[-1]]
    return today[0] + timedelta(hours=first), today[0] + timedelta(hours=last)


def _ago(m: re.Match[str], now: datetime) -> Bounds | None:
    n, unit = _number(m["n"]), m["unit"].lower()
    if n is None or n > 1000:
        return None
    if unit in ("minute", "hour"):
        step = timedelta(minutes=1) if unit == "minute" else timedelta(hours=1)
        return now - (n + 1) * step, now - max(n - 1, 0) * step
    if unit == "day":
        return _day(now.date() - timedelta(days=n), now)
    if unit == "week":
        return _week(now, -n)
    if unit == "month":
        return _month_span(*_shift_month(now.year, now.month, -n), now)
    return _year_span(now.year - n, now)


def _rolling(m: re.Match[str], now: datetime) -> Bounds | None:
    n = _number(m["n"]) if m["n"] else 1
    if n is None or n > 1000:
        return None
    unit = m["unit"].lower()
    if unit == "month":
        year, month = _shift_month(now.year, now.month, -n)
        return now.replace(year=year, month=month, day=min(now.day, 28)), now
    days = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1, "week": 7, "year": 365}[unit]
    return now - timedelta(days=days * n), now


def _week(now: datetime, offset: int) -> Bounds:
    monday = now.date() - timedelta(days=now.weekday()) + timedelta(weeks=offset)
    start = _start(monday, now.tzinfo or ZoneInfo("UTC"))
    return start, start + timedelta(weeks=1)


def _year_span(year: int, now: datetime) -> Bounds:
    tz = now.tzinfo or ZoneInfo("UTC")
    return _start(date(year, 1, 1), tz), _start(date(year + 1, 1, 1), tz)


def _relative_period(m: re.Match[str], now: datetime) -> Bounds:
    which, period = m["which"].lower(), m["period"].lower()
    offset = -1 if which == "last" else 0
    if period == "week":
        return _week(now, offset)
    if period == "weekend":
        monday, _ = _week(now, offset)
        return monday + timedelta(days=5), monday + timedelta(days=7)
    if period == "month":
        return _month_span(*_shift_month(now.year, now.month, offset), now)
    return _year_span(now.year + offset, now)


def _weekday(m: re.Match[str], now: datetime) -> Bounds:
    target = WEEKDAYS[m["weekday"].lower()]
    back = (now.weekday() - target) % 7
    if back == 0 and (m["which"] or "").lower() in ("last", "past"):
        back = 7
    return _with_part(_day(now.date() - timedelta(days=back), now), m)


def _season(m: re.Match[str], now: datetime) -> Bounds:
    first = SEASONS[m["season"].lower()]
    if m["year"]:
        year = int(m["year"])
    else:  # the latest one that has begun; "last": the latest one that has ended
        year = now.year if now.month >= first else now.year - 1
        if (m["which"] or "").lower() == "last" and _month_span(*_shift_month(year, first, 2), now)[1] > now:
            year -= 1
    start, _ = _month_span(year, first, now)
    _, end = _month_span(*_shift_month(year, first, 2), now)
    return start, end


_MOD = r"(?P<mod>since|after|from|before|until|till|prior\s+to|on|in|during|at|of|by)"
_PREP = rf"(?:{_MOD}\s+)?"
_NEEDS_PREP = rf"{_MOD}\s+"  # bare "May" or "2023" is a date only after "in", "since"...
RULES: list[tuple[re.Pattern[str], Rule]] = [
    (re.compile(p, re.IGNORECASE), f)
    for p, f in (
        (_PREP + r"\b(?P<y>(?:19|20|21)\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b", _iso),
        (_PREP + rf"\b(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH}(?!\w)(?:,?\s*{_YEAR}\b)?{_PART}", _day_month),
        (_PREP + rf"\b{_MONTH}\s+(?:the\s+)?{_DAY}\b(?:,?\s*{_YEAR}\b)?{_PART}", _day_month),
        (_PREP + rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b", _month_year),
        (_NEEDS_PREP + rf"(?:(?:early|late|mid)[\s-]+)?{_MONTH}(?!\w)", _bare_month),
        (rf"(?:{_NEEDS_PREP}|\b(?:between|and|to)\s+){_YEAR}\b", _year),
        (
            _PREP + rf"\b(?P<word>the\s+day\s+before\s+yesterday|yesterday|earlier\s+today|today|my\s+day){_PART}",
            _named_day,
        ),
        (_PREP + r"\b(?P<word>this\s+morning|this\s+afternoon|this\s+evening|tonight|last\s+night)\b", _this_part),
        (_PREP + rf"\b{_NUM}\s+{_UNIT}\s+ago\b", _ago),
        (rf"\b(?:in|over|during|for|within)\s+the\s+(?:last|past)\s+(?:{_NUM}\s+)?{_UNIT}\b", _rolling),
        (_PREP + rf"\b(?:the\s+)?past\s+(?:{_NUM}\s+)?{_UNIT}\b", _rolling),
        (_PREP + rf"\b(?:the\s+)?last\s+{_NUM}\s+{_UNIT}\b", _rolling),
        # "summarise my week": the one under way, as "this week"
        (_PREP + r"\b(?P<which>last|this|my)\s+(?P<period>week|weekend|month|year)\b", _relative_period),
        (_PREP + rf"\b(?:(?P<which>last|past|this)\s+)?{_WEEKDAY}\b{_PART}", _weekday),
        (
            _PREP + rf"\b(?:(?P<which>last|this)\s+)?(?P<season>spring|summer|autumn|fall|winter)"
            rf"(?:\s+(?:of\s+)?{_YEAR})?\b",
            _season,
        ),
    )
]


def _is_date(rule: Rule, groups: dict[str, str | None]) -> bool:
    """Filter words that are only sometimes dates: a season or a short weekday needs "last", "in"..."""
    asked = bool(groups.get("which") or groups.get("year") or groups.get("mod"))
    if rule is _season:
        return asked
    if rule is _weekday:
        return asked or len(groups.get("weekday") or "") >= 6
    return True


_POSSESSIVE = re.compile(r"['’]s\b", re.IGNORECASE)
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d]+)")


def _talked_about(rule: Rule, m: re.Match[str]) -> bool:
    """A day that is part of what the question is about, not when it was seen: a possessive ("Wednesday's
    climbing session", "12 November's deadline") or a bare weekday before a noun ("the Friday meeting",
    "Monday standup moved to"). "On Wednesday", "last Wednesday", "Wednesday afternoon" stay times."""
    if rule not in (_weekday, _day_month, _iso):
        return False
    after = m.string[m.end() :]
    if _POSSESSIVE.match(after):
        return True
    if rule is not _weekday or m["mod"] or m["which"]:
        return False
    following = _NEXT_WORD.match(after)
    return following is not None and following[1].lower() not in STOPWORDS | AFTER_A_DAY


class _Found(NamedTuple):
    start: int
    end: int
    mod: str | None
    bounds: Bounds
    rule: Rule
    match: re.Match[str]

    @property
    def range_only(self) -> bool:
        """A bare year after "between"/"and" is a date only as one end of a range."""
        return self.rule is _year and not self.mod


def _candidates(text: str, now: datetime) -> list[_Found]:
    found: list[_Found] = []
    for pattern, rule in RULES:
        for m in pattern.finditer(text):
            if not _is_date(rule, m.groupdict()) or _talked_about(rule, m):
                continue
            try:
                bounds = rule(m, now)
            except (ValueError, OverflowError, KeyError):
                continue  # "31 February", a year past 9999...
            if bounds is not None:
                found.append(_Found(m.start(), m.end(), m.groupdict().get("mod"), bounds, rule, m))
    return found


_BETWEEN = re.compile(r"\b(?:between|from)\s*$", re.IGNORECASE)
_AND = re.compile(r"^\s*(?:and|to|until|till|through|-|–)?\s*$", re.IGNORECASE)


def _range(text: str, first: _Found, found: list[_Found], now: datetime) -> tuple[int, Bounds] | None:
    """ "between August 11 and August 15 2023": (end of the phrase, span from the first to the second)."""
    opening = first.match.group(0).split(None, 1)[0].lower()
    if not (_BETWEEN.search(text[: first.start]) or opening in ("from", "between")):
        return None
    for second in found:
        if second.start > first.end and _AND.match(text[first.end : second.start]):
            # The first date borrows what the second spells out: "August 11" means August 11, 2023.
            try:
                anchored = first.rule(first.match, min(now, second.bounds[1]))
            except (ValueError, OverflowError, KeyError):
                anchored = None
            start = (anchored or first.bounds)[0]
            if start < second.bounds[1]:
                return second.end, (start, second.bounds[1])
    return None


def parse_time_range(question: str, *, now: datetime, tz: str | tzinfo | None = "UTC") -> TimeRange | None:
    """The time range a question asks about, relative to `now` in `tz`, or None when it names none."""
    try:
        return _parse(question, now, zone(tz))
    except Exception:  # a search must never fail on its time phrase; the rules above should not get here
        log.exception("time phrase parsing failed")
        return None


def _parse(question: str, now: datetime, tz: tzinfo) -> TimeRange | None:
    if not isinstance(question, str) or not question.strip() or len(question) > MAX_SCAN:
        return None
    now = now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)
    found = _candidates(question, now)
    if not found:
        return None
    # The leftmost phrase wins; of those starting together, the longest ("yesterday afternoon").
    joined: tuple[int, Bounds] | None = None
    for first in sorted(found, key=lambda c: (c.start, -(c.end - c.start))):
        joined = _range(question, first, found, now)
        if joined is not None or not first.range_only:
            break
    else:
        return None
    start, end, bounds = first.start, first.end, first.bounds
    if joined is not None:
        end, bounds = joined
        opening = _BETWEEN.search(question[:start])
        start = opening.start() if opening else start
    since: datetime | None = bounds[0]
    until: datetime | None = bounds[1]
    modifier = "" if joined else re.sub(r"\s+", " ", (first.mod or "").lower())
    if modifier in ("since", "after"):
        since, until = (until if modifier == "after" else since), None
    elif modifier in ("before", "until", "till", "prior to", "by"):
        since, until = None, (until if modifier in ("until", "till", "by") else since)
    rest = f"{question[:start]} {question[end:]}"
    cleaned = re.sub(r"\s+([?.!,;:])", r"\1", re.sub(r"\s{2,}", " ", rest)).strip(" ,;:")
    return TimeRange(since, until, cleaned, _mentions(question[start:end]))


def _mentions(phrase: str) -> tuple[str, ...]:
    words = re.findall(r"[a-z]+|\d{4}", phrase.lower())
    out: list[str] = []
    for w in words:
        if w in MONTHS:
            out += [name for name, number in MONTHS.items() if (number == MONTHS[w] and len(name) > 3) or name == w]
        elif w in SEASONS or re.fullmatch(_YEAR, w):
            out.append(w)
    return tuple(dict.fromkeys(out))
