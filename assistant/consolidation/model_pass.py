"""The model pass: a local GGUF model extracts semantic, procedural, core, resource and vault memories.

It reads what the deterministic pass already condensed, not raw frames: per episode (an activity run
of one window, or a chat session) its window, time span and the lines that were new in it, deduplicated
and bounded in tokens. An episode with nothing new (the same document again) is skipped by rule. Each
episode is one call with one combined schema, after an instruction prefix that is evaluated once and
reused from the model's cached state. What did not fit an episode's budget is counted, never dropped
silently, and every call's tokens and seconds are added up for the report.

Output is grammar-constrained to the schema, so it always parses; what it says is still checked: an
item must be grounded in its episode (share words with it, or for a secret appear verbatim), and it is
attributed to the episode's events it shares the most words with. A failed or empty call counts as a
fallback, and the deterministic episodes stand on their own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from assistant.consolidation import schemas
from assistant.consolidation.deterministic import Planned, lines_within
from assistant.consolidation.grouping import activity_runs, chat_sessions, participants
from assistant.errors import ModelError, ModelInterrupted
from assistant.llm.text_model import TextModel
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

# What the model reads of one episode, in its own tokens: a window's salient new lines, not its frames.
EPISODE_TOKENS = 160
_LINE_CHARS = 300
_SPACES = re.compile(r"\s+")


@dataclass
class Extraction:
    """What the model pass found in one batch, beyond the deterministic episodes."""

    planned: list[Planned] = field(default_factory=list)
    secrets: list[tuple[Planned, str]] = field(default_factory=list)  # vault entry + its secret value
    calls: int = 0
    fallbacks: int = 0
    episodes: int = 0  # episodes the model read
    skipped: int = 0  # episodes with nothing new, skipped by rule
    dropped_lines: int = 0  # new lines that did not fit an episode's token budget
    prompt_tokens: int = 0  # evaluated, not counting a reused cached prefix
    generated_tokens: int = 0
    seconds: float = 0.0


@dataclass
class Episode:
    """One episode as the model reads it, and the events its memories are attributed to."""

    text: str
    events: list[RawEvent]
    dropped_lines: int  # new lines that did not fit EPISODE_TOKENS


@dataclass
class Fresh:
    """An episode's header and new lines before the token budget: what the model backlog keeps."""

    header: str
    lines: list[str]
    events: list[RawEvent]


def line_key(line: str) -> str:
    return _SPACES.sub(" ", line).strip().casefold()


def _lines(group: Sequence[RawEvent]) -> list[str]:
    if group[0].kind == "chat":
        return [f"{e.speaker}: {e.text}" if e.speaker else e.text for e in group]
    return [line for e in group for line in e.text.splitlines()]


def episode_header(group: Sequence[RawEvent]) -> str:
    first, last = group[0], group[-1]
    span = f"{first.occurred_at:%Y-%m-%d %H:%M}-{last.occurred_at:%H:%M}"
    if first.kind == "chat":
        return f"[{span}] chat with {', '.join(participants(group)) or 'unknown'}"
    where = " - ".join(p for p in (first.app, first.title, first.url) if p)
    return _SPACES.sub(" ", f"[{span}] {where or 'screen'}")


def fresh_episodes(events: Sequence[RawEvent]) -> tuple[list[Fresh], int]:
    """The batch's episodes with their new lines, and how many were skipped for having nothing new.

    A line counts as new the first time it appears in the batch: a window visited again, or a frame that
    only repeats its keyframe, adds nothing. Needs no model, so the deterministic pass can write them down.
    """
    groups = [*activity_runs(events), *chat_sessions(events)]
    groups.sort(key=lambda g: (g[0].occurred_at, g[0].id))
    seen: set[str] = set()
    out: list[Fresh] = []
    skipped = 0
    for group in groups:
        fresh: list[str] = []
        for line in _lines(group):
            key = line_key(line)
            if len(key) < 3 or key in seen:
                continue
            seen.add(key)
            fresh.append(_SPACES.sub(" ", line).strip()[:_LINE_CHARS])
        if fresh:
            out.append(Fresh(episode_header(group), fresh, list(group)))
        else:
            skipped += 1
    return out, skipped


