"""Commands that work on what the store remembers: consolidate, timeline, ask."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

from assistant.cli.common import add_json_flag, emit, index_with_progress, open_assistant, parse_day
from assistant.errors import AssistantError


def cmd_consolidate(args: argparse.Namespace) -> int:
    app = open_assistant(args)

    def progress(done: int, total: int) -> None:
        if not args.json and total:
            print(f"\rconsolidating: {done}/{total} events", end="", file=sys.stderr, flush=True)

    report = app.consolidation.run(progress)
    if not args.json:
        print(file=sys.stderr)
    index_with_progress(app, args.json)
    emit(
        args,
        asdict(report),
        f"{report.events} events in {report.batches} batches: {report.added} memories added, "
        f"{report.merged} merged, {report.updated} updated; model: {report.model_calls} calls "
        f"(fallbacks {report.model_fallbacks}) over {report.model_episodes} episodes "
        f"({report.model_skipped} with nothing new skipped, {report.model_dropped_lines} lines over budget), "
        f"{report.model_prompt_tokens} prompt + {report.model_generated_tokens} generated tokens "
        f"in {report.model_seconds:.1f} s; retention removed {report.retention_deleted} raw events",
    )
    return 0


def _range(args: argparse.Namespace) -> tuple[datetime, datetime]:
    if args.date and (args.from_ or args.to):
        raise AssistantError("use either --date or --from/--to")
    if args.from_ or args.to:
        start = parse_day(args.from_) if args.from_ else parse_day(args.to)
        end = (parse_day(args.to) if args.to else start) + timedelta(days=1)
        return start, end
    day = parse_day(args.date) if args.date else datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day, day + timedelta(days=1)


def cmd_timeline(args: argparse.Namespace) -> int:
    app = open_assistant(args, access="read")
    start, end = _range(args)
    tl = app.timeline.between(start, end)
    lines: list[str] = []
    for b in tl.blocks:
        lines.append(f"{b.start:%Y-%m-%d %H:%M}-{b.end:%H:%M}  {b.app:<16} {b.title[:60]}  ({len(b.event_ids)})")
    for e in tl.episodes:
        lines.append(f"{e.start:%Y-%m-%d %H:%M}-{e.end:%H:%M}  episode {e.id}  {e.summary[:80]}")
    emit(args, tl.as_dict(), "\n".join(lines) or "(nothing recorded in that range)")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answers either way; the turn joins the chat history only when no other process holds the store
    (recording is a write, and the holder's data must not be raced), and the output says which."""
    app = open_assistant(args, access="write-if-free")

    def on_token(token: str) -> None:
        if not args.json:
            print(token, end="", flush=True)

    recorded = not app.read_only
    answer = app.answers.ask(args.question, on_token=on_token, record=recorded)
    if args.json:
        emit(args, {**answer.as_dict(), "recorded": recorded}, "")
    else:
        print()
        for c in answer.citations:
            refs = ", ".join(f"{s.kind}:{s.ref}" for s in c.hit.sources[:5])
            print(f"  {c.tag} {c.hit.type} {c.hit.id}  sources: {refs}")
    if not recorded:
        print(
            f"assistant: the store is read-only here because {app.read_only_reason}, so this question and "
            "answer were not recorded in your chat history; to keep them, ask in the desktop app, or once the "
            "other process has closed",
            file=sys.stderr,
        )
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    app = open_assistant(args, access="read")
    tz = ZoneInfo(app.settings.current.retrieval.timezone)
    day = parse_day(args.date).date() if args.date else datetime.now(tz).date()
    if args.week:
        day -= timedelta(days=day.weekday())  # the week from its Monday
    start = datetime.combine(day, time(0), tzinfo=tz)
    told = app.timeline.digest(start, start + timedelta(days=7 if args.week else 1))
    emit(args, asdict(told), told.text)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("consolidate", help="turn raw captures and chats into typed memories now")
    add_json_flag(p)
    p.set_defaults(func=cmd_consolidate)

    p = sub.add_parser("timeline", help="activity blocks and episodes of a day or a range")
    p.add_argument("--date", help="YYYY-MM-DD (default: today)")
    p.add_argument("--from", dest="from_", help="YYYY-MM-DD")
    p.add_argument("--to", help="YYYY-MM-DD (inclusive)")
    add_json_flag(p)
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("digest", help="what you did on a day or in a week: apps, windows and time spent, chats")
    p.add_argument("--date", help="YYYY-MM-DD (default: today)")
    p.add_argument("--week", action="store_true", help="the week (Monday to Sunday) of --date or of today")
    add_json_flag(p)
    p.set_defaults(func=cmd_digest)

    p = sub.add_parser("ask", help="answer a question from memory, with citations")
    p.add_argument("question")
    add_json_flag(p)
    p.set_defaults(func=cmd_ask)
