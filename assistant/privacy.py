"""Local-only mode: a process-wide guard that refuses every connection to a non-loopback address.

It wraps the socket layer itself, so it holds for any library the app uses (chromadb, huggingface_hub,
urllib) without each one having to remember. Attempts are counted so tests can prove there were none.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from assistant.errors import PrivacyBlocked

_lock = threading.Lock()
_enabled = False
_attempts: list[str] = []
_original_connect: Callable[..., Any] = socket.socket.connect
_original_connect_ex: Callable[..., Any] = socket.socket.connect_ex
_original_getaddrinfo: Callable[..., Any] = socket.getaddrinfo

# Libraries that phone home on import read these; set them before any of them loads.
_QUIET_ENV = {"ANONYMIZED_TELEMETRY": "False", "HF_HUB_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"}


def is_loopback(host: str) -> bool:
    if host in ("", "localhost", "localhost.localdomain"):  # "" is this host to connect()
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _refuse_host(host: str) -> None:
    if not is_loopback(host):
        with _lock:
            _attempts.append(host)
        raise PrivacyBlocked(
            f"local-only mode is on: a connection to {host} was refused; "
            "turn local-only mode off in Settings to allow network access"
        )


def _check(sock: socket.socket, address: Any) -> None:
    if not _enabled or sock.family == socket.AF_UNIX:
        return
    _refuse_host(str(address[0]) if isinstance(address, tuple) and address else str(address))


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    """A name lookup sends the name to the network (DNS): refuse it before it is made, not at connect."""
    if _enabled and host not in (None, "", b""):
        _refuse_host(host.decode("idna") if isinstance(host, bytes) else str(host))
    return _original_getaddrinfo(host, *args, **kwargs)


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check(self, address)
    _original_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check(self, address)
    return int(_original_connect_ex(self, address))


def set_local_only(enabled: bool) -> None:
    """Turn the guard on or off for the whole process."""
    global _enabled
    with _lock:
        for key, value in _QUIET_ENV.items():
            os.environ.setdefault(key, value)
        _enabled = enabled
        socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
        socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]
        socket.getaddrinfo = _guarded_getaddrinfo


def local_only() -> bool:
    return _enabled


def require_network(purpose: str) -> None:
    """Raise a clear error before starting `purpose` (e.g. "model download") while local-only mode is on."""
    if _enabled:
        raise PrivacyBlocked(
            f"{purpose} needs the network, and local-only mode is on; "
            "turn local-only mode off in Settings (or `assistant config set privacy.local_only false`)"
        )


def blocked_attempts() -> list[str]:
    """Hosts the guard refused since the process started (for tests and the status view)."""
    with _lock:
        return list(_attempts)
