"""The four tools and the core resource, without the SDK: arguments checked, the store asked, results rendered.

Bad arguments raise `AssistantError` saying what was wrong and what to send instead; the server turns it
into a tool error the client's model can read and correct.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

from assistant.errors import AssistantError
from assistant.mcp_server import render
from assistant.mcp_server.access import MemoryAccess
from assistant.values import EVENT_KINDS, MEMORY_TYPES

# What `type` may name: a memory type or a raw event kind (as `assistant search --type`).
ItemType = Literal["core", "episodic", "semantic", "procedural", "resource", "vault", "screen", "chat"]
assert set(get_args(ItemType)) == {*MEMORY_TYPES, *EVENT_KINDS}, "ItemType lags behind the stored types"
MAX_LIMIT = 50


def parse_when(text: str, name: str, *, end_of_day: bool = False) -> datetime:
    """A YYYY-MM-DD date or an ISO 8601 time as an aware datetime (UTC unless it names a zone). A bare
    date given as an end (`until`) means the end of that day, so the day is included."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AssistantError(f"{name}={text!r} is not a date: use YYYY-MM-DD or an ISO 8601 time") from None
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    bare_date = len(text.strip()) == 10
    return value + timedelta(days=1) if end_of_day and bare_date else value


class MemoryTools:
    def __init__(self, access: MemoryAccess) -> None:
        self.access = access

    def search_memory(
        self,
        query: str,
        type: ItemType | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 10,
    ) -> render.Rendered:
        if not query.strip():
            raise AssistantError("query is empty: say what to look for")
        if not 1 <= limit <= MAX_LIMIT:
            raise AssistantError(f"limit={limit}: ask for 1 to {MAX_LIMIT} results")
        start = parse_when(since, "since") if since else None
        end = parse_when(until, "until", end_of_day=True) if until else None
        hits = self.access.search(query, types=[type] if type else None, since=start, until=end, limit=limit)
        return render.search_result(query, hits, self.access.search_note())

    def ask_memory(self, question: str) -> render.Rendered:
        if not question.strip():
            raise AssistantError("question is empty: ask something")
        return render.answer_result(self.access.ask(question), self.access.search_note())

    def timeline(self, date_: str | None = None, since: str | None = None, until: str | None = None) -> render.Rendered:
        if date_ and (since or until):
            raise AssistantError("give either date or since/until, not both")
        if since or until:  # since alone runs until now; until alone is the day that ends there
            end = parse_when(until, "until", end_of_day=True) if until else datetime.now(UTC)
            start = parse_when(since, "since") if since else end - timedelta(days=1)
        else:
            today = datetime.combine(datetime.now(UTC).date(), datetime.min.time(), UTC)
            start = parse_when(date_, "date") if date_ else today
            end = start + timedelta(days=1)
        if end <= start:
            raise AssistantError(f"until ({end.isoformat()}) is not after since ({start.isoformat()})")
        return render.timeline_result(self.access.timeline(start, end))

    def get_memory(self, id: str) -> render.Rendered:
        if not id.strip():
            raise AssistantError("id is empty: pass an id from search_memory, ask_memory or timeline")
        return render.item_result(self.access.item(id.strip()))

    def core_memory(self) -> str:
        return render.core_text(list(self.access.core_blocks()))
