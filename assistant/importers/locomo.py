"""The LoCoMo benchmark file: each turn's dia_id is its ref, the session's date_time its time.

Image turns carry their BLIP caption in place of the image, as the benchmark's paper does. The
model-generated digests (observation, session_summary, event_summary) are not imported: a user's app
would not have them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from assistant.errors import ImportFormatError
from assistant.importers.common import ParsedMessage, require_text

_SESSION = re.compile(r"^session_(\d{1,6})$")  # bounded: int() refuses 4300+ digit strings


def parse_locomo_time(value: Any, where: str) -> datetime:
    """'1:56 pm on 8 May, 2023' (the benchmark's only format), taken as UTC."""
    if not isinstance(value, str):
        raise ImportFormatError(f"{where}: the session date_time is missing")
    try:
        return datetime.strptime(value.strip(), "%I:%M %p on %d %B, %Y").replace(tzinfo=UTC)
    except ValueError:
        raise ImportFormatError(f"{where}: cannot read the date_time {value[:60]!r}") from None


def _turn_text(turn: dict[str, Any], where: str) -> str:
    text = require_text(turn.get("text", ""), where, "text")
    caption = turn.get("blip_caption")
    if isinstance(caption, str) and caption.strip():
        text = f"{text} [shares a photo of {caption.strip()}]".strip()
    return text


def parse_sample(sample: Any, where: str) -> list[ParsedMessage]:
    if not isinstance(sample, dict) or not isinstance(sample.get("conversation"), dict):
        raise ImportFormatError(f"{where}: not a LoCoMo sample (no 'conversation')")
    sample_id = str(sample.get("sample_id") or where)
    conv = sample["conversation"]
    sessions = sorted((int(m.group(1)), key) for key in conv if (m := _SESSION.match(key)))
    out: list[ParsedMessage] = []
    for number, key in sessions:
        turns = conv[key]
        swhere = f"{where}, {key}"
        if not isinstance(turns, list):
            raise ImportFormatError(f"{swhere}: expected a list of turns")
        when = parse_locomo_time(conv.get(f"{key}_date_time"), swhere)
        for index, turn in enumerate(turns):
            twhere = f"{swhere}, turn {index}"
            if not isinstance(turn, dict) or "dia_id" not in turn or "speaker" not in turn:
                raise ImportFormatError(f"{twhere}: a turn needs speaker, dia_id and text")
            out.append(
                ParsedMessage(
                    speaker=require_text(turn["speaker"], twhere, "speaker"),
                    text=_turn_text(turn, twhere),
                    occurred_at=when,
                    ref=str(turn["dia_id"]),
                    session=f"{sample_id}:session_{number}",
                    meta={"conversation": sample_id},
                )
            )
    return out


def parse_doc(doc: Any, name: str) -> list[ParsedMessage]:
    """The messages of a LoCoMo file already parsed from JSON."""
    samples = doc if isinstance(doc, list) else [doc]
    out: list[ParsedMessage] = []
    for index, sample in enumerate(samples):
        out.extend(parse_sample(sample, f"{name}, sample {index}"))
    return out
