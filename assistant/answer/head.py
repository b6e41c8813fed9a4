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
from assistant.answer.context import Packed, pack
from assistant.answer.extractive import NOT_FOUND, extractive_answer, relevant, topic
from assistant.llm.runtime import ChatModel
from assistant.retrieval.timeparse import parse_time_range
from assistant.text import content_words
from assistant.values import EVENT_KINDS, Answer, Citation, CoreBlock, SearchHit, utcnow

INSTRUCTIONS = (
    "You are the user's private memory assistant. Answer the question using only the memories given. "
    "Cite every memory you use by its tag, like [2]. Give dates when the question is about time. "
    "If the memories do not contain the answer, say you don't know."
)
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
    def search(
        self, query: str, *, limit: int = 10, now: datetime | None = None, exclude_asks: bool = False
    ) -> list[SearchHit]: ...


def multi_hop_terms(question: str, hits: Sequence[SearchHit], limit: int = 3) -> list[str]:
    """Names the first round surfaced that the question did not mention: what a second hop looks for."""
    asked = content_words(question)
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
        model: Callable[[], ChatModel | None],
        core_blocks: Callable[[], list[CoreBlock]],
        *,
        force_generative: bool = False,
        timezone: str = "UTC",
    ) -> None:
        """`force_generative` runs the model path even for a base model (benchmarks and path tests);
        `timezone` is the one time phrases in questions are read in."""
        self._timezone = timezone
        self._retriever = retriever
        self._force = force_generative
        self._model_provider = model
        self._model: ChatModel | None = None
        self._core_blocks = core_blocks
        self._primed: tuple[int, str] | None = None  # (model identity, prefix) whose state is cached

    @property
    def generative(self) -> bool:
        return self._model is not None and (self._model.is_instruct or self._force)

    def retrieve(self, question: str, now: datetime | None, limit: int = 12) -> list[SearchHit]:
        first = self._retriever.search(question, limit=limit, now=now, exclude_asks=True)
        terms = multi_hop_terms(question, first)
        if not terms or not topic(question):  # a question about a time only has no entity to follow
            return first
        second = self._retriever.search(f"{question} {' '.join(terms)}", limit=limit, now=now, exclude_asks=True)
        return merge_rounds(first, second)

    def answer(
        self, question: str, *, now: datetime | None = None, on_token: Callable[[str], None] | None = None
    ) -> Answer:
        self._model = self._model_provider()
        order = temporal.parse(question)
        if order is not None:

            def find(phrase: str) -> SearchHit | None:
                found = relevant(self._retriever.search(phrase, limit=3, now=now, exclude_asks=True), phrase)
                return found[0] if found else None

            dated = temporal.answer(question, order, find)
            if dated is not None:
                return self._emit(dated, on_token)
        found = relevant(self.retrieve(question, now), question)
        hits = self._near_the_time_asked(question, found, now)
        if not hits:
            text = NOT_FROM_THEN if found else NOT_FOUND
            return self._emit(Answer(question, text, [], known=False, extractive=True), on_token)
        if not self.generative:
            return self._emit(extractive_answer(question, hits), on_token)
        return self._generate(question, hits, on_token)

    def _near_the_time_asked(self, question: str, hits: list[SearchHit], now: datetime | None) -> list[SearchHit]:
        """Of the dated hits, those from around the time the question names: its own span again on either
        side, and at least SLACK. Search prefers that time but still ranks the rest (people talk about an
        event days later), and a quote from last year is no answer to "what did I do last weekend?".
        Facts (semantic, core, ...) are timeless: their date is only when they were written down."""
        asked = parse_time_range(question, now=now or utcnow(), tz=self._timezone)
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

    def _prompt(self, system: str, user: str) -> str:
        assert self._model is not None
        if not self._model.has_chat_template:  # a base model: plain text it can continue
            return f"{system}\n\n{user}\n\nAnswer:"
        return self._model.format_chat([{"role": "system", "content": system}, {"role": "user", "content": user}])

    def prefix(self) -> str:
        """The rendered text every prompt starts with: evaluated once, reused until core memory changes."""
        system = self._system()
        a, b = self._prompt(system, "\x00"), self._prompt(system, "\x01")
        n = 0
        while n < min(len(a), len(b)) and a[n] == b[n]:
            n += 1
        return a[:n]

    def _ensure_primed(self) -> str:
        assert self._model is not None
        prefix = self.prefix()
        if self._primed != (id(self._model), prefix):
            self._model.prime(prefix)
            self._primed = (id(self._model), prefix)
        return prefix

    def _budget(self, system: str, question: str, answer_tokens: int) -> int:
        assert self._model is not None
        fixed = self._model.count_tokens(self._prompt(system, f"Memories:\n\nQuestion: {question}"))
        return self._model.n_ctx - fixed - answer_tokens - 16

    def _generate(self, question: str, hits: list[SearchHit], on_token: Callable[[str], None] | None) -> Answer:
        assert self._model is not None
        self._ensure_primed()
        system = self._system()
        packed = pack(hits, self._budget(system, question, ANSWER_TOKENS), self._model.count_tokens)
        if packed.left_out and _BROAD.search(question):
            packed = self._map_reduce(question, system, hits)
        prompt = self._prompt(system, f"Memories:\n{packed.text}\n\nQuestion: {question}")
        pieces: list[str] = []
        for piece in self._model.stream(prompt, max_tokens=ANSWER_TOKENS):
            pieces.append(piece)
            if on_token is not None:
                on_token(piece)
        return self._cited(question, "".join(pieces).strip(), packed)

    def _map_reduce(self, question: str, system: str, hits: list[SearchHit]) -> Packed:
        """Condense evidence larger than one context into notes, chunk by chunk, then answer from them."""
        assert self._model is not None
        budget = self._budget(system, question, NOTE_TOKENS)
        notes: list[SearchHit] = []
        remaining = list(hits)
        citations: list[Citation] = []
        for _ in range(MAX_MAP_STEPS):
            if not remaining:
                break
            chunk = pack(remaining, budget, self._model.count_tokens, first_tag=len(citations) + 1)
            if not chunk.citations:
                break
            remaining = chunk.left_out
            citations += chunk.citations
            note = self._model.generate(
                self._prompt(
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
        return Packed(text=text, citations=citations, tokens=self._model.count_tokens(text), left_out=remaining)

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
            question=question, text=text, citations=used or packed.citations[:3], known=known, extractive=False
        )
