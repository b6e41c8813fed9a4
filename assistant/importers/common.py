"""What every importer shares: the parsed message, its stable dedup key, and time parsing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from assistant.errors import ImportFormatError
from assistant.values import RawEvent

MAX_TEXT = 200_000  # one message; longer ones are cut rather than refused


@dataclass
class ParsedMessage:
    speaker: str
    text: str
    occurred_at: datetime
    ref: str | None
    session: str | None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_event(self, fmt: str) -> tuple[RawEvent, str]:
        """The raw event and a key that is the same every time the same message is imported."""
        identity = self.ref if self.ref else f"{self.occurred_at.isoformat()}\x1f{self.speaker}\x1f{self.text}"
        key = hashlib.sha256(f"{fmt}\x1f{self.session or ''}\x1f{identity}".encode()).hexdigest()
        event = RawEvent(
            kind="chat",
            occurred_at=self.occurred_at,
            text=self.text[:MAX_TEXT],
            speaker=self.speaker,
            ref=self.ref,
            session=self.session,
            meta={"import": fmt, **self.meta},
        )
        return event, key


def parse_time(value: Any, where: str) -> datetime:
    """An ISO 8601 string or a Unix timestamp; times without a zone are taken as UTC."""
    try:
        if isinstance(value, bool):
            raise TypeError("a boolean is not a time")
        if isinstance(value, (int, float)):
            result = datetime.fromtimestamp(float(value), UTC)
        elif isinstance(value, str):
            result = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        else:
            raise TypeError(f"expected a time, got {type(value).__name__}")
    except (ValueError, TypeError, OverflowError, OSError) as exc:
        raise ImportFormatError(f"{where}: invalid time {str(value)[:60]!r} ({exc})") from None
    return result if result.tzinfo else result.replace(tzinfo=UTC)


def require_text(value: Any, where: str, name: str) -> str:
    if not isinstance(value, str):
        raise ImportFormatError(f"{where}: {name!r} must be a string, got {type(value).__name__}")
    return value


def load_json(data: str, name: str) -> Any:
    """The one JSON document a file holds; ImportFormatError with the line when it is not valid JSON."""
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"{name}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
