"""The shape of each tool's structured output, published to clients as its JSON output schema.

typing_extensions' TypedDict, not typing's: pydantic (which turns these into JSON schema inside the SDK)
needs it before Python 3.12.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict


class SourceRef(TypedDict):
    kind: str  # "chat", "screen", or where else a memory came from
    ref: str  # the event's external ref (a chat message id) or its id


class Hit(TypedDict):
    id: str
    type: str
    date: str | None
    text: str
    score: float
    sources: list[SourceRef]


class SearchOutput(TypedDict):
    query: str
    hits: list[Hit]
    search_note: str | None  # why results may be incomplete: the vector index still loading, full text only


class CitedHit(Hit):
    tag: str  # how the answer text cites it, e.g. "[1]"


class AskOutput(TypedDict):
    question: str
    answer: str
    known: bool  # False: nothing relevant was found, and the answer says so
    extractive: bool  # True: quoted from memory, no generative model involved
    citations: list[CitedHit]
    search_note: str | None


class Block(TypedDict):
    app: str  # "chat" for a chat session
    title: str
    start: str
    end: str
    events: int
    event_ids: list[str]


class Episode(TypedDict):
    id: str
    summary: str
    start: str
    end: str


class TimelineOutput(TypedDict):
    start: str
    end: str
    total_blocks: int
    blocks: list[Block]
    episodes: list[Episode]


class ItemOutput(TypedDict):
    id: str
    item: str  # "memory" or "event"
    type: str
    date: str | None
    text: str
    fields: dict[str, Any]
    sources: list[SourceRef]
