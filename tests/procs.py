"""Ending the helper processes tests start (Xvfb, trayer, chroma, the frozen app): politely, then firmly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def wait_or_kill(proc: subprocess.Popen[Any], timeout: float) -> None:
    """Wait for a process asked to exit; kill it if it has not within `timeout` seconds."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def stop(proc: subprocess.Popen[Any], timeout: float) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds; nothing when it has already exited."""
    if proc.poll() is None:
        proc.terminate()
        wait_or_kill(proc, timeout)


def spawn_helper(script: str, args: dict[str, Any], env: dict[str, str]) -> subprocess.Popen[str]:
    """A test helper script (a window, a fake service) run with this Python, its arguments as one JSON
    argument, talking line by line over stdin/stdout. The checkout is on its import path, since helpers
    import `tests.*` and a script's own folder is all Python puts there."""
    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return subprocess.Popen(
        [sys.executable, str(Path(script).resolve()), json.dumps(args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**env, "PYTHONPATH": path},
        text=True,
        bufsize=1,
    )
