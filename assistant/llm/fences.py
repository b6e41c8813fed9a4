"""Which parts of a prompt may hold control tokens: only what a chat template wrote itself.

`format_chat` fences each message's content between two private-use characters; `tokenize` parses
special tokens ("<end_of_turn>", "<|im_start|>") only outside the fences, and nowhere in a prompt
that has none. Captured screens and imported chats are thus always plain text to the model. The fence
characters are removed from the content first and never reach the model.
"""

from __future__ import annotations

import re

FENCE_OPEN, FENCE_CLOSE = "\ue000", "\ue001"
_FENCES = re.compile(f"([{FENCE_OPEN}{FENCE_CLOSE}])")


def fence(content: str) -> str:
    """`content` as plain text inside a templated prompt."""
    return FENCE_OPEN + content.replace(FENCE_OPEN, "").replace(FENCE_CLOSE, "") + FENCE_CLOSE


def parts(prompt: str) -> list[tuple[str, bool]]:
    """(text, may hold special tokens) in order; the fences themselves are dropped."""
    templated = FENCE_OPEN in prompt
    out: list[tuple[str, bool]] = []
    inside = False
    for piece in _FENCES.split(prompt):
        if piece in (FENCE_OPEN, FENCE_CLOSE):
            inside = piece == FENCE_OPEN
        elif piece:
            out.append((piece, templated and not inside))
    return out


def unfenced(prompt: str) -> str:
    """The prompt as the model reads it."""
    return prompt.replace(FENCE_OPEN, "").replace(FENCE_CLOSE, "")
