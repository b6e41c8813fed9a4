"""What every CLI command shares: opening the facade, asking for the passphrase, printing results."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any

from assistant.api import Access, Assistant
from assistant.errors import AssistantError
from assistant.values import passphrase_problem

ENV_PASSPHRASE = "ASSISTANT_PASSPHRASE"  # noqa: S105 (a variable name, not a secret); for headless use and tests; interactive users are prompted


_from_env: dict[str, str] = {}


def env_secret(name: str = ENV_PASSPHRASE) -> str | None:
    """A passphrase given in the environment, taken out of it at the first read: child processes
    (tesseract, a model converter) must not inherit it. Later reads in this process get it again."""
    if name in os.environ:
        _from_env[name] = os.environ.pop(name)
    return _from_env.get(name)


def passphrase(prompt: str = "Passphrase: ", *, confirm: bool = False) -> str:
    env = env_secret()
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise AssistantError(f"no passphrase: set {ENV_PASSPHRASE} or run in a terminal")
    first = getpass.getpass(prompt)
    problem = passphrase_problem(first) if confirm else None  # a new one: refused before it is repeated
    if problem is not None:
        raise AssistantError(problem)
    if confirm and getpass.getpass("Repeat it: ") != first:
        raise AssistantError("the two passphrases differ; nothing was created")
    return first


def open_assistant(args: argparse.Namespace, *, unlock: bool = True, access: Access = "write") -> Assistant:
    """The facade on --data-dir, unlocked unless `unlock` is False. Commands that only read pass
    access="read", so they work while the desktop app or `capture run` holds the store."""
    app = Assistant(args.data_dir)
    if unlock:
        if not app.initialized:
            from assistant.errors import NotInitialized

            raise NotInitialized(str(app.paths.root))
        keyring_first = app_uses_keyring(app) and env_secret() is None
        app.unlock(None if keyring_first else passphrase(), access=access)
    return app


def app_uses_keyring(app: Assistant) -> bool:
    return app.security.keyring_enabled


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if hasattr(value, "as_dict"):
        return value.as_dict()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(value: Any) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False)


def emit(args: argparse.Namespace, value: Any, human: str) -> None:
    print(to_json(value) if getattr(args, "json", False) else human)


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def parse_day(text: str) -> datetime:
    """A YYYY-MM-DD (or full ISO) date from the command line, as an aware UTC datetime."""
    from datetime import UTC

    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise AssistantError(f"{text!r} is not a date (use YYYY-MM-DD)") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def index_with_progress(app: Assistant, quiet: bool) -> int:
    """Embed what is new for vector search, showing progress on stderr unless `quiet`."""

    def progress(done: int, total: int) -> None:
        if not quiet and total:
            print(f"\rindexing for search: {done}/{total}", end="", file=sys.stderr, flush=True)

    done = app.search.index_pending(progress)
    if done and not quiet:
        print(file=sys.stderr)
    return done
