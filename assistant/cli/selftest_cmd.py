"""`assistant self-test`: check this install end to end in a throwaway store (see assistant.cli.selftest)."""

from __future__ import annotations

import argparse
from typing import Any

from assistant.cli.selftest import print_line, run_self_test


def cmd_self_test(args: argparse.Namespace) -> int:
    return run_self_test(print_line, require_capture=args.require_capture)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "self-test", help="check this install: store, import, search, model, capture (in a temporary data dir)"
    )
    p.add_argument(
        "--require-capture",
        action="store_true",
        help="fail when the screen cannot be captured and OCR'd (default: no display = skipped)",
    )
    p.set_defaults(func=cmd_self_test)
