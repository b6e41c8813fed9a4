"""Does a model fit in memory? Checked before loading it, so a model too large for this machine is refused
with what to do instead of being swapped to a crawl or killed."""

from __future__ import annotations

import os

from assistant.errors import ModelError
from assistant.llm.gguf_info import GgufInfo

_RAM_FACTOR = 1.2  # weights are mmapped; compute buffers and the runtime add roughly a fifth
_GB = 1024**3


def available_memory() -> int | None:
    """Bytes the OS can give us without swapping, or None where that cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def memory_needed(info: GgufInfo, n_ctx: int) -> int:
    return int(info.size * _RAM_FACTOR) + info.kv_cache_bytes(n_ctx)


def check_memory(info: GgufInfo, n_ctx: int) -> None:
    need, avail = memory_needed(info, n_ctx), available_memory()
    if avail is not None and need > avail:
        raise ModelError(
            f"{info.path.name} needs about {need / _GB:.1f} GB of memory with a {n_ctx}-token context, "
            f"but only {avail / _GB:.1f} GB is available; close other programs, lower the context size "
            "or choose a smaller model"
        )
