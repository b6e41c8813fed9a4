"""Local-only mode: a process-wide guard that refuses every network use beyond this machine.

It is an audit hook (`sys.addaudithook`): CPython raises `socket.*` audit events inside the C socket
module before each connect, send, bind and name lookup, so the guard holds for any library the app
uses (chromadb, huggingface_hub, urllib), for code holding its own reference to a socket method, and
for the raw `_socket.socket` class. A refusal raises `PrivacyBlocked` before the call reaches the OS.
In local-only mode the proxy environment variables are set aside too: a proxy listening on loopback
would otherwise forward `CONNECT example.com:443` anywhere. Attempts are counted so tests can prove
there were none.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import threading
from collections.abc import Callable
from typing import Any

from assistant.errors import PrivacyBlocked

_lock = threading.Lock()
_enabled = False
_attempts: list[str] = []
_set_aside_env: dict[str, str] = {}

# Libraries that phone home on import read these; set them before any of them loads.
_QUIET_ENV = {"ANONYMIZED_TELEMETRY": "False", "HF_HUB_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"}
_PROXY_ENV = ("http_proxy", "https_proxy", "all_proxy", "ftp_proxy", "socks_proxy", "ws_proxy", "wss_proxy")
_NO_PROXY = ("no_proxy", "NO_PROXY")
_INET = (socket.AF_INET, socket.AF_INET6)
# Families a socket may be created with: local IPC, IP (checked per address), and -1 (from a file descriptor).
_ALLOWED_FAMILIES = {
    -1,
    socket.AF_UNSPEC,
    socket.AF_INET,
    socket.AF_INET6,
    getattr(socket, "AF_UNIX", -1),
    getattr(socket, "AF_NETLINK", -1),
}
_EVERY_INTERFACE = ("", "0.0.0.0", "::")  # noqa: S104 (the addresses refused, not bound)
# A DNS resolver on loopback (systemd-resolved's 127.0.0.53) forwards the names it is asked to the network.
_DNS_PORT = 53


def is_loopback(host: str) -> bool:
    """True for the loopback names and addresses ("" is this host to connect(), not to bind())."""
    if host.lower() in ("", "localhost", "localhost.localdomain"):
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool((mapped or address).is_loopback)


def _text(host: Any) -> str:
    if isinstance(host, bytes):
        return host.decode("idna", "replace") if host.isascii() else host.decode("latin-1")
    return str(host)


def _refuse(target: str) -> None:
    with _lock:
        _attempts.append(target)
    raise PrivacyBlocked(
        f"local-only mode is on: a connection to {target} was refused; "
        "turn local-only mode off in Settings to allow network access"
    )


def _check_lookup(host: Any) -> None:
    """A name lookup sends the name to the network (DNS): refuse it before it is made, not at connect."""
    if host not in (None, "", b"") and not is_loopback(_text(host)):
        _refuse(_text(host))


def _check_address(sock: Any, address: Any, *, binding: bool = False) -> None:
    if address is None or getattr(sock, "family", None) not in _INET:
        return  # a connected socket's send, or local IPC (AF_UNIX, netlink)
    host = _text(address[0]) if isinstance(address, tuple) and address else _text(address)
    port = address[1] if isinstance(address, tuple) and len(address) > 1 else None
    if binding and host.lower() in _EVERY_INTERFACE:  # reachable from other machines
        _refuse(host or "every interface")
    if not is_loopback(host):
        _refuse(host)
    if port == _DNS_PORT and not binding:
        _refuse(f"{host}:{port} (a DNS resolver)")


def _on_new(args: tuple[Any, ...]) -> None:
    if args[1] not in _ALLOWED_FAMILIES:
        _refuse(f"a socket of address family {args[1]}")


def _on_connect(args: tuple[Any, ...]) -> None:
    _check_address(args[0], args[1])


def _on_bind(args: tuple[Any, ...]) -> None:
    _check_address(args[0], args[1], binding=True)


def _on_lookup(args: tuple[Any, ...]) -> None:
    _check_lookup(args[0])


def _on_nameinfo(args: tuple[Any, ...]) -> None:
    sockaddr = args[0]
    _check_lookup(sockaddr[0] if isinstance(sockaddr, tuple) and sockaddr else sockaddr)


_HANDLERS: dict[str, Callable[[tuple[Any, ...]], None]] = {
    "socket.__new__": _on_new,
    "socket.connect": _on_connect,  # connect and connect_ex
    "socket.sendto": _on_connect,
    "socket.sendmsg": _on_connect,
    "socket.bind": _on_bind,
    "socket.getaddrinfo": _on_lookup,
    "socket.gethostbyname": _on_lookup,  # gethostbyname and gethostbyname_ex
    "socket.gethostbyaddr": _on_lookup,
    "socket.getnameinfo": _on_nameinfo,
}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _enabled:  # the hook stays installed for the life of the process; off, it returns at once
        handler = _HANDLERS.get(event)
        if handler is not None:
            handler(args)


sys.addaudithook(_audit)  # hooks cannot be removed, so it is installed once, at import


def _set_proxies_aside(enabled: bool) -> None:
    """Local-only on: move the proxy variables aside and bypass any proxy; off: put them back."""
    if enabled:
        for key in [k for k in os.environ if k.lower() in _PROXY_ENV or k in _NO_PROXY]:
            _set_aside_env.setdefault(key, os.environ.pop(key))
        for key in _NO_PROXY:
            os.environ[key] = "*"
    else:
        for key in _NO_PROXY:
            os.environ.pop(key, None)
        os.environ.update(_set_aside_env)
        _set_aside_env.clear()


def set_local_only(enabled: bool) -> None:
    """Turn the guard on or off for the whole process."""
    global _enabled
    with _lock:
        for key, value in _QUIET_ENV.items():
            os.environ.setdefault(key, value)
        if enabled != _enabled:
            _set_proxies_aside(enabled)
        _enabled = enabled


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
