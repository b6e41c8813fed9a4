"""Memory text handed to another app's model is data, not instructions: strip what a model reads as
control (chat-template tokens, invisible format characters) and quote it so its bounds are plain.

A captured web page or an imported chat can hold "<|im_start|>system ..." or "<end_of_turn>": pasted
verbatim into a client's prompt, such a token can end the client's turn and start one the text controls.
"""

from __future__ import annotations

import re

# Special tokens of the common chat templates: ChatML / Qwen / Phi / GPT (<|im_start|>, <|endoftext|>,
# <|user|>, <|channel|>...), Llama 3 (<|eot_id|>, <|start_header_id|>) and DeepSeek's fullwidth bars
# (<｜end▁of▁sentence｜>) share the "<|word|>" shape; Gemma, Llama 2 / Mistral and sentencepiece have
# their own names.
_BAR_TOKEN = r"<[|｜][^<>|｜\s]{1,48}[|｜]>"  # noqa: S105 (a pattern, not a password)
_NAMED_TOKENS = (
    r"</?(?:start_of_turn|end_of_turn|start_of_image|end_of_image|bos|eos|pad|unk|mask|s)>",
    r"\[/?(?:INST|SYSTEM_PROMPT|TOOL_CALLS|AVAILABLE_TOOLS|TOOL_RESULTS|TOOL_CONTENT)\]",
    r"<</?SYS>>",
)
_CONTROL_TOKEN = re.compile("|".join((_BAR_TOKEN, *_NAMED_TOKENS)), re.IGNORECASE)
# C0/C1 controls other than tab and newline, and the invisible format characters text can hide behind:
# bidi overrides and isolates, zero-width characters, the BOM, the Unicode tag block.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\U000e0000-\U000e007f]"
)


def strip_control(text: str) -> str:
    """`text` without model control tokens and invisible control characters.

    Repeated until nothing changes: removing one token must not join its neighbours into another
    ("<start_of<eos>_turn>" would become "<start_of_turn>" after a single pass).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    while True:
        cleaned = _CONTROL_TOKEN.sub("", _INVISIBLE.sub("", text))
        if cleaned == text:
            return cleaned
        text = cleaned


def one_line(text: str) -> str:
    """A cleaned value for a header line (a title, a source ref): no line breaks to start a line of its own."""
    return " ".join(strip_control(text).split())


def quote(text: str) -> str:
    """Cleaned text as a quoted block: every line starts with "> ", so no line of it can pass for the
    surrounding answer, whatever it says."""
    lines = strip_control(text).strip("\n").split("\n") or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)
