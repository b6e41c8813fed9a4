"""Deterministic grouping of raw events: activity runs of one app/window, and chat sessions.

Both the timeline (before any consolidation) and the deterministic consolidation pass use these, so the
blocks a user sees and the episodes that get stored agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from assistant.values import RawEvent

# A pause longer than this splits an activity run, even in the same window.
MAX_GAP = timedelta(minutes=5)
# Chat turns further apart than this start a new session when the import gave none.
CHAT_SESSION_GAP = timedelta(minutes=30)


def activity_runs(events: Iterable[RawEvent], max_gap: timedelta = MAX_GAP) -> list[list[RawEvent]]:
    """Consecutive screen events of the same app and title, split at gaps longer than `max_gap`.

    Only the focused window's events are activity: a window read beside or behind it (meta
    "focused": false) is searchable under its own title, but is not what the user was doing.
    """
    runs: list[list[RawEvent]] = []
    for ev in events:
        if ev.kind != "screen" or ev.meta.get("focused") is False:
            continue
        last = runs[-1][-1] if runs else None
        same = last is not None and (last.app, last.title) == (ev.app, ev.title)
        if same and last is not None and ev.occurred_at - last.occurred_at <= max_gap:
            runs[-1].append(ev)
        else:
            runs.append([ev])
    return runs


def chat_sessions(events: Iterable[RawEvent], gap: timedelta = CHAT_SESSION_GAP) -> list[list[RawEvent]]:
    """Chat events grouped by their session id (or, without one, by time gaps), in time order."""
    by_session: dict[str, list[RawEvent]] = {}
    loose: list[list[RawEvent]] = []
    for ev in events:
        if ev.kind != "chat":
            continue
        if ev.session:
            by_session.setdefault(ev.session, []).append(ev)
        elif loose and ev.occurred_at - loose[-1][-1].occurred_at <= gap:
            loose[-1].append(ev)
        else:
            loose.append([ev])
    groups = [*by_session.values(), *loose]
    return sorted(groups, key=lambda g: (g[0].occurred_at, g[0].id))


def participants(events: Sequence[RawEvent]) -> list[str]:
    return list(dict.fromkeys(e.speaker for e in events if e.speaker))


def continues(prev: RawEvent, ev: RawEvent) -> bool:
    """Whether `ev` belongs to the same activity run or chat session as `prev`."""
    if prev.kind != ev.kind:
        return False
    if ev.kind == "chat":
        return ev.session is not None and ev.session == prev.session
    return (prev.app, prev.title) == (ev.app, ev.title) and ev.occurred_at - prev.occurred_at <= MAX_GAP
