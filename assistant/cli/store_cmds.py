"""Commands over the store itself: init, status, import, memories, search, backup, settings, passphrase."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from assistant.api import Status
from assistant.cli.common import (
    add_json_flag,
    emit,
    env_secret,
    index_with_progress,
    open_assistant,
    parse_day,
    passphrase,
    to_json,
)
from assistant.errors import AssistantError, NotInitialized
from assistant.values import MEMORY_TYPES, Memory, MemoryType


def cmd_init(args: argparse.Namespace) -> int:
    app = open_assistant(args, unlock=False)
    app.init(passphrase("New passphrase: ", confirm=True))
    print(f"created an encrypted memory store in {app.paths.root}")
    print(app.models.prepare_search().line)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    app = open_assistant(args, unlock=False)
    if app.initialized:
        app.unlock(None if _keyring(app) else passphrase(), access="read")
    st = app.status()
    if not st.initialized:  # nothing to count yet, and no schema to name
        lines = [
            f"data dir: {st.data_dir}",
            "store: not created yet (run `assistant init`)",
            f"local-only mode: {'on' if st.local_only else 'off'}",
        ]
        emit(args, asdict(st), "\n".join(lines))
        return 0
    lines = [
        f"data dir: {st.data_dir}",
        f"schema version: {st.schema_version}",
        f"local-only mode: {'on' if st.local_only else 'off'}",
    ]
    lines += [f"raw {k} events: {n}" for k, n in sorted(st.events.items())]
    lines += [f"{t} memories: {st.memories.get(t, 0)}" for t in MEMORY_TYPES]
    lines.append(f"waiting for consolidation: {st.pending_consolidation}")
    lines.append(f"model pass: {st.model_backlog_text}")
    lines += _status_lines(st)
    emit(args, asdict(st), "\n".join(lines))
    return 0


def _status_lines(st: Status) -> list[str]:
    """Capture's state, the store's access and the core's notes, one line each."""
    capture = st.capture
    shown = capture.words if capture else st.capture_elsewhere or ("on" if st.capture_enabled else "off")
    lines = [
        f"capture: {shown}",
        f"last capture: {st.last_capture.isoformat() if st.last_capture else 'never'}",
        f"capture backend: {st.capture_backend}",
    ]
    if capture is not None:  # capture runs, or ran, in this process
        stats = capture.stats
        counters = {
            "frames_seen": stats.frames_seen if stats else None,
            "frames_kept": stats.frames_kept if stats else None,
            "frames_unchanged": stats.frames_unchanged if stats else None,
            "ocr_queue_depth": stats.ocr_queue_depth if stats else None,
            "redactions": stats.redactions if stats else None,
            "ocr_status": stats.ocr_status if stats else None,
        }
        lines += [f"{k}: {v}" for k, v in counters.items()]
    if st.read_only_reason is not None:
        lines.append(f"access: read-only: {st.read_only_reason}")
    notes = st.notes.said()
    if st.search is not None:
        lines.append(st.search.line)
        loading = notes.pop("search", None)  # with vectors off, the search line above says why
        if loading is not None and st.search.embedder is not None:
            lines.append(f"vector index: {loading}")
    return lines + [f"{k}: {v}" for k, v in notes.items()]


def _keyring(app: Any) -> bool:
    from assistant.cli.common import app_uses_keyring, env_secret

    return app_uses_keyring(app) and env_secret() is None


def cmd_import(args: argparse.Namespace) -> int:
    app = open_assistant(args)
    result = app.memories.import_file(args.path, args.format)
    index_with_progress(app, args.json)
    emit(
        args,
        asdict(result),
        f"imported {result.added} new message(s) of {result.read} read "
        f"({result.skipped} already there) as {result.format}",
    )
    return 0


def _memory_line(m: Memory) -> str:
    when = (m.occurred_at or m.created_at).strftime("%Y-%m-%d %H:%M")
    text = m.display_text().replace("\n", " ")
    return f"{m.id}  {m.type:<10} {when}  {text[:100]}"


def _memory_dict(m: Memory) -> dict[str, Any]:
    return {
        "id": m.id,
        "type": m.type,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
        "occurred_at": m.occurred_at,
        "fields": m.own_fields(),
        "sources": [s.as_dict() for s in m.sources],
    }


def cmd_memory_list(args: argparse.Namespace) -> int:
    app = open_assistant(args, access="read")
    items = app.memories.latest(cast(MemoryType | None, args.type), limit=args.limit)
    emit(args, [_memory_dict(m) for m in items], "\n".join(_memory_line(m) for m in items) or "(none)")
    return 0


def cmd_memory_show(args: argparse.Namespace) -> int:
    app = open_assistant(args, access="read")
    if args.id.startswith("ev_"):
        ev = app.memories.event(args.id)
        emit(args, asdict(ev), json.dumps(asdict(ev), default=str, indent=2, ensure_ascii=False))
        return 0
    m = app.memories.get(args.id)
    emit(args, _memory_dict(m), json.dumps(_memory_dict(m), default=str, indent=2, ensure_ascii=False))
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    app = open_assistant(args)
    removed = app.memories.forget(args.id, with_sources=args.with_sources)
    emit(args, {"removed": removed}, f"forgot {', '.join(removed)}")
    return 0


