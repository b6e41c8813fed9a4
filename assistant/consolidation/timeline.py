"""The timeline of a time range: activity blocks from raw captures and the episodes stored for it."""

from __future__ import annotations

from datetime import datetime, timedelta

from assistant.consolidation.grouping import MAX_GAP, activity_runs, chat_sessions, participants
from assistant.store import events as event_repo
from assistant.store import memories as memory_repo
from assistant.store.sql import Connection
from assistant.values import ActivityBlock, EpisodicMemory, Timeline, TimelineEpisode, to_ts

# A frame is stored when the screen changed, so it shows what was there until the next frame; a window
# seen once, with nothing stored for a while after it, is drawn this long rather than with no length.
LONE_FRAME = timedelta(minutes=1)


def build_timeline(conn: Connection, start: datetime, end: datetime) -> Timeline:
    events = event_repo.list_events(conn, since=start, until=end)
    runs = activity_runs(events)
    following: list[datetime | None] = [run[0].occurred_at for run in runs[1:]]
    blocks = [
        ActivityBlock(
            app=run[0].app or "unknown",
            title=run[0].title or "",
            start=run[0].occurred_at,
            end=_shown_until(run[-1].occurred_at, after, end),
            event_ids=[e.id for e in run],
        )
        for run, after in zip(runs, [*following, None], strict=False)  # the last run is followed by nothing
    ]
    # Chats show as blocks too, so a day with only conversations is not an empty timeline.
    blocks += [
        ActivityBlock(
            app="chat",
            title=", ".join(participants(s)) or "chat",
            start=s[0].occurred_at,
            end=s[-1].occurred_at,
            event_ids=[e.id for e in s],
        )
        for s in chat_sessions(events)
    ]
    blocks.sort(key=lambda b: (b.start, b.end))
    return Timeline(start=start, end=end, blocks=blocks, episodes=_episodes(conn, start, end))


def _shown_until(last: datetime, following: datetime | None, range_end: datetime) -> datetime:
    """The end of a block whose last frame is `last`: the next block's start when it follows within the
    gap that splits activity, else one frame's worth after `last`; never past the range."""
    shown = following if following is not None and following - last <= MAX_GAP else last + LONE_FRAME
    return max(last, min(shown, range_end))


def _episodes(conn: Connection, start: datetime, end: datetime) -> list[TimelineEpisode]:
    ids = memory_repo.episode_ids_between(conn, to_ts(start), to_ts(end))
    found = memory_repo.get_many(conn, ids)
    out: list[TimelineEpisode] = []
    for item in ids:
        mem = found.get(item)
        if isinstance(mem, EpisodicMemory) and mem.occurred_at is not None:
            out.append(
                TimelineEpisode(
                    id=mem.id, summary=mem.summary, start=mem.occurred_at, end=mem.ended_at or mem.occurred_at
                )
            )
    return out
