"""The memory-augmented answering head.

Flow: route and retrieve (the Recall handles types and time phrases), a second retrieval round with the
entities the first round surfaced (multi-hop), order questions answered from dates, then either a
generative answer from an instruction-tuned model or an extractive one. The model prompt puts what
changes least first — instructions and core memory — so its evaluated state is reused across
questions; only the memories and the question are new tokens. When the evidence is larger than one
context, a bounded map-reduce condenses it chunk by chunk over the same cached prefix.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from assistant.answer import temporal
from assistant.answer.context import Packed, digest_chunks, pack
from assistant.answer.extractive import NOT_FOUND, extractive_answer, relevant
from assistant.llm.text_model import TextModel
from assistant.retrieval.query import Query
from assistant.text import content_words, unknown_reason
from assistant.values import EVENT_KINDS, Answer, Citation, CoreBlock, Digest, SearchHit

INSTRUCTIONS = (
    "You are the user's private memory assistant. Answer the question using only the memories given. "
    "Cite every memory you use by its tag, like [2]. Give dates when the question is about time. "
    "If the memories do not contain the answer, say you don't know."
)
DIGEST_HEADING = "What the user did, from their captures and chats:"
ANSWER_TOKENS = 256
NOTE_TOKENS = 160
MAX_MAP_STEPS = 4
SLACK = timedelta(days=3)
NOT_FROM_THEN = "I don't know: nothing in your memory from that time matches the question."
DATED = frozenset({"episodic", *EVENT_KINDS})  # hits whose date is when it happened
_TAG = re.compile(r"\[(\d{1,3})\]")
_ENTITY = re.compile(r"\b[A-Z][\w'-]{2,}(?:\s+[A-Z][\w'-]{2,})*")
_BROAD = re.compile(r"\b(summar\w*|overview|recap|what did (?:i|we) (?:do|work on)|all the|everything)\b", re.I)


class Retriever(Protocol):
    def read(self, question: str, *, now: datetime | None = None) -> Query: ...

    def search(self, query: str | Query, *, limit: int = 10, exclude_asks: bool = False) -> list[SearchHit]: ...


def multi_hop_terms(query: Query, hits: Sequence[SearchHit], limit: int = 3) -> list[str]:
    """Names the first round surfaced that the question did not mention: what a second hop looks for."""
    asked = query.content
    counts: Counter[str] = Counter()
    for hit in hits[:5]:
        for name in _ENTITY.findall(hit.text):
            if not content_words(name) & asked:
                counts[name] += 1
    return [name for name, _ in counts.most_common(limit)]


def merge_rounds(first: Sequence[SearchHit], second: Sequence[SearchHit], extra: int = 5) -> list[SearchHit]:
    seen = {h.id for h in first}
    return [*first, *[h for h in second if h.id not in seen][:extra]]


class AnswerHead:
    def __init__(
        self,
        retriever: Retriever,
        model: Callable[[], TextModel | None],
        core_blocks: Callable[[], list[CoreBlock]],
        *,
        force_generative: bool = False,
        digest: Callable[[datetime, datetime], Digest] | None = None,
    ) -> None:
        """`force_generative` runs the model path even for a base model (benchmarks and path tests);
        `digest` tells a span of time from the store (apps, windows, durations, chats), the answer to a
        question about a time only ("what did I do today?") when no instruct model can summarise."""
        self._retriever = retriever
        self._digest = digest
        self._force = force_generative
        self._model_provider = model
        self._core_blocks = core_blocks
        self._primed: tuple[int, str] | None = None  # (model identity, prefix) whose state is cached

    def _generative(self, model: TextModel | None) -> bool:
        return model is not None and (model.is_instruct or self._force)

    def retrieve(self, query: Query, now: datetime | None, limit: int = 12) -> list[SearchHit]:
        first = self._retriever.search(query, limit=limit, exclude_asks=True)
        terms = multi_hop_terms(query, first)
        if not terms or not query.answer_topic:  # a question about a time only has no entity to follow
            return first
        # The names change what is asked (a participant among them is searched as one), so it is read anew.
        second_hop = self._retriever.read(f"{query.text} {' '.join(terms)}", now=now)
        return merge_rounds(first, self._retriever.search(second_hop, limit=limit, exclude_asks=True))

    def answer(
        self, question: str, *, now: datetime | None = None, on_token: Callable[[str], None] | None = None
    ) -> Answer:
        """The model is taken once per call and handed down, so calls on a pool never share it by accident."""
        model = self._model_provider()
        query = self._retriever.read(question, now=now)
        if query.order is not None:

            def find(phrase: str) -> SearchHit | None:
                side = self._retriever.read(phrase, now=now)
                found = relevant(self._retriever.search(side, limit=3, exclude_asks=True), side)
                return found[0] if found else None

            dated = temporal.answer(question, query.order, find)
            if dated is not None:
                return self._emit(dated, on_token)
        span = query.time
        if (
            self._digest is not None
            and span is not None
            and span.since is not None
            and span.until is not None
            and not query.answer_topic
        ):
            told = self._digest(span.since, span.until)
            if model is not None and self._generative(model) and not told.empty:
                return self._from_digest(model, question, told, on_token)
            reason = unknown_reason(told.text) if told.empty else None
            return self._emit(Answer(question, told.text, [], extractive=True, unknown_reason=reason), on_token)
        found = relevant(self.retrieve(query, now), query)
        hits = self._near_the_time_asked(query, found)
        if not hits:
            text = NOT_FROM_THEN if found else NOT_FOUND
            return self._emit(
                Answer(question, text, [], extractive=True, unknown_reason=unknown_reason(text)), on_token
            )
        if model is None or not self._generative(model):
            return self._emit(extractive_answer(query, hits), on_token)
        return self._generate(model, question, hits, on_token)

    @staticmethod
    def _near_the_time_asked(query: Query, hits: list[SearchHit]) -> list[SearchHit]:
        """Of the dated hits, those from around the time the question names: its own span again on either
        side, and at least SLACK. Search prefers that time but still ranks the rest (people talk about an
        event days later), and a quote from last year is no answer to "what did I do last weekend?".
        Facts (semantic, core, ...) are timeless: their date is only when they were written down."""
        asked = query.time
        if asked is None:
            return hits
        lo, hi = asked.since, asked.until
        slack = max(hi - lo, SLACK) if lo is not None and hi is not None else SLACK
        # A time phrase may also name when the thing talked about happens ("where am I staying in June?"
        # of a chat in May): a hit that mentions it is about that time, whenever it was said.
        mentions = set(asked.mentions)
        return [
            h
            for h in hits
            if h.type not in DATED
            or h.occurred_at is None
            or ((lo is None or h.occurred_at >= lo - slack) and (hi is None or h.occurred_at < hi + slack))
            or mentions & content_words(h.text)
        ]

    @staticmethod
    def _emit(answer: Answer, on_token: Callable[[str], None] | None) -> Answer:
        if on_token is not None:
            on_token(answer.text)
        return answer

    # -- the generative path ------------------------------------------------------------------------
    def _system(self) -> str:
        blocks = [b for b in self._core_blocks() if b.value.strip()]
        core = "\n".join(f"{b.label}: {b.value}" for b in blocks) or "(empty)"
        return f"{INSTRUCTIONS}\n\nCore memory about the user:\n{core}"

    @staticmethod
    def _prompt(model: TextModel, system: str, user: str) -> str:
        if not model.has_chat_template:  # a base model: plain text it can continue
            return f"{system}\n\n{user}\n\nAnswer:"
        return model.format_chat([{"role": "system", "content": system}, {"role": "user", "content": user}])

    def prefix(self, model: TextModel) -> str:
        """The rendered text every prompt starts with: evaluated once, reused until core memory changes."""
        system = self._system()
        a, b = self._prompt(model, system, "\x00"), self._prompt(model, system, "\x01")
        n = 0
        while n < min(len(a), len(b)) and a[n] == b[n]:
            n += 1
        return a[:n]

    def _ensure_primed(self, model: TextModel) -> str:
        prefix = self.prefix(model)
        if self._primed != (id(model), prefix):
            model.prime(prefix)
            self._primed = (id(model), prefix)
        return prefix

    def _budget(self, model: TextModel, system: str, question: str, answer_tokens: int) -> int:
        fixed = model.count_tokens(self._prompt(model, system, f"Memories:\n\nQuestion: {question}"))
        return model.n_ctx - fixed - answer_tokens - 16

    def _generate(
        self, model: TextModel, question: str, hits: list[SearchHit], on_token: Callable[[str], None] | None
    ) -> Answer:
        self._ensure_primed(model)
        system = self._system()
        packed = pack(hits, self._budget(model, system, question, ANSWER_TOKENS), model.count_tokens)
        if packed.left_out and _BROAD.search(question):
            packed = self._map_reduce(model, question, system, hits)
        prompt = self._prompt(model, system, f"Memories:\n{packed.text}\n\nQuestion: {question}")
        return self._cited(question, _streamed(model, prompt, on_token), packed)

    def _from_digest(
        self, model: TextModel, question: str, told: Digest, on_token: Callable[[str], None] | None
    ) -> Answer:
        """A question about a time only ("what did I do this week?"): the digest of that time (apps and
        windows with durations, chats, pages) is the evidence instead of raw memories; when it is larger
        than one context, each piece is condensed into notes first (map), and the answer is written from
        them (reduce). What did not fit MAX_MAP_STEPS pieces is named in the prompt, not dropped silently."""
        self._ensure_primed(model)
        system = self._system()
        days = [d.text for d in told.days]
        pieces = digest_chunks(days, self._budget(model, system, question, ANSWER_TOKENS), model.count_tokens)
        if len(pieces) == 1:
            evidence = f"{DIGEST_HEADING}\n{pieces[0]}"
        else:
            pieces = digest_chunks(days, self._budget(model, system, question, NOTE_TOKENS), model.count_tokens)
            notes = [
                model.generate(
                    self._prompt(
                        model,
                        system,
                        f"Memories:\n{DIGEST_HEADING}\n{piece}\n\nWrite brief notes that help answer: {question}",
                    ),
                    max_tokens=NOTE_TOKENS,
                ).strip()
                for piece in pieces[:MAX_MAP_STEPS]
            ]
            evidence = "\n".join(f"Notes {i}: {note}" for i, note in enumerate(notes, start=1))
            if len(pieces) > MAX_MAP_STEPS:
                evidence += f"\n(The record of {len(pieces) - MAX_MAP_STEPS} more parts of this time was not read.)"
        prompt = self._prompt(model, system, f"Memories:\n{evidence}\n\nQuestion: {question}")
        return self._cited(question, _streamed(model, prompt, on_token), Packed(evidence, [], 0, []))

    def _map_reduce(self, model: TextModel, question: str, system: str, hits: list[SearchHit]) -> Packed:
        """Condense evidence larger than one context into notes, chunk by chunk, then answer from them."""
        budget = self._budget(model, system, question, NOTE_TOKENS)
        notes: list[SearchHit] = []
        remaining = list(hits)
        citations: list[Citation] = []
        for _ in range(MAX_MAP_STEPS):
            if not remaining:
                break
            chunk = pack(remaining, budget, model.count_tokens, first_tag=len(citations) + 1)
            if not chunk.citations:
                break
            remaining = chunk.left_out
            citations += chunk.citations
            note = model.generate(
                self._prompt(
                    model,
                    system,
                    (
                        f"Memories:\n{chunk.text}\n\nWrite brief notes that help answer: {question}\n"
                        "Keep the tags of the memories you use."
                    ),
                ),
                max_tokens=NOTE_TOKENS,
            ).strip()
            first = chunk.citations[0].hit
            notes.append(
                SearchHit(
                    id=f"note{len(notes) + 1}",
                    type="notes",
                    text=note,
                    score=0.0,
                    occurred_at=first.occurred_at,
                    sources=[],
                )
            )
        text = "\n".join(f"Notes {i}: {n.text}" for i, n in enumerate(notes, start=1))
        return Packed(text=text, citations=citations, tokens=model.count_tokens(text), left_out=remaining)

    @staticmethod
    def _cited(question: str, text: str, packed: Packed) -> Answer:
        """Keep only tags that were in the context; an answer that cites nothing rests on the top items."""
        by_tag = {c.tag: c for c in packed.citations}
        used = [by_tag[f"[{n}]"] for n in dict.fromkeys(_TAG.findall(text)) if f"[{n}]" in by_tag]
        text = _TAG.sub(lambda m: m.group(0) if m.group(0) in by_tag else "", text).strip()
        known = bool(text) and "don't know" not in text.lower() and "do not know" not in text.lower()
        if not text:
            text = NOT_FOUND
        return Answer(
            question=question,
            text=text,
            citations=used or packed.citations[:3],
            extractive=False,
            unknown_reason=None if known else unknown_reason(text),
        )


def _streamed(model: TextModel, prompt: str, on_token: Callable[[str], None] | None) -> str:
    """The answer to `prompt`, each piece passed to `on_token` as it comes."""
    pieces: list[str] = []
    for piece in model.stream(prompt, max_tokens=ANSWER_TOKENS):
        pieces.append(piece)
        if on_token is not None:
            on_token(piece)
    return "".join(pieces).strip()
