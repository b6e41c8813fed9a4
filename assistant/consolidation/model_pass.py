"""The model pass: a local GGUF model extracts semantic, procedural, core, resource and vault memories.

Output is grammar-constrained to each type's schema, so it always parses; what it says is still
checked: an item must be grounded in the batch (share words with it, or for a secret appear verbatim),
and it is attributed to the events it shares the most words with. A failed or empty step counts as a
fallback, and the deterministic episodes of the batch stand on their own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, cast

from assistant.consolidation import schemas
from assistant.consolidation.deterministic import Planned
from assistant.consolidation.engine import Extraction
from assistant.errors import ModelError
from assistant.llm.runtime import TextModel
from assistant.text import content_words, normalise
from assistant.values import (
    CoreBlock,
    Memory,
    ProceduralMemory,
    RawEvent,
    ResourceMemory,
    SemanticMemory,
    Sensitivity,
    VaultEntry,
)

log = logging.getLogger(__name__)


def log_lines(events: Sequence[RawEvent]) -> list[str]:
    out = []
    for e in events:
        when = e.occurred_at.strftime("%Y-%m-%d %H:%M")
        out.append(f"[{when}] {e.display_text()}".replace("\n", " ")[:600])
    return out


class ModelExtractor:
    def __init__(self, model: TextModel) -> None:
        self._model = model
        self._answer_tokens = max(schemas.token_bound(s) for s in [schemas.META, *schemas.SCHEMAS.values()])

    def _log_text(self, events: Sequence[RawEvent]) -> str:
        """As much of the batch as fits the context beside the prompt and the answer."""
        budget = self._model.n_ctx - self._answer_tokens - 200
        lines, used = [], 0
        for line in log_lines(events):
            cost = self._model.count_tokens(line) + 1
            if used + cost > budget:
                break
            lines.append(line)
            used += cost
        return "\n".join(lines)

    def _ask(self, kind: str, log_text: str, result: Extraction) -> dict[str, Any] | None:
        result.calls += 1
        try:
            schema = schemas.META if kind == "meta" else schemas.SCHEMAS[kind]
            return self._model.generate_json(
                schemas.prompt(kind, log_text), schema, max_tokens=schemas.token_bound(schema)
            )
        except ModelError as exc:
            log.info("model step %s failed: %s", kind, type(exc).__name__)
            result.fallbacks += 1
            return None

    def extract(self, events: Sequence[RawEvent]) -> Extraction:
        result = Extraction()
        log_text = self._log_text(events)
        if not log_text:
            return result
        meta = self._ask("meta", log_text, result)
        kinds = list(dict.fromkeys(meta.get("types", []))) if meta else []
        for kind in kinds:
            answer = self._ask(kind, log_text, result)
            if answer is None:
                continue
            before = len(result.planned) + len(result.secrets)
            self._collect(kind, answer, events, result)
            if len(result.planned) + len(result.secrets) == before:
                result.fallbacks += 1  # parsed, but nothing grounded in the batch
        return result

    def _collect(self, kind: str, answer: dict[str, Any], events: Sequence[RawEvent], out: Extraction) -> None:
        batch_text = "\n".join(e.text for e in events)
        for item in next(iter(answer.values()), []) if answer else []:
            planned = self._build(kind, item, events, batch_text)
            if planned is None:
                continue
            if isinstance(planned[0].memory, VaultEntry):
                out.secrets.append((planned[0], planned[1]))
            else:
                out.planned.append(planned[0])

    def _build(
        self, kind: str, item: dict[str, Any], events: Sequence[RawEvent], batch_text: str
    ) -> tuple[Planned, str] | None:
        memory: Memory
        secret = ""
        extend = True
        if kind == "semantic":
            memory = SemanticMemory(name=item["name"].strip(), summary=item["summary"].strip(), source="model")
            key, extend = f"semantic:{normalise(memory.name)}", False  # a fact about X replaces the old one
        elif kind == "procedural":
            steps = [s.strip() for s in item["steps"] if s.strip()]
            memory = ProceduralMemory(entry_type="how-to", summary=item["summary"].strip(), steps=steps)
            key = f"procedural:{normalise(memory.summary)}"
        elif kind == "core":
            # Core blocks go into every prompt: only the user's own words may write them, never a
            # screen (any web page could) nor the assistant's answers.
            events = [e for e in events if user_authored(e)]
            if not events:
                return None
            batch_text = "\n".join(e.text for e in events)
            memory = CoreBlock(label=item["label"], value=item["value"].strip())
            key = f"core:{item['label']}"
        elif kind == "resource":
            memory = ResourceMemory(
                title=item["title"].strip(),
                summary=item["summary"].strip(),
                resource_type=item["resource_type"],
                locator=item["locator"].strip(),
            )
            key = f"resource:{memory.locator or normalise(memory.title)}"
        else:
            secret = item["value"].strip()
            if len(secret) < 6 or secret not in batch_text:
                return None  # a secret must be copied from the log, never invented
            memory = VaultEntry(
                entry_type=item["entry_type"],
                source="consolidation",
                sensitivity=cast(Sensitivity, item["sensitivity"]),
                caption=item["caption"].strip() or item["entry_type"],
            )
            key = f"vault:{normalise(memory.caption)}:{len(secret)}"
        text = memory.search_text()
        if not text.strip() or not (content_words(text) & content_words(batch_text)):
            return None
        memory.sources = [e.source() for e in _attribute(secret or text, events)]
        memory.occurred_at = min(
            (e.occurred_at for e in events if e.source() in memory.sources), default=events[0].occurred_at
        )
        return Planned(memory, key, extend=extend), secret


# Speakers of chat turns that are not the user: the assistant of an imported chat or of `ask`, tools.
NOT_THE_USER = frozenset({"assistant", "system", "tool", "function", "model", "ai", "bot", "chatgpt"})


def user_authored(event: RawEvent) -> bool:
    """A chat turn the user wrote (not a screen capture, not an assistant's reply)."""
    return event.kind == "chat" and (event.speaker or "").strip().lower() not in NOT_THE_USER


def _attribute(text: str, events: Sequence[RawEvent], top: int = 3) -> list[RawEvent]:
    """The events an extracted item most likely came from: most shared words, then earliest."""
    if any(text and text in e.text for e in events):
        return [e for e in events if text in e.text][:top]
    wanted = content_words(text)
    scored = sorted(
        ((len(content_words(e.text) & wanted), -i, e) for i, e in enumerate(events)),
        key=lambda t: (t[0], t[1]),
        reverse=True,
    )
    return [e for score, _, e in scored[:top] if score > 0] or [events[0]]
