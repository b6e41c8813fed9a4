"""Which memory types a question is about: plain rules, first match wins.

how-to -> procedural; who/what is -> semantic + core; when / what happened -> episodic + raw chat and
screen; passwords, keys, tokens -> the vault (its captions only: a secret is never put in a hit, it is
revealed only through `reveal_secret` with the passphrase). Anything else searches everything alike.

Routing re-weights, it does not exclude: a misrouted question still finds its answer, a little lower.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from assistant.values import EVENT_KINDS, MEMORY_TYPES

Intent = Literal["secret", "howto", "temporal", "identity", "general"]
ALL_TYPES: tuple[str, ...] = (*MEMORY_TYPES, *EVENT_KINDS)
PRIMARY, SECONDARY, OTHER = 1.0, 0.85, 0.7

_SECRET = re.compile(
    r"\b(?:pass(?:word|words|phrase|code)s?|pins?|pin\s+codes?|api[\s_-]?keys?|access\s+keys?|secret\s+keys?|"
    r"private\s+keys?|ssh\s+keys?|license\s+keys?|licence\s+keys?|tokens?|credentials?|secrets?|"
    r"recovery\s+codes?|2fa|otp|logins?|wi-?fi\s+key)\b",
    re.IGNORECASE,
)
_HOWTO = re.compile(
    r"^\W*(?:how\s+(?:do|did|can|could|should|would)\s+(?:i|we|you|one)\b|how\s+to\b)|"
    r"\b(?:steps?\s+(?:to|for)|instructions?|procedure|recipe|set\s?up|install|configure|tutorial|guide)\b",
    re.IGNORECASE,
)
_TEMPORAL = re.compile(
    r"^\W*when\b|\bwhat\s+(?:happened|was\s+i\s+doing|did\s+\w+\s+do)\b|\blast\s+time\b|\bdid\s+(?:i|we)\b|"
    r"\b(?:yesterday|today|tonight|ago|this\s+(?:morning|afternoon|evening|week|month)|last\s+"
    r"(?:night|week|month|year|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)
_IDENTITY = re.compile(
    r"^\W*(?:who\b|what\s+(?:is|are|was|were)\b|what's\b|whats\b)|\b(?:tell\s+me\s+about|define|definition\s+of|"
    r"meaning\s+of|stands?\s+for)\b",
    re.IGNORECASE,
)

_ROUTES: dict[Intent, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # intent: (primary types, secondary types); every other type gets OTHER
    "secret": (("vault",), ("resource", "semantic", "core")),
    "howto": (("procedural",), ("resource", "semantic", "core")),
    "temporal": (("episodic", "chat", "screen"), ("semantic", "core")),
    "identity": (("semantic", "core"), ("resource", "episodic", "chat")),
    "general": (ALL_TYPES, ()),
}


@dataclass(frozen=True)
class Route:
    intent: Intent
    weights: MappingProxyType[str, float] = field(repr=False)

    @property
    def order(self) -> list[str]:
        """Types from the most to the least relevant (ties in the canonical order)."""
        return sorted(ALL_TYPES, key=lambda t: -self.weights[t])

    def weight(self, type_: str) -> float:
        return self.weights.get(type_, OTHER)


def classify(question: str) -> Intent:
    text = question[:2000]
    if _SECRET.search(text):
        return "secret"
    if _HOWTO.search(text):
        return "howto"
    if _TEMPORAL.search(text):
        return "temporal"
    if _IDENTITY.search(text):
        return "identity"
    return "general"


def route(question: str) -> Route:
    """The intent of a question and a weight per memory type and event kind."""
    intent = classify(question)
    primary, secondary = _ROUTES[intent]
    weights = {t: PRIMARY if t in primary else SECONDARY if t in secondary else OTHER for t in ALL_TYPES}
    return Route(intent, MappingProxyType(weights))


NEUTRAL = Route("general", MappingProxyType(dict.fromkeys(ALL_TYPES, PRIMARY)))
