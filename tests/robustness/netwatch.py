"""Watching a process's network use from inside, independently of the privacy guard under test.

`NetWatch` records every socket the interpreter creates, connects, binds or sends from, and every name
lookup, through a `sys.addaudithook` hook: CPython raises these audit events in the C socket module,
below any monkeypatching, so a library holding its own reference to `socket.socket.connect` is seen
too. `listening_sockets` reads /proc for TCP listeners and bound UDP sockets owned by a process.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path
from typing import Any

_active: NetWatch | None = None
_installed = False
_ADDRESSED = {
    "socket.connect": "connect",
    "socket.bind": "bind",
    "socket.sendto": "sendto",
    "socket.sendmsg": "sendmsg",
}
_LOOKUPS = {
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
}
_LOCAL_FAMILIES = {socket.AF_UNIX, socket.AF_INET, socket.AF_INET6, getattr(socket, "AF_NETLINK", -1)}


def loopback(host: Any) -> bool:
    """True for loopback names and addresses (IPv4-mapped IPv6 included); not the privacy module's copy."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool((mapped or address).is_loopback)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    watch = _active
    if watch is None or not event.startswith("socket."):
        return
    if event == "socket.__new__":
        watch.events.append(("new", int(args[1]), None))
    elif event in _ADDRESSED:
        watch.events.append((_ADDRESSED[event], int(args[0].family), args[1]))
    elif event in _LOOKUPS:
        watch.events.append(("lookup", -1, args[0]))


class NetWatch:
    """`with NetWatch() as w:` ... then `w.violations()`: every non-loopback network use, described."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int, Any]] = []

    def __enter__(self) -> NetWatch:
        global _active, _installed
        if not _installed:
            sys.addaudithook(_hook)  # hooks cannot be removed: this one idles while no watch is active
            _installed = True
        _active = self
        return self

    def __exit__(self, *exc: object) -> None:
        global _active
        _active = None

    def inet_sockets(self) -> int:
        return sum(
            1 for kind, family, _ in self.events if kind == "new" and family in (socket.AF_INET, socket.AF_INET6)
        )

    def violations(self) -> list[str]:
        out = []
        for kind, family, target in self.events:
            if kind == "new":
                if family not in _LOCAL_FAMILIES:
                    out.append(f"a socket of address family {family} was created")
            elif kind == "lookup":
                host = target[0] if isinstance(target, tuple) else target
                if host not in (None, "", b"") and not loopback(host):
                    out.append(f"a name lookup of {host!r}")
            elif family in (socket.AF_INET, socket.AF_INET6):
                host = target[0] if isinstance(target, tuple) and target else target
                if not loopback(host):
                    out.append(f"{kind} to {target!r}")
            elif family != socket.AF_UNIX and target is not None:
                out.append(f"{kind} on address family {family} to {target!r}")
        return out


def _decode(hex_address: str) -> tuple[str, int]:
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        address = ipaddress.ip_address(raw[::-1])
    else:  # four 32-bit words, each in host (little-endian) order
        address = ipaddress.ip_address(b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4)))
    return str(address), int(port, 16)


def listening_sockets(pid: int | None = None) -> list[tuple[str, str, int]]:
    """(protocol, local address, port) of the TCP listeners and bound UDP sockets process `pid` owns."""
    pid = os.getpid() if pid is None else pid
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        try:
            rows = Path(f"/proc/{pid}/net/{proto}").read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if cols[9] not in inodes or (proto.startswith("tcp") and cols[3] != "0A"):  # 0A = LISTEN
                continue
            found.append((proto, *_decode(cols[1])))
    return found


def exposed(sockets: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """The ones another machine could reach: bound to anything but loopback."""
    return [s for s in sockets if not loopback(s[1])]