def bounded(fresh: Fresh, model: TextModel, budget: int = EPISODE_TOKENS, dropped: int = 0) -> Episode | None:
    """The header and the new lines that fit `budget` tokens (None when not even one does); the rest is
    counted in `dropped_lines`, with the `dropped` ones already left out before."""
    used = model.count_tokens(fresh.header)
    kept: list[str] = []
    for line in fresh.lines:
        cost = model.count_tokens(line)
        if used + cost > budget:
            break
        kept.append(line)
        used += cost
    if not kept:
        return None
    return Episode("\n".join([fresh.header, *kept]), fresh.events, dropped + len(fresh.lines) - len(kept))


def episodes(events: Sequence[RawEvent], model: TextModel, budget: int = EPISODE_TOKENS) -> tuple[list[Episode], int]:
    """The batch's episodes as the model reads them (each within `budget` tokens), and how many were
    skipped for having nothing new (or nothing that fits)."""
    found, skipped = fresh_episodes(events)
    out: list[Episode] = []
    for fresh in found:
        episode = bounded(fresh, model, budget)
        if episode is None:
            skipped += 1
        else:
            out.append(episode)
    return out, skipped


# What the backlog keeps of an episode's new lines: the model reads at most EPISODE_TOKENS of them, and a
# token is rarely more than 8 characters of screen text; the lines beyond are counted as dropped.
KEPT_CHARS = 8 * EPISODE_TOKENS


def write_down(batch: Sequence[RawEvent]) -> list[tuple[str, int, list[str]]]:
    """The batch's episodes with something new, as the backlog keeps them: (header and new lines,
    lines left out, event ids)."""
    out = []
    for fresh in fresh_episodes(batch)[0]:
        kept = lines_within(fresh.lines, KEPT_CHARS)
        n = kept.count("\n") + 1 if kept else 0
        out.append(("\n".join([fresh.header, *fresh.lines[:n]]), len(fresh.lines) - n, [e.id for e in fresh.events]))
    return out


class ModelExtractor:
    def __init__(self, model: TextModel) -> None:
        self._model = model
        self._answer_tokens = schemas.token_bound(schemas.EPISODE)

    @property
    def model(self) -> TextModel:
        return self._model

    def extract(self, events: Sequence[RawEvent]) -> Extraction:
        result = Extraction()
        found, result.skipped = episodes(events, self._model)
        if not found:
            return result
        self.prime(result)
        for episode in found:
            self.read(episode, result)
        return result

    def prime(self, result: Extraction) -> None:
        """Evaluate the instruction prefix every episode's prompt starts with (once; its state is reused)."""
        try:
            self._model.prime(schemas.PREFIX)
            self._count(result, prompt_only=True)
        except ModelError as exc:
            log.info("priming the model pass failed: %s", type(exc).__name__)

    def read(self, episode: Episode, result: Extraction) -> None:
        """One call for one episode; what it found is added to `result`."""
        result.episodes += 1
        result.dropped_lines += episode.dropped_lines
        answer = self._ask(episode, result)
        if answer is None:
            return
        before = len(result.planned) + len(result.secrets)
        self._collect(answer, episode.events, result)
        if len(result.planned) + len(result.secrets) == before and any(answer.values()):
            result.fallbacks += 1  # parsed, but nothing grounded in the episode

    def _ask(self, episode: Episode, result: Extraction) -> dict[str, Any] | None:
        result.calls += 1
        try:
            answer = self._model.generate_json(
                schemas.episode_prompt(episode.text), schemas.EPISODE, max_tokens=self._answer_tokens
            )
        except ModelInterrupted:
            raise  # the caller stopped it: the episode is read again later, not counted as a failure
        except ModelError as exc:
            log.info("model step failed: %s", type(exc).__name__)
            result.fallbacks += 1
            return None
        finally:
            self._count(result)
        return answer

    def _count(self, result: Extraction, *, prompt_only: bool = False) -> None:
        """Add the last call's cost: prompt tokens actually evaluated (a reused cached prefix is free),
        tokens generated (each is fed back, but the last), and seconds."""
        stats = self._model.last_stats
        if stats is None:
            return
        evaluated_prompt = max(0, stats.prompt_tokens - stats.reused_tokens)
        result.prompt_tokens += evaluated_prompt
        if not prompt_only:
            result.generated_tokens += max(0, stats.evaluated_tokens - evaluated_prompt) + 1
        result.seconds += stats.seconds

    def _collect(self, answer: dict[str, Any], events: Sequence[RawEvent], out: Extraction) -> None:
        batch_text = "\n".join(e.text for e in events)
        for name, kind in schemas.FIELDS.items():
            for item in answer.get(name, []):
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
