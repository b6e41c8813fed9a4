"""The plain typed values the core stores and the facade returns: raw events, the six memory types, hits."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, get_args

from assistant.values.timeline import (
    ActivityBlock,
    AppTime,
    ChatDigest,
    DayDigest,
    Digest,
    Timeline,
    TimelineEpisode,
    WindowTime,
)

# The timeline's values live in values/timeline.py; every value is imported from `assistant.values`.
__all__ = [
    "ActivityBlock",
    "AppTime",
    "ChatDigest",
    "DayDigest",
    "Digest",
    "Timeline",
    "TimelineEpisode",
    "WindowTime",
]


# Long work reports progress as (done, total); total may be 0 while it is not known yet.
Progress = Callable[[int, int], None]
MemoryType = Literal["core", "episodic", "semantic", "procedural", "resource", "vault"]
EventKind = Literal["screen", "chat"]
MEMORY_TYPES: tuple[MemoryType, ...] = get_args(MemoryType)
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)
Sensitivity = Literal["low", "medium", "high"]


MIN_PASSPHRASE = 8  # one rule for every way of choosing a passphrase: `init`, `passwd`, the app


def passphrase_problem(passphrase: str) -> str | None:
    """Why a new passphrase is refused, as a sentence to show, or None when it is acceptable."""
    if len(passphrase) < MIN_PASSPHRASE:
        return f"Use a passphrase of at least {MIN_PASSPHRASE} characters; a few words are easy to remember."
    return None


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


def to_ts(value: datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def from_ts(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


@dataclass(frozen=True)
class Source:
    """Where a memory came from: a raw event (kind = its kind, ref = its external ref or id) or elsewhere."""

    kind: str
    ref: str
    event_id: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "ref": self.ref}


# The session of the turns `ask` records ("assistant:2024-05-02"): what the user asked and what the
# assistant answered. They are chat like any other, but not evidence for a later answer (see Recall).
ASK_SESSION_PREFIX = "assistant:"


@dataclass
class RawEvent:
    kind: EventKind
    occurred_at: datetime
    text: str = ""
    app: str | None = None
    title: str | None = None
    url: str | None = None
    speaker: str | None = None
    ref: str | None = None
    session: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: new_id("ev"))
    consolidated: bool = False

    def source(self) -> Source:
        return Source(kind=self.kind, ref=self.ref or self.id, event_id=self.id)

    def display_text(self) -> str:
        if self.kind == "chat":
            return f"{self.speaker}: {self.text}" if self.speaker else self.text
        head = " - ".join(p for p in (self.app, self.title) if p)
        return f"[{head}] {self.text}" if head else self.text


@dataclass(kw_only=True)
class Memory:
    """Fields every memory type shares; subclasses add their own and say what is searchable."""

    TYPE: ClassVar[MemoryType]
    SEARCHABLE: ClassVar[tuple[str, ...]]
    id: str = field(default_factory=lambda: new_id("mem"))
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    occurred_at: datetime | None = None
    sources: list[Source] = field(default_factory=list)

    @property
    def type(self) -> MemoryType:
        return self.TYPE

    def own_fields(self) -> dict[str, Any]:
        """The type-specific fields, as stored in the row's JSON column."""
        base = {f.name for f in fields(Memory)}
        return {k: v for k, v in asdict(self).items() if k not in base}

    def search_text(self) -> str:
        parts: list[str] = []
        for name in self.SEARCHABLE:
            value = getattr(self, name)
            parts.extend(value if isinstance(value, list) else [str(value or "")])
        return "\n".join(p for p in parts if p)

    def display_text(self) -> str:
        return self.search_text()


@dataclass(kw_only=True)
class CoreBlock(Memory):
    TYPE: ClassVar[MemoryType] = "core"
    SEARCHABLE: ClassVar[tuple[str, ...]] = ("label", "value")
    label: str
    value: str
    limit: int = 2000
    pinned: bool = False


@dataclass(kw_only=True)
class EpisodicMemory(Memory):
    TYPE: ClassVar[MemoryType] = "episodic"
    SEARCHABLE: ClassVar[tuple[str, ...]] = ("summary", "details", "actor")
    actor: str
    event_type: str
    summary: str
    details: str = ""
    ended_at: datetime | None = None

    def display_text(self) -> str:
        """Summary and details: the actor is searched but not shown ("Booked the hotel user"); the
        summary names the people anyway."""
        return "\n".join(p for p in (self.summary, self.details) if p)


