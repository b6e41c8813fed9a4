"""Removing credentials and payment data from captured text before anything stores it.

Each finding is replaced by `[REDACTED:<kind>]` and returned as a Secret for the knowledge vault.
Detectors (`tokens`, `fields`, `numbers`, `seeds`) run on the original text and the spans are merged
once (a PEM block is one redaction, not forty), with the most specific detector winning where two
overlap. tests/unit/test_redaction_corpus.py measures recall and precision on a corpus of fictional
secrets and look-alike identifiers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from assistant.redaction.fields import fields
from assistant.redaction.hits import Hit
from assistant.redaction.numbers import cards, cvvs, iban_valid, ibans, luhn_valid
from assistant.redaction.seeds import seed_phrases
from assistant.redaction.tokens import tokens

__all__ = ["Redaction", "Secret", "iban_valid", "luhn_valid", "redact"]


class Secret(NamedTuple):
    """A credential found in text: `kind` as in `[REDACTED:<kind>]`, and the value that was removed."""

    kind: str
    value: str


@dataclass(frozen=True)
class Redaction:
    text: str
    count: int
    secrets: list[Secret]
    spans: tuple[tuple[int, int], ...] = ()  # (start, end) of each redaction in the ORIGINAL text


def _hits(text: str) -> Iterator[Hit]:
    yield from fields(text)  # first: a labelled URL parameter is a "secret" rather than a "url_secret"
    yield from tokens(text)
    yield from cvvs(text)
    yield from seed_phrases(text)
    yield from ibans(text)
    yield from cards(text)


def redact(text: str) -> Redaction:
    """Replace every credential or payment number in `text` with `[REDACTED:<kind>]`."""
    if not text:
        return Redaction(text, 0, [])
    accepted: list[Hit] = []
    for hit in sorted(_hits(text), key=lambda h: (h.priority, h.start, -(h.end - h.start))):
        if hit.end > hit.start and all(hit.end <= a.start or hit.start >= a.end for a in accepted):
            accepted.append(hit)
    if not accepted:
        return Redaction(text, 0, [])
    accepted.sort(key=lambda h: h.start)
    out: list[str] = []
    secrets: dict[Secret, None] = {}
    pos = 0
    for hit in accepted:
        out.append(text[pos : hit.start])
        out.append(f"[REDACTED:{hit.kind}]")
        secrets[Secret(hit.kind, text[hit.start : hit.end])] = None
        pos = hit.end
    out.append(text[pos:])
    return Redaction("".join(out), len(accepted), list(secrets), tuple((h.start, h.end) for h in accepted))
