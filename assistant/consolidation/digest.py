"""A span of time told from the store, without a model: per day the apps and windows with the time spent
in each, the chats (with whom, about what) and the pages opened.

Time in a window runs from its capture until the next capture of the focused window, at most MAX_GAP:
capture skips unchanged frames, so a quiet window has few captures, and a longer silence is idle time
or a pause. Captures of background windows (meta "focused": false) hold text, not attention.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo

from assistant.consolidation.grouping import MAX_GAP, chat_sessions, participants
from assistant.text import topic_words
from assistant.values import ASK_SESSION_PREFIX, AppTime, ChatDigest, DayDigest, Digest, RawEvent, WindowTime

TOP_APPS = 12
TOP_WINDOWS = 3
TOP_TOPICS = 4
TOP_LINKS = 8


def _focused(event: RawEvent) -> bool:
    return event.kind == "screen" and event.meta.get("focused", True) is not False


def _durations(screens: Sequence[RawEvent], last_tick: float) -> list[float]:
    out = []
    for event, after in zip(screens, [*screens[1:], None], strict=True):
        gap = (after.occurred_at - event.occurred_at).total_seconds() if after else last_tick
        out.append(min(max(gap, 0.0), MAX_GAP.total_seconds()))
    return out


def _apps(screens: Sequence[RawEvent], seconds: Sequence[float]) -> list[AppTime]:
    per_app: defaultdict[str, float] = defaultdict(float)
    per_window: defaultdict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    for event, spent in zip(screens, seconds, strict=True):
        app = event.app or "unknown app"
        per_app[app] += spent
        per_window[app][event.title or "untitled"] += spent

    def longest(times: dict[str, float], n: int) -> list[tuple[str, float]]:
        return sorted(times.items(), key=lambda kv: -kv[1])[:n]

    return [
        AppTime(app, total, [WindowTime(t, s) for t, s in longest(per_window[app], TOP_WINDOWS)])
        for app, total in longest(per_app, TOP_APPS)
    ]


def _chats(events: Sequence[RawEvent]) -> list[ChatDigest]:
    out = []
    for session in chat_sessions(events):
        topics: Counter[str] = Counter()
        for turn in session:
            topics.update(w for w in topic_words(turn.text) if len(w) > 3)
        out.append(
            ChatDigest(
                start=session[0].occurred_at,
                participants=participants(session),
                topics=[w for w, _ in topics.most_common(TOP_TOPICS)],
                turns=len(session),
            )
        )
    return out


def _day(day: date, events: Sequence[RawEvent], last_tick: float) -> DayDigest:
    screens = [e for e in events if _focused(e)]
    seconds = _durations(screens, last_tick)
    links = list(dict.fromkeys(e.url for e in events if e.kind == "screen" and e.url))[:TOP_LINKS]
    return DayDigest(day, sum(seconds), _apps(screens, seconds), _chats(events), links)


def duration(seconds: float) -> str:
    """'2 h 05 min', '14 min', '40 s'."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def _day_text(d: DayDigest, tz: tzinfo) -> list[str]:
    out = [f"{d.day:%A %d %B %Y}: {duration(d.seconds)} on screen" if d.apps else f"{d.day:%A %d %B %Y}:"]
    for app in d.apps:
        windows = "; ".join(f"{w.title} ({duration(w.seconds)})" for w in app.windows)
        out.append(f"- {app.app}, {duration(app.seconds)}: {windows}")
    for chat in d.chats:
        who = ", ".join(chat.participants) or "chat"
        about = f" about {', '.join(chat.topics)}" if chat.topics else ""
        out.append(f"- {chat.start.astimezone(tz):%H:%M} chat with {who}{about} ({chat.turns} messages)")
    if d.links:
        out.append(f"- pages opened: {', '.join(d.links)}")
    return out


def build_digest(events: Sequence[RawEvent], start: datetime, end: datetime, tz: tzinfo, last_tick: float) -> Digest:
    """`events`: the span's raw events in time order; `tz`: where days begin; `last_tick`: the time the
    last capture of a day stands for (the capture interval)."""
    by_day: dict[date, list[RawEvent]] = defaultdict(list)
    for event in events:
        if event.kind in ("screen", "chat") and not (event.session or "").startswith(ASK_SESSION_PREFIX):
            by_day[event.occurred_at.astimezone(tz).date()].append(event)
    days = [_day(day, by_day[day], last_tick) for day in sorted(by_day)]
    days = [replace(d, text="\n".join(_day_text(d, tz))) for d in days if d.apps or d.chats]
    span = f"{start.astimezone(tz):%d %B %Y}" + (
        f" to {(end - timedelta(seconds=1)).astimezone(tz):%d %B %Y}" if end - start > timedelta(days=1) else ""
    )
    if not days:
        return Digest(start, end, [], f"Nothing is recorded for {span}.", "nothing recorded")
    lines = [f"What you did, {span} (from your captures and chats):"]
    for d in days:
        lines.append(d.text)
    return Digest(start, end, days, "\n".join(lines), _headline(days))


def _headline(days: Sequence[DayDigest]) -> str:
    per_app: defaultdict[str, float] = defaultdict(float)
    for d in days:
        for app in d.apps:
            per_app[app.app] += app.seconds
    top = sorted(per_app.items(), key=lambda kv: -kv[1])[:3]
    chats = sum(len(d.chats) for d in days)
    parts = [f"{duration(sum(d.seconds for d in days))} on screen"] if top else []
    if top:
        parts[0] += ": " + ", ".join(f"{app} {duration(s)}" for app, s in top)
    if chats:
        parts.append(f"{chats} chat{'s' if chats != 1 else ''}")
    return "; ".join(parts)
