"""`app.answers`: answer a question from memory with citations, keep the turn as chat, and the latest
questions asked with their answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from assistant.answer.head import AnswerHead
from assistant.answer.history import recent_answers
from assistant.app.core import Core
from assistant.errors import AssistantError, ModelError
from assistant.llm.text_model import TextModel
from assistant.store import memories as memory_repo
from assistant.store.ingest import Ingest
from assistant.values import ASK_SESSION_PREFIX, Answer, CoreBlock, Digest, RawEvent


class AnswerManager:
    def __init__(self, core: Core, digest: Callable[[datetime, datetime], Digest]) -> None:
        self._core = core
        self._digest = digest  # a span of time told from the store: what "what did I do today?" gets

    def ask(
        self,
        question: str,
        *,
        on_token: Callable[[str], None] | None = None,
        now: datetime | None = None,
        record: bool = True,
    ) -> Answer:
        """Answer from memory with citations; the turn is recorded as chat unless `record` is False.

        A read-only facade cannot record: it needs `record=False` (ReadOnlyStore otherwise, before any
        answering), so a caller never believes a turn was kept when it was not.
        """
        if not question.strip():
            raise AssistantError("ask a question")
        core = self._core
        if record:
            core.require_writable()
        core.vectors.attach(wait=core.wait_for_index)
        answer = self._head().answer(question, now=now, on_token=on_token)
        if record:
            self._record_turn(question, answer, now or datetime.now(UTC))
        return answer

    def history(self, limit: int = 50, *, now: datetime | None = None) -> list[Answer]:
        """The latest questions asked (in Ask, quick recall or the CLI) with their answers, oldest first."""
        return recent_answers(self._core.store.db.reader(), limit=limit, now=now or datetime.now(UTC))

    def _head(self) -> AnswerHead:
        core = self._core
        if core.head is None:
            core.head = AnswerHead(core.recall, self._model, self._core_blocks, digest=self._digest)
        return core.head

    def _model(self) -> TextModel | None:
        """The chat model for answers; a broken model leaves answers extractive instead of failing."""
        try:
            return self._core.models.chat_model()
        except ModelError as exc:
            self._core.notes.model = f"model unavailable: {exc}"
            return None

    def _core_blocks(self) -> list[CoreBlock]:
        """The blocks every prompt carries: the user's edits and what came from chats, never from screens
        (blocks written from a screen before that rule are left out)."""
        found = memory_repo.list_memories(self._core.store.db.reader(), "core", limit=50)
        return [m for m in found if isinstance(m, CoreBlock) and all(s.kind == "chat" for s in m.sources)]

    def _record_turn(self, question: str, answer: Answer, when: datetime) -> None:
        session = f"{ASK_SESSION_PREFIX}{when.date().isoformat()}"
        cited = [c.hit.id for c in answer.citations]
        tags = [c.tag for c in answer.citations]  # how the answer's text refers to them, for history()
        asked = RawEvent(
            kind="chat", occurred_at=when, text=question, speaker="user", session=session, meta={"origin": "ask"}
        )
        answered = RawEvent(
            kind="chat",
            occurred_at=when + timedelta(microseconds=1),
            text=answer.text,
            speaker="assistant",
            session=session,
            meta={"origin": "ask", "cited": cited, "tags": tags},
        )
        Ingest(self._core.store).add_text_events([(asked, None), (answered, None)])
