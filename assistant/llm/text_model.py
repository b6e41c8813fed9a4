"""The text-model interface the answering head and consolidation use (`TextModel`), the optional per-thread
CPU budget (`ThreadBudget`) and what one call cost (`GenerationStats`); runtime.py is the llama.cpp
implementation, and tests have fakes."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


class TextModel(Protocol):
    """What the answering head and consolidation need from a generative model."""

    @property
    def n_ctx(self) -> int: ...

    @property
    def has_chat_template(self) -> bool: ...

    @property
    def is_instruct(self) -> bool: ...

    def tokenize(self, text: str) -> list[int]: ...

    def count_tokens(self, text: str) -> int: ...

    def generate(
        self, prompt: str, *, max_tokens: int = 256, stop: Sequence[str] = (), temperature: float = 0.0
    ) -> str: ...

    def stream(
        self, prompt: str, *, max_tokens: int = 256, stop: Sequence[str] = (), temperature: float = 0.0
    ) -> Iterator[str]: ...

    def generate_json(self, prompt: str, schema: Mapping[str, Any], *, max_tokens: int = 512) -> dict[str, Any]: ...

    def prime(self, prefix: str) -> int: ...

    def format_chat(self, messages: Sequence[Mapping[str, str]]) -> str: ...

    @property
    def last_stats(self) -> GenerationStats | None:
        """What the last call (generation or prime) cost; None before the first."""


@runtime_checkable
class ThreadBudget(Protocol):
    """A model whose calls from one thread can be held to fewer CPU threads (the background model pass)."""

    def thread_budget(self, n_threads: int) -> contextlib.AbstractContextManager[None]: ...


@runtime_checkable
class Interruptible(Protocol):
    """A model whose calls from one thread end at the next token once `stop()` says so, raising
    ModelInterrupted (the background model pass, when the user comes back)."""

    def interrupt_when(self, stop: Callable[[], bool]) -> contextlib.AbstractContextManager[None]: ...


@dataclass(frozen=True)
class GenerationStats:
    """What one call cost, from llama.cpp's own counters (no text, safe to log)."""

    prompt_tokens: int
    reused_tokens: int  # prompt tokens whose KV state was already in the cache
    evaluated_tokens: int  # tokens llama.cpp decoded during the call (new prompt tokens + fed-back output)
    restored_prefix: bool  # the primed prefix was brought back from its saved state
    seconds: float


@contextlib.contextmanager
def for_this_thread(local: threading.local, name: str, value: object) -> Iterator[None]:
    """`local.<name>` is `value` for the calling thread inside the block, and what it was before after it
    (how `thread_budget` and `interrupt_when` hold for one thread's calls only)."""
    previous = getattr(local, name, None)
    setattr(local, name, value)
    try:
        yield
    finally:
        setattr(local, name, previous)
