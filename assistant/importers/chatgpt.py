"""ChatGPT data exports: the conversations.json file, one conversation tree per entry.

Only the thread that ends at `current_node` is imported (edited-away branches are not what the user kept),
and only user/assistant text parts (system prompts, tool calls and images carry no conversation text).
"""

from __future__ import annotations

import math
from typing import Any

from assistant.errors import ImportFormatError
from assistant.importers.common import ParsedMessage, parse_time

_ROLES = {"user", "assistant"}


def _created(node: dict[str, Any]) -> float:
    """A node's create_time for ordering; anything but a finite number sorts first."""
    message = node.get("message")
    when = message.get("create_time") if isinstance(message, dict) else None
    if isinstance(when, bool) or not isinstance(when, (int, float)) or not math.isfinite(when):
        return 0.0
    return float(when)


def _thread(mapping: dict[str, Any], current: str | None, where: str) -> list[dict[str, Any]]:
    if current is None:  # no pointer: take the nodes in time order
        return sorted((n for n in mapping.values() if isinstance(n, dict)), key=_created)
    chain: list[dict[str, Any]] = []
    seen: set[str] = set()
    node_id: str | None = current
    while node_id is not None:
        if node_id in seen:
            raise ImportFormatError(f"{where}: the message tree has a cycle at {node_id[:60]!r}")
        seen.add(node_id)
        node = mapping.get(node_id)
        if not isinstance(node, dict):
            raise ImportFormatError(f"{where}: node {node_id[:60]!r} is missing from the mapping")
        chain.append(node)
        parent = node.get("parent")
        node_id = parent if isinstance(parent, str) else None
    return list(reversed(chain))


def _text(message: dict[str, Any]) -> str:
    content = message.get("content") or {}
    if not isinstance(content, dict):
        return ""
    parts = content.get("parts")
    if isinstance(parts, list):
        return "\n".join(p for p in parts if isinstance(p, str)).strip()
    text = content.get("text")
    return text.strip() if isinstance(text, str) else ""


def parse_doc(doc: Any, name: str) -> list[ParsedMessage]:
    """The messages of an export already parsed from JSON."""
    if not isinstance(doc, list):
        raise ImportFormatError(f"{name}: expected the list of conversations of a ChatGPT export")
    out: list[ParsedMessage] = []
    for index, conv in enumerate(doc):
        where = f"{name}, conversation {index}"
        if not isinstance(conv, dict) or not isinstance(conv.get("mapping"), dict):
            raise ImportFormatError(f"{where}: not a conversation (no 'mapping')")
        conv_id = str(conv.get("conversation_id") or conv.get("id") or f"conversation-{index}")
        title = conv.get("title") if isinstance(conv.get("title"), str) else ""
        fallback_time = conv.get("create_time")
        current = conv.get("current_node")
        for node in _thread(conv["mapping"], current if isinstance(current, str) else None, where):
            message = node.get("message")
            if not isinstance(message, dict):
                continue
            author = message.get("author") or {}
            role = author.get("role") if isinstance(author, dict) else None
            text = _text(message)
            if not isinstance(role, str) or role not in _ROLES or not text:
                continue
            when = message.get("create_time") or fallback_time
            if when is None:
                raise ImportFormatError(f"{where}: message {str(message.get('id'))[:60]!r} has no time")
            out.append(
                ParsedMessage(
                    speaker=str(role),
                    text=text,
                    occurred_at=parse_time(when, where),
                    ref=str(message.get("id") or node.get("id")),
                    session=conv_id,
                    meta={"title": title} if title else {},
                )
            )
    return out
