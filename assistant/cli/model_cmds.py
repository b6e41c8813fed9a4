"""`assistant models ...`: list, download, use, add, convert, remove, and the offline defaults."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.api import ModelEntry
from assistant.cli.common import add_json_flag, emit, open_assistant


def _line(e: ModelEntry, active: set[str]) -> str:
    mark = "*" if e.name in active else " "
    return f"{mark} {e.name:<28} {e.role:<9} {e.size / 1e6:8.1f} MB  {e.source}  {e.path}"


def _entry(e: ModelEntry) -> dict[str, Any]:
    return {**asdict(e), "path": str(e.path)}


def cmd_list(args: argparse.Namespace) -> int:
    app = open_assistant(args, unlock=False)
    entries = app.models.installed()
    active = {a.name for a in (app.models.active("chat"), app.models.active("embedding")) if a}
    emit(
        args,
        {"models": [_entry(e) for e in entries], "active": sorted(active)},
        "\n".join(_line(e, active) for e in entries) or "(no models; try `assistant models recommended`)",
    )
    return 0


def cmd_recommended(args: argparse.Namespace) -> int:
    recommended = open_assistant(args, unlock=False).models.recommended()
    emit(
        args,
        [asdict(r) for r in recommended],
        "\n".join(
            f"{r.name:<24} {r.size_bytes / 1e9:4.1f} GB download, ~{r.ram_gb:g} GB RAM  {r.notes}" for r in recommended
        ),
    )
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    app = open_assistant(args, unlock=False)

    def progress(done: int, total: int) -> None:
        if total:
            print(f"\r{done / 1e6:8.1f} / {total / 1e6:.1f} MB", end="", file=sys.stderr, flush=True)

    entry = app.models.download(args.name, progress)
    print(file=sys.stderr)
    emit(args, _entry(entry), f"downloaded and verified {entry.name} ({entry.sha256[:12]}...)")
    return 0


def cmd_use(args: argparse.Namespace) -> int:
    entry = open_assistant(args, unlock=False).models.use(args.name, args.role)
    emit(args, _entry(entry), f"{entry.name} is now the {entry.role} model")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    app = open_assistant(args, unlock=False)
    entry = app.models.add(Path(args.path), role=args.role, name=args.name)
    emit(args, _entry(entry), f"registered {entry.name} ({entry.role})")
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    app = open_assistant(args, unlock=False)
    entry = app.models.convert(Path(args.path), args.name)
    emit(args, _entry(entry), f"converted to {entry.path} and registered as {entry.name}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    deleted = open_assistant(args, unlock=False).models.remove(args.name)
    print(f"removed {args.name}" + (" and deleted its file" if deleted else " (its file was left in place)"))
    return 0


def cmd_prepare_default(args: argparse.Namespace) -> int:
    app = open_assistant(args, unlock=False)
    entry = app.models.prepare_default_embedder()
    emit(args, _entry(entry), f"embedding model ready: {entry.path}")
    return 0


def cmd_install_test_model(args: argparse.Namespace) -> int:
    app = open_assistant(args, unlock=False)
    entry = app.models.install_test_model()
    emit(
        args,
        _entry(entry),
        f"{entry.name} is now the chat model (a small base model: it proves the runtime, answers stay extractive)",
    )
    return 0


def register(sub: Any) -> None:
    models = sub.add_parser("models", help="chat and embedding models").add_subparsers(dest="models_cmd", required=True)
    p = models.add_parser("list", help="installed models (* = active)")
    add_json_flag(p)
    p.set_defaults(func=cmd_list)
    p = models.add_parser("recommended", help="small instruct models you can download")
    add_json_flag(p)
    p.set_defaults(func=cmd_recommended)
    p = models.add_parser("download", help="download a recommended model (or repo_id/file.gguf)")
    p.add_argument("name")
    add_json_flag(p)
    p.set_defaults(func=cmd_download)
    p = models.add_parser("use", help="make a model the active one for its role")
    p.add_argument("name")
    p.add_argument("--role", choices=["chat", "embedding"], default="chat")
    add_json_flag(p)
    p.set_defaults(func=cmd_use)
    p = models.add_parser("add", help="register a GGUF file already on disk (no network)")
    p.add_argument("path")
    p.add_argument("--role", choices=["chat", "embedding"])
    p.add_argument("--name")
    add_json_flag(p)
    p.set_defaults(func=cmd_add)
    p = models.add_parser("convert", help="convert a sentence-transformers (BERT) model dir to GGUF")
    p.add_argument("path")
    p.add_argument("--name")
    add_json_flag(p)
    p.set_defaults(func=cmd_convert)
    p = models.add_parser("remove", help="unregister a model (deletes its file if it lives in the data dir)")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)
    p = models.add_parser("prepare-default", help="convert the packaged all-MiniLM-L6-v2 embedder, offline")
    add_json_flag(p)
    p.set_defaults(func=cmd_prepare_default)
    p = models.add_parser("install-test-model", help="use the bundled 270M base model as the chat model")
    add_json_flag(p)
    p.set_defaults(func=cmd_install_test_model)
