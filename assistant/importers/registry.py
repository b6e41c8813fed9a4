"""Import formats by name, or told apart by their content ("auto"). Reading is all-or-nothing: a file is
parsed whole before anything is stored."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from assistant.errors import ImportFormatError
from assistant.importers import chatgpt, jsonl, locomo
from assistant.importers.common import ParsedMessage, load_json

Parser = Callable[[str, str], list[ParsedMessage]]
DocumentParser = Callable[[Any, str], list[ParsedMessage]]
# Formats that are one JSON document: parsed once, whether named or detected.
FROM_DOCUMENT: dict[str, DocumentParser] = {"chatgpt": chatgpt.parse_doc, "locomo": locomo.parse_doc}


def _from_text(parse_doc: DocumentParser) -> Parser:
    return lambda data, name: parse_doc(load_json(data, name), name)


FORMATS: dict[str, Parser] = {"jsonl": jsonl.parse, **{f: _from_text(p) for f, p in FROM_DOCUMENT.items()}}
AUTO = "auto"
MAX_FILE_BYTES = 2 * 1024**3
KNOWN = (
    "a ChatGPT export's conversations.json, a LoCoMo file, or JSON Lines with one {speaker, text, time} object per line"
)


def detect_format(data: str, name: str) -> str:
    """Which of FORMATS `data` is, from its shape; ImportFormatError naming the formats when none fits."""
    return _detect(data, name)[0]


def _detect(data: str, name: str) -> tuple[str, Any]:
    """The format, and the document when the whole text was one JSON document (so it is parsed once)."""
    text = data.lstrip()
    try:
        doc: Any = json.loads(text) if text[:1] in "[{" else None
    except json.JSONDecodeError:
        doc = None  # JSON Lines (several documents), or broken JSON: the first line tells
    first = doc[0] if isinstance(doc, list) and doc else doc
    if isinstance(first, dict):
        if isinstance(first.get("mapping"), dict):
            return "chatgpt", doc
        if isinstance(first.get("conversation"), dict):
            return "locomo", doc
        if "speaker" in first and "text" in first:
            return "jsonl", None  # a one-line JSON Lines file
    line = next((x for x in text.splitlines() if x.strip()), "")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        obj = None
    if doc is None and isinstance(obj, dict):
        return "jsonl", None
    what = (
        "JSON, but not a chat export this app reads"
        if doc is not None or isinstance(obj, dict)
        else "not JSON"
        if not text.startswith(("[", "{"))
        else "not valid JSON"
    )
    raise ImportFormatError(f"{name}: cannot tell its format: it is {what}; expected {KNOWN}")


def read_messages(path: Path, fmt: str) -> list[ParsedMessage]:
    return read_export(path, fmt)[1]


def read_export(path: Path, fmt: str) -> tuple[str, list[ParsedMessage]]:
    """The format read (`fmt`, or the one detected for "auto") and the file's messages."""
    if fmt != AUTO and fmt not in FORMATS:
        raise ImportFormatError(f"unknown format {fmt!r}; choose one of {', '.join(sorted(FORMATS))} or {AUTO}")
    if path.is_dir():
        raise ImportFormatError(
            f"{path} is a folder: choose the export file in it (conversations.json in a ChatGPT export)"
        )
    if not path.is_file():
        raise ImportFormatError(f"no such file: {path}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFormatError(f"{path} is larger than 2 GiB; split it first")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"cannot read {path}: {exc.strerror}") from None
    name = path.name
    if raw.startswith(b"PK\x03\x04"):  # the ZIP ChatGPT's "Export data" mails, read as it is
        raw, name = _conversations_in_zip(raw, path.name)
    try:
        data = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{name}: not UTF-8 text (byte {exc.start}); re-save it as UTF-8") from None
    try:
        if fmt == AUTO:
            fmt, doc = _detect(data, name)
            if doc is not None:
                return fmt, FROM_DOCUMENT[fmt](doc, name)
        return fmt, FORMATS[fmt](data, name)
    except RecursionError:  # json.loads on thousands of nested brackets
        raise ImportFormatError(f"{name}: nested too deeply to be a chat export") from None


def _conversations_in_zip(raw: bytes, zip_name: str) -> tuple[bytes, str]:
    """The bytes of the conversations.json inside a ZIP (read in memory: nothing is unpacked to disk)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [m for m in archive.infolist() if PurePosixPath(m.filename).name == "conversations.json"]
            if not members:
                raise ImportFormatError(
                    f"{zip_name}: a ZIP without conversations.json; import a ChatGPT export's "
                    "ZIP, or the transcript file itself"
                )
            member = min(members, key=lambda m: len(m.filename))  # the top-level one if several
            if member.file_size > MAX_FILE_BYTES:
                raise ImportFormatError(f"{zip_name}: its conversations.json is larger than 2 GiB; split it first")
            name = f"{zip_name}/{member.filename}"
            with archive.open(member) as f:
                data = f.read(MAX_FILE_BYTES + 1)  # the header's size may lie
            if len(data) > MAX_FILE_BYTES:
                raise ImportFormatError(f"{zip_name}: its conversations.json is larger than 2 GiB; split it first")
            return data, name
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        # RuntimeError: a password-protected member; NotImplementedError: an unknown compression method
        raise ImportFormatError(f"{zip_name}: a damaged or unreadable ZIP ({exc}); export it again") from None
