"""JSON Lines transcripts: one {"speaker", "text", "time", "ref"?, "conversation"?} object per line."""

from __future__ import annotations

import json

from assistant.errors import ImportFormatError
from assistant.importers.common import ParsedMessage, parse_time, require_text


def parse(data: str, name: str) -> list[ParsedMessage]:
    out: list[ParsedMessage] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name}, line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFormatError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise ImportFormatError(f"{where}: expected an object with speaker, text and time")
        missing = [k for k in ("speaker", "text", "time") if k not in obj]
        if missing:
            raise ImportFormatError(f"{where}: missing {', '.join(missing)}")
        ref = obj.get("ref")
        conversation = obj.get("conversation")
        out.append(
            ParsedMessage(
                speaker=require_text(obj["speaker"], where, "speaker"),
                text=require_text(obj["text"], where, "text"),
                occurred_at=parse_time(obj["time"], where),
                ref=None if ref is None else str(ref),
                session=None if conversation is None else str(conversation),
            )
        )
    return out
