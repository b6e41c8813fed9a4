"""`app.timeline`: what happened when: activity blocks of screen captures and episodes, the days with
anything recorded, and a digest of a span of time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from assistant.app.core import Core
from assistant.consolidation.timeline import build_timeline
from assistant.store import events as event_repo
from assistant.values import Digest, Timeline


class TimelineManager:
    def __init__(self, core: Core) -> None:
        self._core = core

    def between(self, start: datetime, end: datetime) -> Timeline:
        """Activity blocks and episodes between `start` and `end` (works before consolidation too)."""
        return build_timeline(self._core.store.db.reader(), start, end)

    def day(self, day: date) -> Timeline:
        start = datetime.combine(day, time(0), tzinfo=UTC)
        return self.between(start, start + timedelta(days=1))

    def days_with_data(self, start: datetime, end: datetime) -> list[date]:
        """The days between `start` and `end` (aware; days counted in `start`'s zone offset) with anything
        recorded: what a calendar marks."""
        offset = int((start.utcoffset() or timedelta(0)).total_seconds())
        days = event_repo.days_with_events(self._core.store.db.reader(), start, end, offset)
        return [date(1970, 1, 1) + timedelta(days=n) for n in days]

    def digest(self, start: datetime, end: datetime) -> Digest:
        """What happened between `start` and `end`, day by day: apps and windows with the time spent,
        chats, pages opened (no model needed)."""
        from zoneinfo import ZoneInfo

        from assistant.consolidation.digest import build_digest

        core = self._core
        events = event_repo.list_events(core.store.db.reader(), since=start, until=end)
        tz = ZoneInfo(core.settings.retrieval.timezone)
        return build_digest(events, start, end, tz, core.settings.capture.interval_seconds)