@dataclass(kw_only=True)
class SemanticMemory(Memory):
    TYPE: ClassVar[MemoryType] = "semantic"
    SEARCHABLE: ClassVar[tuple[str, ...]] = ("name", "summary", "details")
    name: str
    summary: str
    details: str = ""
    source: str = ""


@dataclass(kw_only=True)
class ProceduralMemory(Memory):
    TYPE: ClassVar[MemoryType] = "procedural"
    SEARCHABLE: ClassVar[tuple[str, ...]] = ("summary", "steps")
    entry_type: str
    summary: str
    steps: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class ResourceMemory(Memory):
    TYPE: ClassVar[MemoryType] = "resource"
    SEARCHABLE: ClassVar[tuple[str, ...]] = ("title", "summary", "locator")
    title: str
    summary: str
    resource_type: str
    content: str = ""
    locator: str = ""


@dataclass(kw_only=True)
class VaultEntry(Memory):
    """A knowledge-vault entry. The secret value is sealed apart and never part of this object."""

    TYPE: ClassVar[MemoryType] = "vault"
    SEARCHABLE: ClassVar[tuple[str, ...]] = ("caption", "entry_type")
    entry_type: str
    source: str
    sensitivity: Sensitivity
    caption: str


MEMORY_CLASSES: dict[MemoryType, type[Memory]] = {
    cls.TYPE: cls for cls in (CoreBlock, EpisodicMemory, SemanticMemory, ProceduralMemory, ResourceMemory, VaultEntry)
}
_DATETIME_FIELDS = {"ended_at"}


def memory_from_row(
    type_: MemoryType,
    own: dict[str, Any],
    *,
    id: str,
    created_at: datetime,
    updated_at: datetime,
    occurred_at: datetime | None,
    sources: list[Source],
) -> Memory:
    cls = MEMORY_CLASSES[type_]
    known = {f.name for f in fields(cls)}
    values = {k: v for k, v in own.items() if k in known}
    for name in _DATETIME_FIELDS & values.keys():
        if isinstance(values[name], (int, float)):
            values[name] = from_ts(values[name])
    return cls(
        id=id,
        created_at=created_at,
        updated_at=updated_at,
        occurred_at=occurred_at,
        sources=sources,
        **values,
    )


@dataclass(frozen=True)
class SearchHit:
    id: str
    type: str
    text: str
    score: float
    occurred_at: datetime | None
    sources: list[Source]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "text": self.text,
            "score": round(self.score, 6),
            "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None,
            "sources": [s.as_dict() for s in self.sources],
        }


@dataclass(frozen=True)
class SearchMode:
    """How search runs: hybrid with the named embedding model, or full text only and why (with what to do)."""

    embedder: str | None
    why_not: str | None = None

    @property
    def line(self) -> str:
        if self.embedder is not None:
            return f"search: hybrid ({self.embedder})"
        return f"search: full text only — {self.why_not}"


@dataclass(frozen=True)
class ImportResult:
    path: str
    format: str
    read: int
    added: int

    @property
    def skipped(self) -> int:
        return self.read - self.added


@dataclass(frozen=True)
class Citation:
    """A memory an answer rests on, with the short tag the answer text uses for it (e.g. "[2]")."""

    tag: str
    hit: SearchHit


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation]
    extractive: bool  # True: quoted from memory, no generative model involved
    unknown_reason: str | None = None  # why it does not know ("nothing in your memory matches ..."); None: it does

    @property
    def known(self) -> bool:
        """False: nothing relevant was found and the answer says so (`unknown_reason` says why)."""
        return self.unknown_reason is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "known": self.known,
            "unknown_reason": self.unknown_reason,
            "extractive": self.extractive,
            "citations": [{"tag": c.tag, **c.hit.as_dict()} for c in self.citations],
        }


@dataclass
class Notes:
    """Conditions worth showing beside the status (None: nothing to say). The core sets them as they
    arise; the facade hands out copies."""

    search: str | None = None  # full text only, and why (no embedding model, the index still loading, ...)
    indexing: str | None = None  # how far embedding a backlog for search has got
    model: str | None = None  # the chat model failed to load: answers stay extractive
    backup: str | None = None  # the automatic daily backup failed

    def said(self) -> dict[str, str]:
        """The notes that say something, by name."""
        return {f.name: value for f in fields(self) if (value := getattr(self, f.name)) is not None}
