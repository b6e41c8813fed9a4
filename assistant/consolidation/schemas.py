"""The JSON schemas and prompts of the model pass: one meta step, then one extraction per memory type.

Every schema bounds its arrays and strings, and `token_bound` turns those bounds into a token budget
that the longest valid object fits, so generation always ends in a complete object. The bounds are
tight because grammar-constrained sampling is the slow part of consolidation. Prompts are written as
documents to continue, which base and instruct models both handle; the grammar forces the shape.
"""

from __future__ import annotations

from typing import Any

_STR = {"type": "string", "maxLength": 40}
_LONG_STR = {"type": "string", "maxLength": 100}

META: dict[str, Any] = {
    "type": "object",
    "properties": {
        "types": {
            "type": "array",
            "maxItems": 5,
            "items": {"type": "string", "enum": ["semantic", "procedural", "core", "resource", "vault"]},
        }
    },
    "required": ["types"],
}

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

_INSTRUCTIONS = {
    "meta": "Which kinds of long-term memory does this log contain? semantic = facts about people, places "
    "and things; procedural = how-to steps; core = stable facts about the user (name, job, "
    "preferences); resource = documents, files, links; vault = credentials or secrets.",
    "semantic": "List facts about people, places, organisations and things stated in the log. Each fact "
    "has the name of what it is about and a one-sentence summary.",
    "procedural": "List step-by-step procedures (how to do something) shown or described in the log.",
    "core": "State lasting facts about the user (label human) and how they like the assistant to behave "
    "(label persona). Only what the log states.",
    "resource": "List documents, files and web pages the user looked at, with a title, a short summary "
    "and where to find them.",
    "vault": "List credentials or secrets that appear in the log (passwords, API keys, tokens), copying the "
    "value exactly as written.",
}


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


def prompt(kind: str, log_text: str) -> str:
    return f"Memory extraction.\nTask: {_INSTRUCTIONS[kind]}\n\nLog:\n{log_text}\n\nAnswer as JSON.\nJSON: "
