"""No core dumps while the store is unlocked: a dump would write the data key and decrypted rows to disk.

RLIMIT_CORE 0 stops the kernel writing a core file; PR_SET_DUMPABLE 0 (Linux) also stops systemd-coredump
and other dump helpers, and refuses ptrace attaches from other processes of the same user. Both are put
back when the store locks. Elsewhere (Windows) nothing is changed: there is no such switch per process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3
_saved: tuple[int, int] | None = None  # the core limits before the first disable()
_holders = 0  # unlocked stores in this process: dumps come back when the last one locks


def _prctl(option: int, value: int = 0) -> int:
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    return int(libc.prctl(option, value, 0, 0, 0))


def disable() -> None:
    """Turn core dumps off for this process, until as many `restore()` calls."""
    global _saved, _holders
    _holders += 1
    try:
        import resource
    except ImportError:  # Windows
        return
    if _saved is None:
        _saved = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (0, _saved[1]))
    if sys.platform.startswith("linux") and _prctl(PR_SET_DUMPABLE, 0) != 0:
        log.warning("could not mark the process non-dumpable (prctl refused)")


def restore() -> None:
    """Put the limits back as they were before `disable()` once no unlocked store is left."""
    global _saved, _holders
    _holders = max(0, _holders - 1)
    if _saved is None or _holders:
        return
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, _saved)
    _saved = None
    if sys.platform.startswith("linux"):
        _prctl(PR_SET_DUMPABLE, 1)


def unlocked_stores() -> int:
    """How many unlocked stores hold dumps off in this process."""
    return _holders


def dumps_disabled() -> bool:
    """True when neither a core file nor a dump helper can get this process's memory."""
    try:
        import resource
    except ImportError:
        return False
    soft, _hard = resource.getrlimit(resource.RLIMIT_CORE)
    dumpable = _prctl(PR_GET_DUMPABLE) if sys.platform.startswith("linux") else 0
    return soft == 0 and dumpable == 0
