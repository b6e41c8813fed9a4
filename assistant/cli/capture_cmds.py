"""`assistant capture once|run`: record the screen from the command line (headless)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from assistant.api import Assistant
from assistant.cli.common import add_json_flag, emit, open_assistant


def _explain_first(app: Assistant) -> None:
    """The desktop's consent dialog (Wayland) is explained before the first capture can raise it."""
    notice = app.capture.notice()
    if notice:
        print(notice, file=sys.stderr, flush=True)
        app.capture.acknowledge_notice()


def cmd_once(args: argparse.Namespace) -> int:
    app = open_assistant(args)
    _explain_first(app)
    stored = app.capture.once()
    status = app.capture.status()
    ocr = status.stats.ocr_status if status.stats is not None else "n/a"
    emit(args, {"stored": stored, **status.as_dict()}, f"stored {stored} frame(s); OCR: {ocr}")
    app.close()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Capture at the configured interval and consolidate in the background until Ctrl-C."""
    app = open_assistant(args)
    _explain_first(app)
    app.capture.start()
    app.start_background()
    print(
        f"capturing every {app.settings.current.capture.interval_seconds:g} s into {app.paths.root}; Ctrl-C stops",
        flush=True,
    )
    app.capture.run_foreground()
    app.close()
    print("capture stopped")
    return 0


def register(sub: Any) -> None:
    cap = sub.add_parser("capture", help="record the screen").add_subparsers(dest="capture_cmd", required=True)
    p = cap.add_parser("once", help="capture and OCR the screen once now")
    add_json_flag(p)
    p.set_defaults(func=cmd_once)
    p = cap.add_parser("run", help="capture in the foreground until Ctrl-C (turns capture on)")
    p.set_defaults(func=cmd_run)
