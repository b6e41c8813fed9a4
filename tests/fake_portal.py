"""A fake XDG desktop portal (Screenshot only) on a private session bus (tests/session_bus.py), and the
other stand-ins a Wayland backend choice looks at: a compositor socket and a `grim` that works or not.

It owns `org.freedesktop.portal.Desktop` and behaves as the real frontend does for a host app:
`Screenshot(s, a{sv}) -> o` returns the request path the spec fixes from the caller's name and
`handle_token`, then emits that request's `Response(u, a{sv})` to the caller with the `uri` of a PNG it
wrote (a white image with a black square at 10,10-40,40), or response 1 (the user declined) with
--deny. `Properties.Get(Screenshot, "version")` answers 2. `Calls() -> u` on the test interface counts
Screenshot calls, and `Options() -> s` gives the last call's options as JSON.

    python tests/fake_portal.py ADDRESS OUT_DIR [--deny]

It prints "ready" once it owns its name.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BUS_NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
TEST_IFACE = "org.example.FakePortal"
SIZE = (320, 200)


class FakePortal:
    def __init__(self, address: str, out_dir: Path, deny: bool = False) -> None:
        self.address, self.out_dir = address, out_dir
        args = [sys.executable, str(Path(__file__).resolve()), address, str(out_dir), *(["--deny"] if deny else [])]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            self.close()
            raise RuntimeError("the fake portal did not come up")

    def _ask(self, member: str) -> Any:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import unwrap_msg

        with open_dbus_connection(self.address) as conn:
            msg = new_method_call(DBusAddress(PATH, bus_name=BUS_NAME, interface=TEST_IFACE), member)
            return unwrap_msg(conn.send_and_get_reply(msg, timeout=5))[0]

    def calls(self) -> int:
        return int(self._ask("Calls"))

    def options(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self._ask("Options"))
        return loaded

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def __enter__(self) -> FakePortal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def fake_compositor(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A listening socket where WAYLAND_DISPLAY says the compositor is (all the backend choice looks at)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(tmp_path / "wayland-7"))
    sock.listen()
    try:
        yield {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-7", "XDG_RUNTIME_DIR": str(tmp_path)}
    finally:
        sock.close()


def fake_grim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, works: bool) -> None:
    """A `grim` on PATH that prints a 1x1 PPM, or fails as grim does on a compositor without screencopy."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "grim"
    fails = 'echo "compositor doesn\'t support wlr-screencopy-unstable-v1" >&2; exit 1'
    script.write_text("#!/bin/sh\n" + ("printf 'P6\\n1 1\\n255\\n\\377\\377\\377'" if works else fails) + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")


def _png(path: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, "white")
    ImageDraw.Draw(image).rectangle((10, 10, 39, 39), fill="black")
    image.save(path, "PNG")


def _serve(address: str, out_dir: Path, deny: bool) -> None:
    from jeepney import HeaderFields, MessageType, new_error, new_method_return, new_signal
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.low_level import Header
    from jeepney.wrappers import DBusAddress, unwrap_msg

    conn = open_dbus_connection(address)
    assert unwrap_msg(conn.send_and_get_reply(message_bus.RequestName(BUS_NAME), timeout=5))[0] == 1
    print("ready", flush=True)
    calls, last_options = 0, "{}"
    while True:
        msg = conn.receive()
        fields = msg.header.fields
        if msg.header.message_type != MessageType.method_call:
            continue
        iface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
        if (iface, member) == ("org.freedesktop.DBus.Properties", "Get"):
            if tuple(msg.body) == ("org.freedesktop.portal.Screenshot", "version"):
                conn.send(new_method_return(msg, "v", (("u", 2),)))
            else:
                conn.send(new_error(msg, "org.freedesktop.DBus.Error.InvalidArgs"))
        elif (iface, member) == ("org.freedesktop.portal.Screenshot", "Screenshot"):
            calls += 1
            _parent, options = msg.body
            last_options = json.dumps({k: v[1] for k, v in options.items()})
            sender = str(fields[HeaderFields.sender])
            handle = f"{PATH}/request/{sender.removeprefix(':').replace('.', '_')}/{options['handle_token'][1]}"
            conn.send(new_method_return(msg, "o", (handle,)))
            if deny:
                response: tuple[int, dict[str, Any]] = (1, {})
            else:
                shot = out_dir / f"Screenshot-{calls}.png"
                _png(shot)
                response = (0, {"uri": ("s", shot.as_uri())})
            signal = new_signal(
                DBusAddress(handle, interface="org.freedesktop.portal.Request"), "Response", "ua{sv}", response
            )
            header: Header = signal.header
            header.fields[HeaderFields.destination] = sender
            conn.send(signal)
        elif (iface, member) == (TEST_IFACE, "Calls"):
            conn.send(new_method_return(msg, "u", (calls,)))
        elif (iface, member) == (TEST_IFACE, "Options"):
            conn.send(new_method_return(msg, "s", (last_options,)))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))


if __name__ == "__main__":
    _serve(sys.argv[1], Path(sys.argv[2]), "--deny" in sys.argv[3:])
