"""The timeline of a time range: activity blocks from raw captures and the episodes stored for it."""

from __future__ import annotations

from datetime import datetime

from assistant.consolidation.grouping import activity_runs, chat_sessions, participants
from assistant.store import events as event_repo
from assistant.store import memories as memory_repo
from assistant.store.sql import Connection
from assistant.values import ActivityBlock, EpisodicMemory, Timeline, TimelineEpisode, to_ts


def build_timeline(conn: Connection, start: datetime, end: datetime) -> Timeline:
    events = event_repo.list_events(conn, since=start, until=end)
    blocks = [
        ActivityBlock(
            app=run[0].app or "unknown",
            title=run[0].title or "",
            start=run[0].occurred_at,
            end=run[-1].occurred_at,
            event_ids=[e.id for e in run],
        )
        for run in activity_runs(events)
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
