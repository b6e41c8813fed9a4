"""The JSON schemas and the prompt of the model pass: one call per episode fills every memory type.

Every schema bounds its arrays and strings, and `token_bound` turns those bounds into a token budget
that the longest valid object fits, so generation always ends in a complete object. The bounds are
tight because grammar-constrained sampling is the slow part of consolidation. Prompts are written as
documents to continue, which base and instruct models both handle; the grammar forces the shape.
"""

from __future__ import annotations

from typing import Any

_STR = {"type": "string", "maxLength": 40}
_LONG_STR = {"type": "string", "maxLength": 100}

SCHEMAS: dict[str, dict[str, Any]] = {
    "semantic": {
        "type": "object",
        "properties": {
            "facts": {
                "type": "array",
                "maxItems": 2,
                "items": {
                    "type": "object",
                    "properties": {"name": _STR, "summary": _LONG_STR},
                    "required": ["name", "summary"],
                },
            }
        },
        "required": ["facts"],
    },
    "procedural": {
        "type": "object",
        "properties": {
            "procedures": {
                "type": "array",
                "maxItems": 1,
                "items": {
                    "type": "object",
                    "properties": {"summary": _STR, "steps": {"type": "array", "maxItems": 4, "items": _STR}},
                    "required": ["summary", "steps"],
                },
            }
        },
        "required": ["procedures"],
    },
    "core": {
        "type": "object",
        "properties": {
            "blocks": {
                "type": "array",
                "maxItems": 2,
                "items": {
                    "type": "object",
                    "properties": {"label": {"type": "string", "enum": ["human", "persona"]}, "value": _LONG_STR},
                    "required": ["label", "value"],
                },
            }
        },
        "required": ["blocks"],
    },
    "resource": {
        "type": "object",
        "properties": {
            "resources": {
                "type": "array",
                "maxItems": 2,
                "items": {
                    "type": "object",
                    "properties": {
                        "title": _STR,
                        "summary": _STR,
                        "locator": _STR,
                        "resource_type": {"type": "string", "enum": ["document", "url", "file", "other"]},
                    },
                    "required": ["title", "summary", "locator", "resource_type"],
                },
            }
        },
        "required": ["resources"],
    },
    "vault": {
        "type": "object",
        "properties": {
            "entries": {
                "type": "array",
                "maxItems": 2,
                "items": {
                    "type": "object",
                    "properties": {
                        "caption": _STR,
                        "value": _STR,
                        "entry_type": {"type": "string", "enum": ["password", "api_key", "token", "account", "other"]},
                        "sensitivity": {"type": "string", "enum": ["low", "medium", "high"]},
                    },
                    "required": ["caption", "value", "entry_type", "sensitivity"],
                },
            }
        },
        "required": ["entries"],
    },
}

# One call per episode reads every type at once: the fields of EPISODE and the type each one fills.
FIELDS = {"facts": "semantic", "procedures": "procedural", "core": "core", "resources": "resource", "secrets": "vault"}


def _items(kind: str, max_items: int) -> dict[str, Any]:
    inner = next(iter(SCHEMAS[kind]["properties"].values()))
    return {**inner, "maxItems": max_items}


EPISODE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "facts": _items("semantic", 2),
        "procedures": _items("procedural", 1),
        "core": _items("core", 1),
        "resources": _items("resource", 1),
        "secrets": _items("vault", 1),
    },
    "required": list(FIELDS),
}

# The instructions come first and never change, so their evaluated state is primed once and reused for
# every episode; only the episode's own lines are evaluated per call.
PREFIX = (
    "Memory extraction. Below is one episode of the user's activity: a window or a chat, its time span "
    "and the lines that were new in it. Answer as JSON with\n"
    "facts: facts about people, places, organisations and things (the name, a one-sentence summary);\n"
    "procedures: step-by-step procedures shown or described;\n"
    "core: lasting facts about the user (label human) or how they want the assistant to behave (label persona);\n"
    "resources: documents, files and web pages looked at (title, short summary, where to find them);\n"
    "secrets: passwords, API keys or tokens, the value copied exactly as written.\n"
    "Leave a list empty when the episode has nothing of that kind; state only what the episode says.\n\n"
    "Episode:\n"
)


def episode_prompt(episode_text: str) -> str:
    return f"{PREFIX}{episode_text}\n\nJSON: "


_SPACE = 2  # the JSON grammar allows a little whitespace between tokens


def token_bound(schema: dict[str, Any]) -> int:
    """An upper bound on the tokens of any object valid for `schema` (every token is at least 1 char)."""
    kind = schema.get("type")
    if kind == "string":
        return 2 + int(schema.get("maxLength") or max(len(e) for e in schema.get("enum", [""])))
    if kind == "array":
        return 2 + int(schema["maxItems"]) * (token_bound(schema["items"]) + 1 + _SPACE)
    props = schema.get("properties", {})
    return 2 + sum(len(k) + 3 + _SPACE + token_bound(v) for k, v in props.items())
