"""What happened when: the timeline's activity blocks and episodes, and the digest of a span of time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class ActivityBlock:
    """A run of consecutive screen captures of the same app and window."""

    app: str
    title: str
    start: datetime
    end: datetime
    event_ids: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "events": len(self.event_ids),
            "event_ids": self.event_ids,
        }


@dataclass(frozen=True)
class TimelineEpisode:
    id: str
    summary: str
    start: datetime
    end: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "summary": self.summary, "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass
class Timeline:
    start: datetime
    end: datetime
    blocks: list[ActivityBlock]
    episodes: list[TimelineEpisode]

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "blocks": [b.as_dict() for b in self.blocks],
            "episodes": [e.as_dict() for e in self.episodes],
        }


@dataclass(frozen=True)
class WindowTime:
    title: str
    seconds: float


@dataclass(frozen=True)
class AppTime:
    app: str
    seconds: float
    windows: list[WindowTime]  # longest first


@dataclass(frozen=True)
class ChatDigest:
    start: datetime
    participants: list[str]
    topics: list[str]
    turns: int


@dataclass(frozen=True)
class DayDigest:
    day: date
    seconds: float  # time on screen, from the captures
    apps: list[AppTime]  # longest first
    chats: list[ChatDigest]
    links: list[str]  # pages opened (the URLs the captures saw), first seen first
    text: str = ""  # the day as the digest tells it: a dated line, then one line per app, chat and the pages


@dataclass(frozen=True)
class Digest:
    """What happened in a span, day by day, built from the store without a model; `text` says it."""

    start: datetime
    end: datetime
    days: list[DayDigest]
    text: str
    headline: str  # one line: time on screen and the apps most of it went to

    @property
    def empty(self) -> bool:
        return not self.days
