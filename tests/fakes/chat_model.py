"""A scripted chat model for answering-head tests: records prompts and primes, replies from a script."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any


class ScriptedModel:
    def __init__(
        self, replies: Sequence[str] = ("The answer [1].",), *, n_ctx: int = 2048, instruct: bool = True
    ) -> None:
        self.replies = list(replies)
        self.n_ctx = n_ctx
        self.is_instruct = instruct
        self.has_chat_template = True
        self.prompts: list[str] = []
        self.primed: list[str] = []
        self.last_stats = None

    def tokenize(self, text: str) -> list[int]:
        return [len(w) for w in text.split()]

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def format_chat(self, messages: Sequence[Mapping[str, str]]) -> str:
        return "".join(f"<{m['role']}>{m['content']}</{m['role']}>" for m in messages) + "<assistant>"

    def _next(self) -> str:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def generate(
        self, prompt: str, *, max_tokens: int = 256, stop: Sequence[str] = (), temperature: float = 0.0
    ) -> str:
        self.prompts.append(prompt)
        return self._next()

    def stream(
        self, prompt: str, *, max_tokens: int = 256, stop: Sequence[str] = (), temperature: float = 0.0
    ) -> Iterator[str]:
        self.prompts.append(prompt)
        for word in self._next().split(" "):
            yield word + " "

    def generate_json(self, prompt: str, schema: Mapping[str, Any], *, max_tokens: int = 512) -> dict[str, Any]:
        raise NotImplementedError("the answering head never asks for JSON")

    def prime(self, prefix: str) -> int:
        self.primed.append(prefix)
        return self.count_tokens(prefix)
