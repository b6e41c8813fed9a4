"""Import formats by name. Reading is all-or-nothing: a file is parsed whole before anything is stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.errors import ImportFormatError
from assistant.importers import chatgpt, jsonl, locomo
from assistant.importers.common import ParsedMessage

Parser = Callable[[str, str], list[ParsedMessage]]
FORMATS: dict[str, Parser] = {"jsonl": jsonl.parse, "chatgpt": chatgpt.parse, "locomo": locomo.parse}
MAX_FILE_BYTES = 2 * 1024**3


def read_messages(path: Path, fmt: str) -> list[ParsedMessage]:
    parser = FORMATS.get(fmt)
    if parser is None:
        raise ImportFormatError(f"unknown format {fmt!r}; choose one of {', '.join(sorted(FORMATS))}")
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
    try:
        return parser(data, path.name)
    except RecursionError:  # json.loads on thousands of nested brackets
        raise ImportFormatError(f"{path.name}: nested too deeply to be a chat export") from None
