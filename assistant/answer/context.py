"""Packing memories into the model's context: grouped by type, dated, tagged, never cut mid-item."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.values import Citation, SearchHit

TYPE_TITLES = {
    "core": "Core memory",
    "episodic": "Events",
    "semantic": "Facts",
    "procedural": "Procedures",
    "resource": "Resources",
    "vault": "Vault (captions only)",
    "chat": "Conversations",
    "screen": "Screen",
}
MAX_ITEM_CHARS = 1200  # one memory's share; longer texts are shortened at a sentence, never mid-word


@dataclass
class Packed:
    text: str
    citations: list[Citation]
    tokens: int
    left_out: list[SearchHit]


def item_line(tag: str, hit: SearchHit) -> str:
    when = hit.occurred_at.strftime("%Y-%m-%d %H:%M") if hit.occurred_at else "undated"
    body = " ".join(hit.text.split())
    if len(body) > MAX_ITEM_CHARS:
        cut = body.rfind(". ", 0, MAX_ITEM_CHARS)
        body = body[: cut + 1 if cut > 200 else MAX_ITEM_CHARS].rstrip() + " …"
    return f"{tag} ({when}) {body}"


def pack(hits: Sequence[SearchHit], budget: int, count_tokens: Callable[[str], int], *, first_tag: int = 1) -> Packed:
    """Take hits in rank order while they fit `budget` tokens, then lay them out grouped by type.

    Tags follow rank (so [1] is the best match) and stay attached to their item whatever the grouping.
    """
    chosen: list[tuple[Citation, str]] = []
    used = 0
    left_out: list[SearchHit] = []
    for hit in hits:
        tag = f"[{first_tag + len(chosen)}]"
        line = item_line(tag, hit)
        cost = count_tokens(line) + 1
        if used + cost > budget:
            left_out.append(hit)
            continue
        chosen.append((Citation(tag=tag, hit=hit), line))
        used += cost
    sections: dict[str, list[str]] = {}
    for citation, line in chosen:
        sections.setdefault(citation.hit.type, []).append(line)
    blocks = [f"{TYPE_TITLES.get(t, t)}:\n" + "\n".join(lines) for t, lines in sections.items()]
    heading_cost = sum(count_tokens(TYPE_TITLES.get(t, t)) + 1 for t in sections)
    return Packed(
        text="\n\n".join(blocks), citations=[c for c, _ in chosen], tokens=used + heading_cost, left_out=left_out
    )


def digest_chunks(days: Sequence[str], budget: int, count_tokens: Callable[[str], int]) -> list[str]:
    """A digest's days (each a dated line and its item lines) in pieces of at most `budget` tokens: whole
    days while they fit; a day larger than a piece is split between its lines, its dated line repeated."""
    chunks: list[list[str]] = [[]]
    used = 0
    for day in days:
        header, *items = day.split("\n")
        lines = [header, *items] if count_tokens(day) + 1 > budget else [day]
        for n, line in enumerate(lines):
            text, cost = line, count_tokens(line) + 1
            if used + cost > budget and chunks[-1]:
                chunks.append([])
                used = 0
                if n > 0:  # a day goes on in the next piece: say which day it is
                    text = f"{header} (continued)\n{line}"
                    cost = count_tokens(text) + 1
            chunks[-1].append(text)
            used += cost
    return ["\n".join(c) for c in chunks if c]
