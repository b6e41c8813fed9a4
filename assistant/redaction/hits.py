"""What every detector yields: a span of the original text, its kind, and how specific it is."""

from __future__ import annotations

from dataclasses import dataclass

# Priorities: lower wins an overlap. Specific shapes beat labels, labels beat checksummed numbers,
# and the entropy guess comes last.
P_PEM, P_JWT, P_PREFIXED, P_BEARER, P_FIELD, P_SEED, P_IBAN, P_CARD, P_ENTROPY = range(9)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    kind: str
    priority: int
