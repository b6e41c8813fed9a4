"""What the robustness tests share: snapshots of a data dir, a process holding a store, byte scans."""

from __future__ import annotations

import hashlib
import os
import select
import subprocess
import sys
from pathlib import Path

from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
# Files that change on every open and hold no user data: the lock's holder mark and the log.
VOLATILE = {"store.lock", "assistant.log"}


def _holds_data(path: Path) -> bool:
    """SQLite's -shm is a derived index and an empty -wal holds nothing: opening a store may leave them."""
    if path.name in VOLATILE or path.name.endswith("-shm"):
        return False
    return not (path.name.endswith("-wal") and path.stat().st_size == 0)


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under `root` that holds data, by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and _holds_data(p)
    }


HOLD = """
import sys
from assistant.api import Assistant
app = Assistant(sys.argv[1])
app.unlock(sys.argv[2])
print("ready", flush=True)
sys.stdin.read()
app.close()
"""


class StoreProcess:
    """Another process running `script` with the data dir and passphrase as arguments; it prints "ready" once
    the store is open, and lets go when its stdin closes."""

    def __init__(self, script: str, data_dir: Path) -> None:
        env = {**os.environ, "ASSISTANT_TESTING": "1", "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", script, str(data_dir), PASSPHRASE],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        if not ready or self.proc.stdout.readline().strip() != "ready":
            self.proc.kill()
            raise AssertionError(f"{type(self).__name__} did not open the store: {self.proc.communicate()[1][-2000:]}")
        self.pid = self.proc.pid

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=30)


class Holder(StoreProcess):
    """The store held open, as the desktop app would have it; `close()` lets go."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(HOLD, data_dir)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.communicate("", timeout=30)


def needles(marker: str) -> list[bytes]:
    """The marker as it could sit in a file: UTF-8 and UTF-16 (both byte orders), as typed and lowercased,
    and each of its long words alone (a full-text index stores words, not phrases)."""
    texts = {
        marker,
        marker.lower(),
        *(w for w in marker.split() if len(w) >= 6),
        *(w.lower() for w in marker.split() if len(w) >= 6),
    }
    return [t.encode(enc) for t in sorted(texts) for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def plaintext_hits(files: list[Path], marker: str) -> list[str]:
    """The files (of `files`) that contain the marker in any form `needles` lists."""
    found = needles(marker)
    hits = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:  # vanished or unreadable (another process's temp file): nothing of ours in it
            continue
        hits += [f"{path} ({n!r})" for n in found if n in data]
    return hits
