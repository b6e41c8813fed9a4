"""Talking to the Hugging Face hub for a model download: a failure said in a user's words (being offline
named as such), and the hub's tqdm progress turned into byte counts."""

from __future__ import annotations

import errno
import socket
from typing import Any, cast

from assistant.values import Progress

_UNREACHABLE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ECONNREFUSED, errno.ETIMEDOUT}
_OFFLINE_TEXT = (
    "Name or service not known",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Connection refused",
    "nodename nor servname",
    "getaddrinfo failed",
)

OFFLINE = (
    "this machine seems to be offline ({why}); connect to the network and try again, or add a GGUF file "
    "you already have with `assistant models add FILE` (local-only mode is off, so that is not the cause)"
)


def reason(exc: BaseException) -> str:
    """The failure in a user's words: being offline is named as such, not as "[Errno -2] Name or service..."."""
    seen: BaseException | None = exc
    for _ in range(20):  # the chain is short; the bound only guards against a cycle
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return OFFLINE.format(why="the hub's name could not be looked up")
        if isinstance(seen, (ConnectionRefusedError, TimeoutError)) or getattr(seen, "errno", None) in _UNREACHABLE:
            return OFFLINE.format(why="the hub could not be reached")
        seen = seen.__cause__ or seen.__context__
    text = str(exc).strip().splitlines()
    if any(marker in str(exc) for marker in _OFFLINE_TEXT):  # urllib3 keeps only the text of the cause
        return OFFLINE.format(why="the hub could not be reached")
    return text[0] if text else type(exc).__name__


def progress_class(callback: Progress, raised: list[BaseException]) -> type:
    """A silent tqdm that reports byte counts to `callback` (hf_hub_download only speaks tqdm).

    What the callback raises is remembered in `raised`, so a cancellation reaches the caller as itself.
    """
    from huggingface_hub.utils.tqdm import tqdm as hf_tqdm

    class _Progress(hf_tqdm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]
            self._done = int(kwargs.get("initial") or 0)

        def update(self, n: float | None = 1) -> bool | None:
            self._done += int(n or 0)
            try:
                callback(max(self._done, 0), int(self.total or 0))
            except BaseException as exc:
                raised.append(exc)
                raise
            return cast("bool | None", super().update(n))

        def update_transfer(self, n: int) -> None:
            """Xet downloads report network bytes separately; progress follows bytes written."""

        def set_transfer_postfix_str(self, s: str, refresh: bool = True) -> None:
            """Paired with `update_transfer`; nothing to display."""

    return _Progress
