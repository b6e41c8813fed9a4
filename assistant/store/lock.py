"""The inter-process store lock: one process at a time may open a store for writing.

An OS lock (flock on POSIX, msvcrt on Windows) on `store.lock` in the data dir, not a pid file: the
kernel drops it when the holder exits, however it exits (kill -9, power loss), so a lock is never
stale. The holder writes "<pid> open" into the file, for the "in use by another process" message,
and "<pid> closed" when it lets go cleanly: the next holder finding "open" knows the last session
crashed (`previous_clean` is False) and checks the store in full. Inside one process the lock is
shared (counted), so two facades on one data dir in the same process work as before; the guard is
against a second process writing behind the first one's back.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import AssistantError

_STATE_OFFSET = 16  # Windows locks byte 0; the state is written beyond it so others can still read it
_POLL = 0.05
OPEN, CLOSED = "open", "closed"


class StoreInUse(AssistantError):
    """Another process has the store open; nothing was read or changed."""

    def __init__(self, root: Path, pid: int | None) -> None:
        who = f"pid {pid}" if pid else "pid unknown"
        super().__init__(
            f"the store is in use by another process ({who}): close the other assistant window or "
            f"command using {root} and try again; nothing was changed"
        )
        self.pid = pid


@dataclass
class _Held:
    fd: int
    count: int
    clean: bool = True


_held: dict[str, _Held] = {}
_guard = threading.Lock()


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _read_state(lock_file: Path) -> tuple[int | None, str | None]:
    """(pid, "open"/"closed") as the current or last holder wrote them; Nones if unreadable."""
    try:
        with lock_file.open("rb") as fh:
            fh.seek(_STATE_OFFSET)
            parts = fh.read(32).decode("ascii", errors="ignore").split()
    except OSError:
        return None, None
    pid = int(parts[0]) if parts and parts[0].isdigit() else None
    state = parts[1] if len(parts) > 1 and parts[1] in (OPEN, CLOSED) else None
    return pid, state


def _write_state(fd: int, state: str) -> None:
    """Fixed width, written in place: a torn write reads as unknown, which means "check", never "clean"."""
    try:
        os.lseek(fd, _STATE_OFFSET, os.SEEK_SET)
        os.write(fd, f"{os.getpid():>10} {state:<6}\n".encode("ascii"))
    except OSError:  # a full disk: the lock holds all the same; the state stays as it was
        pass


def holder_pid(lock_file: Path) -> int | None:
    """The pid the current (or last) holder wrote, or None if there is none to read."""
    return _read_state(lock_file)[0]


class StoreLock:
    """A held lock on one data dir; `release()` gives it back (idempotent).

    `previous_clean` is False when the last process to hold it did not let go cleanly (it crashed or
    was killed), or when that cannot be told (a store from before this lock existed).
    """

    def __init__(self, lock_file: Path, previous_clean: bool) -> None:
        self.path = lock_file
        self.previous_clean = previous_clean
        self._key = str(lock_file.resolve())
        self._released = False

    def release(self, *, clean: bool = True) -> None:
        """Let go; `clean=False` (e.g. the store failed its check) leaves the mark that makes the next
        holder check the store again."""
        with _guard:
            if self._released:
                return
            self._released = True
            held = _held[self._key]
            held.count -= 1
            held.clean = held.clean and clean
            if held.count == 0:
                del _held[self._key]
                try:
                    if held.clean:
                        _write_state(held.fd, CLOSED)
                    _unlock(held.fd)
                finally:
                    os.close(held.fd)


def is_locked_elsewhere(lock_file: Path) -> bool:
    """True when another process holds the lock (checked by trying it, without keeping it)."""
    with _guard:
        if str(lock_file.resolve()) in _held:
            return False
    try:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return False
    try:
        if not _try_lock(fd):
            return True
        _unlock(fd)
        return False
    finally:
        os.close(fd)


def acquire(lock_file: Path, root: Path, *, wait: float = 0.0) -> StoreLock:
    """Take the store lock, waiting up to `wait` seconds; StoreInUse names the holder's pid."""
    key = str(lock_file.resolve())
    deadline = time.monotonic() + wait
    while True:
        with _guard:
            held = _held.get(key)
            if held is not None:
                held.count += 1
                return StoreLock(lock_file, previous_clean=True)  # this process holds it: checked already
            # No O_TRUNC: the holder's state stays. O_BINARY: Windows would write "\r\n" otherwise.
            fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
            if _try_lock(fd):
                previous = _read_state(lock_file)[1]
                _write_state(fd, OPEN)
                _held[key] = _Held(fd, 1)
                return StoreLock(lock_file, previous_clean=previous == CLOSED)
            os.close(fd)
        if time.monotonic() >= deadline:
            raise StoreInUse(root, holder_pid(lock_file))
        time.sleep(_POLL)  # outside the guard: this process's other locks stay free meanwhile
