"""llama.cpp's own log lines go to our log instead of the terminal.

llama-cpp-python maps ggml's log levels with an older numbering (current ggml: 1 debug, 2 info, 3 warn,
4 error, 5 continuation), so with `verbose=False` warnings still reach stderr, e.g. "using full-size SWA
cache" at every Gemma load. Its lines hold model and context parameters, never prompt text.
"""

from __future__ import annotations

import ctypes
import logging
import threading

log = logging.getLogger("assistant.llama_cpp")

_GGML_WARN, _GGML_ERROR = 3, 4
_installed: object | None = None  # the ctypes callback must outlive the library's reference to it
_lock = threading.Lock()


def route_llama_logs() -> None:
    """Install (once) a log callback: llama.cpp errors to our log as warnings, its warnings at debug."""
    global _installed
    with _lock:
        if _installed is not None:
            return
        import llama_cpp

        @llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
        def _callback(level: int, text: bytes, _user_data: ctypes.c_void_p) -> None:
            if level not in (_GGML_WARN, _GGML_ERROR):  # debug, info and continuations: hundreds per load
                return
            line = text.decode("utf-8", "replace").rstrip()
            if line:
                log.log(logging.WARNING if level == _GGML_ERROR else logging.DEBUG, "%s", line)

        llama_cpp.llama_log_set(_callback, ctypes.c_void_p(0))
        _installed = _callback
