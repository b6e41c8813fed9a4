"""A fake model for the consolidation model pass: answers every episode with a fixed JSON object, and can
be held inside a call (`gate`) to stand for a slow model on a laptop CPU. It records what the background
job must guarantee: the CPU threads asked for and the calling thread's nice value during each call; a
held call ends early, as llama.cpp's does, when the caller's `interrupt_when` check says so."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from assistant.consolidation import schemas
from assistant.errors import ModelInterrupted
from assistant.llm.text_model import GenerationStats, for_this_thread


class EpisodeModel:
    n_ctx = 4096
    is_instruct = False
    has_chat_template = False

    def __init__(self, answer: dict[str, Any] | None = None, *, hold: bool = False) -> None:
        self.answer = answer or {name: [] for name in schemas.FIELDS}
        self.prompts: list[str] = []
        self.primed: list[str] = []
        self.last_stats: GenerationStats | None = None
        self.in_call = threading.Event()  # set while a call is running
        self.release = threading.Event()  # a held model answers once this is set
        if not hold:
            self.release.set()
        self.during_call: Callable[[], None] | None = None  # run inside each call (a test's side effect)
        self.threads_asked: list[int | None] = []  # the thread budget of each call
        self.nice_in_call: list[int | None] = []  # the calling thread's nice value (Linux), per call
        self._budget = threading.local()

    def tokenize(self, text: str) -> list[int]:
        return [len(w) for w in text.split()]

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def interrupt_when(self, stop: Callable[[], bool]) -> contextlib.AbstractContextManager[None]:
        return for_this_thread(self._budget, "stop", stop)

    def thread_budget(self, n_threads: int) -> contextlib.AbstractContextManager[None]:
        return for_this_thread(self._budget, "n", n_threads)

    def prime(self, prefix: str) -> int:
        self.primed.append(prefix)
        self.last_stats = GenerationStats(self.count_tokens(prefix), 0, self.count_tokens(prefix), False, 0.001)
        return self.count_tokens(prefix)

    def generate_json(self, prompt: str, schema: Mapping[str, Any], *, max_tokens: int = 512) -> dict[str, Any]:
        self.prompts.append(prompt)
        self.threads_asked.append(getattr(self._budget, "n", None))
        linux = sys.platform.startswith("linux")
        self.nice_in_call.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) if linux else None)
        self.in_call.set()
        try:
            if self.during_call is not None:
                self.during_call()
            stop = getattr(self._budget, "stop", None)
            deadline = time.monotonic() + 30
            while not self.release.wait(0.02):  # held: a slow model, token after token
                if stop is not None and stop():
                    raise ModelInterrupted("interrupted by its caller")
                if time.monotonic() > deadline:
                    raise AssertionError("the held model was never released")
        finally:
            self.in_call.clear()
        words = self.count_tokens(prompt)
        self.last_stats = GenerationStats(words, 0, words + 5, False, 0.001)
        return self.answer

    def generate(self, prompt: str, **_: Any) -> str:
        raise AssertionError("the model pass asks for JSON only")

    def stream(self, prompt: str, **_: Any) -> Iterator[str]:
        raise AssertionError("the model pass asks for JSON only")

    def format_chat(self, messages: Sequence[Mapping[str, str]]) -> str:
        raise AssertionError("the model pass writes documents, not chats")
