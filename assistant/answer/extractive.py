"""Answers without a generative model: the best supporting memories, each cut to its matching passage.

Used when no instruction-tuned model is installed (a base model cannot follow the answering prompt), and
labelled as such, so a quote is never mistaken for the assistant's own words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.retrieval.query import Query
from assistant.text import content_words, normalise, unknown_reason
from assistant.values import Answer, Citation, SearchHit

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SPEAKER = re.compile(r"^[^\W\d_][\w'-]*(?: [^\W\d_][\w'-]*){0,2}: ")  # "Caroline: ..." in a transcript
TRANSCRIPTS = frozenset({"chat", "episodic"})  # hits whose lines start with who said them
NOT_FOUND = "I don't know: nothing in your memory matches that question."
LABEL = "From your memory (quoted; no language model was used):"


def _sentences(text: str, transcript: bool) -> list[tuple[int, str, str]]:
    """(line number, the line's speaker prefix, sentence) for each sentence of each line."""
    out: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines()):
        match = _SPEAKER.match(line) if transcript else None
        speaker = match.group(0) if match else ""
        out += [(number, speaker, s.strip()) for s in _SENTENCE.split(line[len(speaker) :]) if s.strip()]
    return out


def best_passage(text: str, wanted: frozenset[str], max_chars: int = 300, *, transcript: bool = False) -> str:
    """The sentence (with its neighbour if short) sharing the most of the `wanted` content words; in a
    transcript, with the name of who said it."""
    sentences = _sentences(text, transcript) or [(0, "", text.strip())]
    scored = [(len(content_words(s) & wanted), -i) for i, (_, _, s) in enumerate(sentences)]
    index = -max(scored)[1]
    line, speaker, best = sentences[index]
    if len(best) < 80 and index + 1 < len(sentences):
        next_line, next_speaker, following = sentences[index + 1]
        best += f" {following}" if next_line == line else f" {next_speaker}{following}"
    best = speaker + best
    return best if len(best) <= max_chars else best[: max_chars - 1].rstrip() + "…"


def relevant(hits: Sequence[SearchHit], query: Query) -> list[SearchHit]:
    """Hits that share a topic word with the question; all of them when it names no topic ("what happened
    yesterday?": the hits are that day's memories)."""
    wanted = query.answer_topic
    return [h for h in hits if not wanted or content_words(h.text) & wanted]


def extractive_answer(query: Query, hits: Sequence[SearchHit], *, max_items: int = 3) -> Answer:
    """Up to `max_items` quotes, each saying something the ones above it did not.

    An episode often quotes the very turn that ranked above it (its best passage is that turn, perhaps
    with the next sentence), so a hit whose passage holds an earlier quote, or is held by one, gives way
    to the next hit.
    """
    chosen: list[tuple[SearchHit, str]] = []
    said: list[str] = []
    question = query.text
    for h in relevant(hits, query):
        passage = best_passage(h.text, query.content, transcript=h.type in TRANSCRIPTS)
        key = normalise(passage)
        if any(key in earlier or earlier in key for earlier in said):
            continue
        chosen.append((h, passage))
        said.append(key)
        if len(chosen) == max_items:
            break
    if not chosen:
        return Answer(
            question=question, text=NOT_FOUND, citations=[], extractive=True, unknown_reason=unknown_reason(NOT_FOUND)
        )
    citations = [Citation(tag=f"[{i}]", hit=h) for i, (h, _) in enumerate(chosen, start=1)]
    lines = [LABEL]
    for c, (_, passage) in zip(citations, chosen, strict=True):
        when = c.hit.occurred_at.strftime("%Y-%m-%d %H:%M") if c.hit.occurred_at else "undated"
        lines.append(f"{c.tag} {when}: {passage}")
    return Answer(question=question, text="\n".join(lines), citations=citations, extractive=True)
