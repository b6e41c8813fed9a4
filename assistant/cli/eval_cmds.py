"""`assistant eval locomo FILE`: evidence recall@k on the LoCoMo benchmark, and QA F1 with a chat model.
`assistant eval screens DIR`: found@k on screens shown on an X display and captured for real;
`assistant eval make-screens DIR` renders the project's own fictional screen set."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assistant.cli.common import add_json_flag, emit, open_assistant


def _progress(quiet: bool, label: str) -> Any:
    def show(done: int, total: int) -> None:
        if not quiet:
            print(f"\r{label}: {done}/{total} questions", end="", file=sys.stderr, flush=True)

    return show


def cmd_locomo(args: argparse.Namespace) -> int:
    from assistant.eval.locomo import evaluate_locomo, format_report

    app = open_assistant(args, unlock=False)
    embedder = None if args.bm25 else app.models.embedder()
    report = evaluate_locomo(
        Path(args.file),
        k=args.k,
        embedder=embedder,
        consolidate=None if args.no_consolidate else (lambda a: a.consolidation.run()),
        progress=_progress(args.json, "retrieval"),
    )
    result: dict[str, Any] = {"retrieval": report.as_dict()}
    lines = [format_report(report)]
    chat = app.models.active("chat")
    if args.qa > 0 and chat is not None:
        from assistant.eval.qa import evaluate_qa

        emb = None if args.bm25 else app.models.active("embedding")
        qa = evaluate_qa(
            Path(args.file),
            chat_model=chat.path,
            embedding_model=emb.path if emb else None,
            per_conversation=args.qa,
            consolidate=not args.no_consolidate,
            progress=_progress(args.json, "QA"),
        )
        result["qa"] = {
            "model": qa.model,
            "overall_f1": qa.overall,
            "per_category": qa.per_category,
            "counts": qa.counts,
        }
        lines += qa.lines()
    elif args.qa > 0:
        lines.append("QA F1 skipped: no chat model (assistant models download NAME, or models use NAME)")
    if not args.json:
        print(file=sys.stderr)
    emit(args, result, "\n".join(lines))
    return 0


def cmd_screens(args: argparse.Namespace) -> int:
    from assistant.eval.screens import evaluate_screens
    from assistant.eval.screens_report import format_report

    def progress(label: str, done: int, total: int) -> None:
        if not args.json:
            print(f"\r{label}: {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)

    report = evaluate_screens(
        Path(args.dir),
        k=args.k,
        display=args.display,
        embedder=not args.no_embedder,
        progress=progress,
        capture_cache=Path(args.capture_cache) if args.capture_cache else None,
        one_window=args.one_window,
    )
    emit(args, report.as_dict(), format_report(report))
    return 0


def cmd_make_screens(args: argparse.Namespace) -> int:
    from assistant.eval.screengen.build import make_screens

    made = make_screens(Path(args.dir))
    emit(
        args,
        {"dir": str(made.root), "screens": len(made.screens), "questions": len(made.questions)},
        f"{len(made.screens)} screens and {len(made.questions)} questions written to {made.root}\n"
        f"run them: assistant eval screens {made.root}",
    )
    return 0


def register(sub: Any) -> None:
    ev = sub.add_parser("eval", help="evaluate recall on a benchmark").add_subparsers(dest="eval_cmd", required=True)
    p = ev.add_parser("locomo", help="LoCoMo: evidence recall@k, plus QA token F1 with a chat model")
    p.add_argument("file")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--bm25", action="store_true", help="full text only (no embedding model)")
    p.add_argument(
        "--no-consolidate",
        action="store_true",
        help="search the raw chat turns only (by default each conversation is consolidated first)",
    )
    p.add_argument(
        "--qa",
        type=int,
        default=20,
        metavar="N",
        help="questions per conversation to answer with the chat model (0: none)",
    )
    add_json_flag(p)
    p.set_defaults(func=cmd_locomo)
    p = ev.add_parser(
        "screens",
        help="show each screen of a benchmark dir on an X display, capture it for real, ask: found@1/@5 per kind",
    )
    p.add_argument("dir", help="a dir with screens.json and questions.json (assistant eval make-screens DIR)")
    p.add_argument("--k", type=int, default=1, help="report found@k besides found@1 and found@5")
    p.add_argument("--display", help="an X display to show the screens on (default: a private Xvfb)")
    p.add_argument("--no-embedder", action="store_true", help="full text only (skip the bundled embedding model)")
    p.add_argument(
        "--capture-cache",
        metavar="CACHE",
        help="keep the captured store in CACHE and reuse it next time (skips showing and OCR; delete CACHE "
        "after changing capture, OCR or redaction)",
    )
    p.add_argument(
        "--one-window",
        action="store_true",
        help="show every screen in one image viewer window, so that no app or window title tells them apart",
    )
    add_json_flag(p)
    p.set_defaults(func=cmd_screens)
    p = ev.add_parser("make-screens", help="render the project's fictional screen benchmark into DIR")
    p.add_argument("dir")
    add_json_flag(p)
    p.set_defaults(func=cmd_make_screens)