def _hit_line(h: Any) -> str:
    when = h.occurred_at.strftime("%Y-%m-%d %H:%M") if h.occurred_at else ""
    return f"{h.score:8.4f}  {h.type:<10} {when}  {h.id}  {h.text.replace(chr(10), ' ')[:100]}"


def cmd_search(args: argparse.Namespace) -> int:
    app = open_assistant(args, access="read")
    since = parse_day(args.since) if args.since else None
    until = parse_day(args.until) + timedelta(days=1) if args.until else None
    if args.batch:
        lines = sys.stdin if args.batch == "-" else Path(args.batch).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                query = json.loads(line)["query"]
            except (ValueError, KeyError, TypeError):
                raise AssistantError(f'{args.batch}, line {number}: expected {{"query": ...}}') from None
            hits = app.search.find(str(query), types=args.type, since=since, until=until, limit=args.limit)
            print(to_json({"query": query, "hits": [h.as_dict() for h in hits]}))
        return 0
    if not args.query:
        raise AssistantError("give a QUERY or --batch FILE")
    hits = app.search.find(args.query, types=args.type, since=since, until=until, limit=args.limit)
    emit(args, [h.as_dict() for h in hits], "\n".join(_hit_line(h) for h in hits) or "(no matches)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    out = open_assistant(args, access="read").backups.export(args.out)
    print(f"wrote an encrypted backup to {out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    app = open_assistant(args, unlock=False)
    app.backups.restore(args.file, passphrase("Passphrase of the backup: "))
    print(f"restored {args.file} into {app.paths.root}")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    app = open_assistant(args, unlock=False)
    if not app.initialized:
        raise NotInitialized(str(app.paths.root))
    old = passphrase("Current passphrase: ")
    app.unlock(old)  # a wrong one stops here, before the new one is asked for twice
    new = env_secret("ASSISTANT_NEW_PASSPHRASE") or passphrase("New passphrase: ", confirm=True)
    app.security.change_passphrase(old, new)
    print("passphrase changed (the data was not re-encrypted: only the key was re-wrapped)")
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    app = open_assistant(args, unlock=False)
    if args.action == "set":
        app.settings.set(args.key, args.value)
    if args.key:
        value = app.settings.get(args.key)
        emit(args, {args.key: value}, f"{args.key} = {value!r}")
    else:
        emit(args, asdict(app.settings.current), to_json(asdict(app.settings.current)))
    return 0


def cmd_vault_reveal(args: argparse.Namespace) -> int:
    app = open_assistant(args, access="read")
    print(app.memories.reveal_secret(args.id, passphrase("Passphrase (to reveal): ")))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="create an encrypted memory store")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("status", help="counts per store, data dir, schema version")
    add_json_flag(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("import", help="import a chat transcript")
    p.add_argument("path")
    p.add_argument(
        "--format",
        default="auto",
        choices=["auto", "jsonl", "chatgpt", "locomo"],
        help="the transcript's format (default: told from its content)",
    )
    add_json_flag(p)
    p.set_defaults(func=cmd_import)

    mem = sub.add_parser("memory", help="list or show memories").add_subparsers(dest="memory_cmd", required=True)
    p = mem.add_parser("list")
    p.add_argument("--type", choices=MEMORY_TYPES)
    p.add_argument("--limit", type=int, default=50)
    add_json_flag(p)
    p.set_defaults(func=cmd_memory_list)
    p = mem.add_parser("show")
    p.add_argument("id")
    add_json_flag(p)
    p.set_defaults(func=cmd_memory_show)

    p = sub.add_parser("forget", help="delete a memory or raw event from the store and every index")
    p.add_argument("id")
    p.add_argument("--with-sources", action="store_true", help="also forget the raw events it came from")
    add_json_flag(p)
    p.set_defaults(func=cmd_forget)

    p = sub.add_parser("search", help="search memories and raw events")
    p.add_argument("query", nargs="?")
    p.add_argument("--type", action="append", help="memory type or event kind (repeatable)")
    p.add_argument("--since", help="YYYY-MM-DD")
    p.add_argument("--until", help="YYYY-MM-DD (inclusive)")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--batch", help='JSON lines {"query": ...} from FILE (or - for stdin)')
    add_json_flag(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("export", help="write an encrypted backup")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("restore", help="restore an encrypted backup into the data dir")
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("passwd", help="change the passphrase (re-wraps the key, no re-encryption)")
    p.set_defaults(func=cmd_passwd)

    p = sub.add_parser("config", help="show or change settings")
    p.add_argument("action", choices=["get", "set"])
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")
    add_json_flag(p)
    p.set_defaults(func=cmd_config)

    vault = sub.add_parser("vault", help="knowledge-vault secrets").add_subparsers(dest="vault_cmd", required=True)
    p = vault.add_parser("reveal", help="print a vault secret (asks for the passphrase)")
    p.add_argument("id")
    p.set_defaults(func=cmd_vault_reveal)
