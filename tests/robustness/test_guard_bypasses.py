"""The local-only guard has no bypass: name lookups of every kind, UDP sends, the raw `_socket` class,
and a proxy on loopback are each refused before the call reaches the OS. Loopback keeps working.

NetWatch (an audit hook installed after the guard's) sees nothing of a refused call: the guard's hook
stops it first, so an empty record proves the call never ran.
"""

from __future__ import annotations

import _socket
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from assistant import privacy
from assistant.errors import PrivacyBlocked
from tests.robustness.netwatch import NetWatch

REFUSED = "local-only mode is on"
TEST_NET = "192.0.2.10"  # TEST-NET-1: never routed


def _udp() -> socket.socket:
    return socket.socket(socket.AF_INET, socket.SOCK_DGRAM)


def _sendto() -> None:
    with _udp() as s:
        s.sendto(b"x", (TEST_NET, 9))


def _sendmsg() -> None:
    with _udp() as s:
        s.sendmsg([b"x"], [], 0, (TEST_NET, 9))


def _raw_socket_class() -> None:
    raw = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        raw.settimeout(2)
        raw.connect((TEST_NET, 80))
    finally:
        raw.close()


def _loopback_dns() -> None:
    with _udp() as s:  # a stub resolver on loopback forwards the name it is asked to the network
        s.sendto(b"\x00" * 12, ("127.0.0.53", 53))


def _bind_everywhere() -> None:
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))


BYPASSES: dict[str, Callable[[], object]] = {
    "gethostbyname": lambda: socket.gethostbyname("example.com"),
    "gethostbyname_ex": lambda: socket.gethostbyname_ex("example.com"),
    "gethostbyaddr": lambda: socket.gethostbyaddr("8.8.8.8"),
    "getnameinfo": lambda: socket.getnameinfo(("8.8.8.8", 53), 0),
    "getaddrinfo": lambda: socket.getaddrinfo("example.com", 443),
    "udp sendto": _sendto,
    "udp sendmsg": _sendmsg,
    "the raw _socket.socket class": _raw_socket_class,
    "a DNS query to a resolver on loopback": _loopback_dns,
    "a listener on every interface": _bind_everywhere,
}


@pytest.fixture
def guard() -> Iterator[None]:
    privacy.set_local_only(True)
    yield


@pytest.mark.parametrize("name", list(BYPASSES))
def test_each_bypass_is_refused_before_the_call_runs(guard: None, name: str) -> None:
    with NetWatch() as watch, pytest.raises(PrivacyBlocked, match=REFUSED):
        BYPASSES[name]()
    assert watch.violations() == []


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_CONNECT(self) -> None:
        self.seen.append(self.requestline)
        self.send_error(502)

    do_GET = do_CONNECT

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def loopback_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    privacy.set_local_only(False)
    for key in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(key, url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    yield _Recorder.seen
    server.shutdown()
    server.server_close()


def test_a_proxy_on_loopback_is_not_used_in_local_only_mode(loopback_proxy: list[str]) -> None:
    privacy.set_local_only(True)
    for url in ("https://example.com/", "http://example.com/"):
        with pytest.raises(PrivacyBlocked, match=REFUSED):
            urllib.request.urlopen(url, timeout=5)
    assert loopback_proxy == []  # the proxy was never asked to forward anything


def test_turning_local_only_off_gives_the_proxy_settings_back(loopback_proxy: list[str]) -> None:
    before = urllib.request.getproxies()
    privacy.set_local_only(True)
    assert urllib.request.getproxies() == {} or urllib.request.proxy_bypass("example.com")
    privacy.set_local_only(False)
    assert urllib.request.getproxies() == before


def test_loopback_still_works(guard: None) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=5) as client:
            conn, _ = server.accept()
            with conn:
                client.sendall(b"ping")
                assert conn.recv(4) == b"ping"
    with _udp() as a, _udp() as b:
        b.bind(("127.0.0.1", 0))
        a.sendto(b"pong", b.getsockname())
        assert b.recv(4) == b"pong"
    assert socket.getaddrinfo("localhost", 80)
    assert socket.gethostbyname("localhost") == "127.0.0.1"
