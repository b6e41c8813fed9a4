"""A question read once: its time phrase, topic words, named chat participants, order relation and kind.

Search, the answering head and the extractive path all take this `Query` instead of reading the
question's text again each in its own way.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from assistant.retrieval import routing, timeparse
from assistant.text import STOPWORDS, content_words, lower_words, topic_words, words

_PATTERNS = [
    re.compile(r"^\s*(?:did|was|were|had)\s+(?P<a>.+?)\s+(?P<rel>before|after)\s+(?P<b>.+?)\s*\??\s*$", re.I),
    re.compile(
        r"^\s*which\s+(?:came|happened|was)\s+(?P<rel>first|earlier|later|last)\s*[,:]?\s*"
        r"(?P<a>.+?)\s+or\s+(?P<b>.+?)\s*\??\s*$",
        re.I,
    ),
]
_LEADING = re.compile(r"^(?:i|we|you|he|she|they|my|the)\s+", re.I)


def word_pairs(text: str) -> list[str]:
    """Each two content words next to each other once the stopwords are gone ("when does the maintenance
    window close" -> "maintenance window", "window close")."""
    content = [w for w in lower_words(text) if w not in STOPWORDS]
    return list(dict.fromkeys(f"{a} {b}" for a, b in itertools.pairwise(content)))


@dataclass(frozen=True)
class OrderQuestion:
    a: str
    b: str
    relation: str  # before | after | first | earlier | later | last


def parse_order(question: str) -> OrderQuestion | None:
    """The two things a question about order compares, and how."""
    for pattern in _PATTERNS:
        m = pattern.match(question)
        if m:
            a, b = (_LEADING.sub("", m.group(x)).strip() for x in ("a", "b"))
            if a and b:
                return OrderQuestion(a=a, b=b, relation=m.group("rel").lower())
    return None


@dataclass(frozen=True)
class Query:
    text: str  # as asked
    search_text: str  # without its time phrase: what full text and vectors match
    time: timeparse.TimeRange | None  # the range its time phrase names, if any
    topic: frozenset[str]  # what it is about: no stopwords, no time phrase, no "what happened"
    content: frozenset[str]  # its content words, time phrase included (what a quote should share)
    participants: frozenset[str]  # chat speakers it names (lower case)
    order: OrderQuestion | None  # "did A happen before B?"
    route: routing.Route  # its kind, as weights per memory type and event kind

    @property
    def answer_topic(self) -> frozenset[str]:
        """The topic words an answer must share (of two letters or more)."""
        return frozenset(w for w in self.topic if len(w) > 1)


def read_query(
    text: str,
    *,
    now: datetime,
    tz: str = "UTC",
    speakers: Mapping[str, set[str]] | None = None,
    parse_time: bool = True,
    route: bool = True,
) -> Query:
    """Read `text` once. `speakers`: chat participants by name word (full name or first name), to find
    those the question names; `parse_time`/`route` off read the text as plain words."""
    time = timeparse.parse_time_range(text, now=now, tz=tz) if parse_time else None
    search_text = time.query if time is not None else text
    named: set[str] = set()
    if speakers:
        named = {speaker for w in {w.lower() for w in words(search_text)} for speaker in speakers.get(w, ())}
    return Query(
        text=text,
        search_text=search_text,
        time=time,
        topic=frozenset(topic_words(search_text)),
        content=frozenset(content_words(text)),
        participants=frozenset(named),
        order=parse_order(text),
        route=routing.route(text) if route else routing.NEUTRAL,
    )
