"""Import formats by name, or told apart by their content ("auto"). Reading is all-or-nothing: a file is
parsed whole before anything is stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.errors import ImportFormatError
from assistant.importers import chatgpt, jsonl, locomo
from assistant.importers.common import ParsedMessage

Parser = Callable[[str, str], list[ParsedMessage]]
FORMATS: dict[str, Parser] = {"jsonl": jsonl.parse, "chatgpt": chatgpt.parse, "locomo": locomo.parse}
AUTO = "auto"
MAX_FILE_BYTES = 2 * 1024**3
KNOWN = ("a ChatGPT export's conversations.json, a LoCoMo file, or JSON Lines with one "
         "{speaker, text, time} object per line")


def detect_format(data: str, name: str) -> str:
    """Which of FORMATS `data` is, from its shape; ImportFormatError naming the formats when none fits."""
    text = data.lstrip()
    try:
        doc: Any = json.loads(text) if text[:1] in "[{" else None
    except json.JSONDecodeError:
        doc = None  # JSON Lines (several documents), or broken JSON: the first line tells
    first = doc[0] if isinstance(doc, list) and doc else doc
    if isinstance(first, dict):
        if isinstance(first.get("mapping"), dict):
            return "chatgpt"
        if isinstance(first.get("conversation"), dict):
            return "locomo"
        if "speaker" in first and "text" in first:
            return "jsonl"  # a one-line JSON Lines file
    line = next((x for x in text.splitlines() if x.strip()), "")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        obj = None
    if doc is None and isinstance(obj, dict):
        return "jsonl"
    what = "JSON, but not a chat export this app reads" if doc is not None or isinstance(obj, dict) else \
        "not JSON" if not text.startswith(("[", "{")) else "not valid JSON"
    raise ImportFormatError(f"{name}: cannot tell its format: it is {what}; expected {KNOWN}")


def read_messages(path: Path, fmt: str) -> list[ParsedMessage]:
    return read_export(path, fmt)[1]


def read_export(path: Path, fmt: str) -> tuple[str, list[ParsedMessage]]:
    """The format read (`fmt`, or the one detected for "auto") and the file's messages."""
    if fmt != AUTO and fmt not in FORMATS:
        raise ImportFormatError(f"unknown format {fmt!r}; choose one of {', '.join(sorted(FORMATS))} or {AUTO}")
    if path.is_dir():
        raise ImportFormatError(f"{path} is a folder: choose the export file in it (conversations.json in a "
                                "ChatGPT export)")
    if not path.is_file():
        raise ImportFormatError(f"no such file: {path}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFormatError(f"{path} is larger than 2 GiB; split it first")
    try:
        data = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path.name}: not UTF-8 text (byte {exc.start}); re-save it as UTF-8") from None
    except OSError as exc:
        raise ImportFormatError(f"cannot read {path}: {exc.strerror}") from None
    if fmt == AUTO:
        fmt = detect_format(data, path.name)
    try:
        return fmt, FORMATS[fmt](data, path.name)
    except RecursionError:  # json.loads on thousands of nested brackets
        raise ImportFormatError(f"{path.name}: nested too deeply to be a chat export") from None
