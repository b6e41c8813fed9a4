"""The deterministic pass: episodes from activity runs and chat sessions, resources from what was seen.

It needs no model, so a user without one still gets useful episodic memories and a timeline. Every
memory it plans carries a merge key, so a run that continues in a later batch extends its episode
instead of starting a duplicate.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.consolidation.grouping import activity_runs, chat_sessions, participants
from assistant.text import STOPWORDS
from assistant.values import ASK_SESSION_PREFIX, EpisodicMemory, Memory, RawEvent, ResourceMemory

DETAILS_CHARS = 1500
_URL = re.compile(r"\bhttps?://[^\s<>\"')\]]+", re.IGNORECASE)
_FILE = re.compile(r"(?:(?<=\s)|^)((?:~|/)[\w.\-/]+\.\w{1,5}|[A-Za-z]:\\[\w.\-\\ ]+\.\w{1,5})\b")
_DOC_TITLE = re.compile(r"^(?P<name>[^/\\]+?\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|md|txt|csv|epub))\b", re.I)
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Conversational filler says nothing about a topic, so keywords skip it.
_FILLER = frozenset(
    """
yeah yes wow great awesome amazing thanks thank cool nice good love really just like going got get see sounds
sound shares share photo hey hello also much well glad happy super totally definitely know think feel felt
lot lots things thing stuff way time times right sure okay make made keep doing done want wanted all one
pretty still even always never what's that's it's i'm you're can't don't been being into over""".split()
)


@dataclass
class Planned:
    """A memory to write, the key that finds its earlier self, and how to fold it into that self."""

    memory: Memory
    merge_key: str
    extend: bool = True  # True: add sources/extend the span; False: replace the fields (a changed fact)
    event_ids: list[str] = field(default_factory=list)


def keywords(texts: Sequence[str], n: int = 8, exclude: Sequence[str] = ()) -> list[str]:
    skip = {x.lower() for x in exclude}
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(
            w
            for w in (x.lower() for x in _WORD.findall(text))
            if w not in STOPWORDS and w not in _FILLER and w not in skip
        )
    return [w for w, _ in counts.most_common(n)]


def distinctive_lines(run: Sequence[RawEvent], limit: int = DETAILS_CHARS) -> str:
    """OCR lines of a run with the boilerplate (menus, toolbars) left out, what changed first.

    Capture stores whole text only in keyframes; a delta frame (meta "keyframe") holds just the lines that
    appeared since the frame before. Boilerplate is what most whole-text frames repeat (with at least
    three of them to compare); the delta lines lead, since they are what the user was reading or typing.
    """
    whole = [e.text for e in run if not e.meta.get("keyframe")]
    added = [e.text for e in run if e.meta.get("keyframe")]
    seen: Counter[str] = Counter()
    for text in whole:
        seen.update(list(_lines(text)))
    common = {ln for ln, n in seen.items() if n >= len(whole) * 0.8} if len(whole) >= 3 else set()
    ordered = dict.fromkeys(ln for text in (*added, *whole) for ln in _lines(text))
    return lines_within([ln for ln in ordered if ln not in common], limit)


def _lines(text: str) -> dict[str, None]:
    return dict.fromkeys(x.strip() for x in text.splitlines() if len(x.strip()) > 3)


def lines_within(lines: Iterable[str], limit: int = DETAILS_CHARS) -> str:
    """The leading lines that fit in `limit` characters, joined; a line is never cut."""
    out, size = [], 0
    for line in lines:
        if size + len(line) > limit:
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


def activity_episode(run: Sequence[RawEvent]) -> Planned:
    first, last = run[0], run[-1]
    app, title = first.app or "unknown app", first.title or ""
    summary = f"Used {app}" + (f": {title}" if title else "")
    memory = EpisodicMemory(
        actor="user",
        event_type="activity",
        summary=summary,
        details=distinctive_lines(run),
        occurred_at=first.occurred_at,
        ended_at=last.occurred_at,
        sources=[e.source() for e in run],
    )
    return Planned(memory, f"activity:{app}\x1f{title}", event_ids=[e.id for e in run])


def chat_episode(session: Sequence[RawEvent]) -> Planned:
    first, last = session[0], session[-1]
    who = participants(session)
    if (first.session or "").startswith(ASK_SESSION_PREFIX):
        # The user's questions to the assistant: its answers only quote memories (and their label,
        # "From your memory (quoted...)", would lead the keywords), so the topics are the questions'.
        topics = keywords([e.text for e in session if e.speaker == "user"], 6)
        summary = "Asked the assistant"
    else:
        topics = keywords([e.text for e in session], 6, exclude=[n for w in who for n in w.split()])
        summary = f"Conversation between {' and '.join(who) or 'unknown speakers'}"
    if topics:
        summary += f" about {', '.join(topics)}"
    lines, size = [], 0
    for e in session:
        line = f"{e.speaker}: {e.text}" if e.speaker else e.text
        if size + len(line) > DETAILS_CHARS:
            break
        lines.append(line)
        size += len(line) + 1
    memory = EpisodicMemory(
        actor=", ".join(who) or "unknown",
        event_type="conversation",
        summary=summary,
        details="\n".join(lines),
        occurred_at=first.occurred_at,
        ended_at=last.occurred_at,
        sources=[e.source() for e in session],
    )
    key = f"chat:{first.session}" if first.session else f"chat:{first.id}"
    return Planned(memory, key, event_ids=[e.id for e in session])


def resources(events: Sequence[RawEvent]) -> list[Planned]:
    """URLs, file paths and open documents seen on screen or mentioned in chats."""
    found: dict[str, tuple[str, str, list[RawEvent]]] = {}

    def note(locator: str, kind: str, title: str, ev: RawEvent) -> None:
        entry = found.setdefault(locator, (kind, title, []))
        if ev not in entry[2]:
            entry[2].append(ev)

    for ev in events:
        if ev.url:
            note(ev.url, "url", ev.title or ev.url, ev)
        for url in _URL.findall(ev.text):
            note(url.rstrip(".,;:"), "url", url, ev)
        for path in _FILE.findall(ev.text):
            note(path, "file", path.rsplit("/", 1)[-1].rsplit("\\", 1)[-1], ev)
        doc = _DOC_TITLE.match(ev.title or "")
        if doc:
            note(f"document:{doc.group('name')}", "document", doc.group("name"), ev)
    out = []
    for locator, (kind, title, evs) in found.items():
        seen_in = sorted({e.app or e.kind for e in evs})
        memory = ResourceMemory(
            title=title[:200],
            summary=f"{kind} seen in {', '.join(seen_in)}",
            resource_type=kind,
            locator=locator,
            occurred_at=evs[0].occurred_at,
            sources=[e.source() for e in evs],
        )
        out.append(Planned(memory, f"resource:{locator}", event_ids=[e.id for e in evs]))
    return out


def plan(events: Sequence[RawEvent]) -> list[Planned]:
    planned = [activity_episode(run) for run in activity_runs(events)]
    planned += [chat_episode(s) for s in chat_sessions(events)]
    planned += resources(events)
    return planned
