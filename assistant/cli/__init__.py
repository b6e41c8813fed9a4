"""The `assistant` command: a thin argparse front on the facade, with no logic of its own."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from assistant.diagnostics.build_info import version_line
from assistant.errors import AssistantError


def build_parser() -> argparse.ArgumentParser:
    from assistant.cli import (
        capture_cmds,
        eval_cmds,
        mcp_cmd,
        memory_cmds,
        model_cmds,
        security_cmds,
        selftest_cmd,
        store_cmds,
    )

    parser = argparse.ArgumentParser(prog="assistant", description="A private, local memory assistant.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version_line()}")
    parser.add_argument("--data-dir", help="where the store lives (default: ASSISTANT_HOME or the user data dir)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    store_cmds.register(sub)
    memory_cmds.register(sub)
    model_cmds.register(sub)
    capture_cmds.register(sub)
    selftest_cmd.register(sub)
    eval_cmds.register(sub)
    mcp_cmd.register(sub)
    security_cmds.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # here, not at exit: a reader that left (`| head`) is then handled below
        return code
    except AssistantError as exc:
        print(f"assistant: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of the output stopped reading (`assistant search x | head -3`): that is no error.
        # What is still buffered goes nowhere, so the flush at exit cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
