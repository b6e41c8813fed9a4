"""A private D-Bus session bus for tests, and a fake screen saver on it.

The bus is a real `dbus-daemon --session` of its own (never the desktop's). The fake screen saver is a
separate process (this file run as a script) that owns `org.freedesktop.ScreenSaver` and/or
`org.gnome.ScreenSaver` and implements, at each one's own object path and interface:

- `GetActive() -> b`, as GNOME Shell and KDE do, answering with its state (or never, with --silent);
- `SetActive(b) -> b`, which sets that state (the freedesktop spec's method, used here to lock/unlock);
- `Calls() -> u` and `Callers() -> u`: how many GetActive calls it got, from how many connections.

    python tests/session_bus.py ADDRESS [freedesktop] [gnome] [--silent]

It prints "ready" once it owns its names.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

DBUS_DAEMON_MISSING = "dbus-daemon not installed (a Linux desktop component)"
SERVICES = {
    "freedesktop": ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
    "gnome": ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
}


# A session bus that starts no services of its own (installed ones, a real portal, must not answer), and
# lets a connection hold only a few match rules, so a client that leaks them fails fast.
BARE_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/>
<allow own="*"/></policy><limit name="max_match_rules_per_connection">8</limit></busconfig>
"""


@pytest.fixture
def session_bus() -> Iterator[str]:
    """A fresh session bus; yields its address."""
    yield from _bus(["--session"])


@pytest.fixture
def bare_session_bus(tmp_path: Path) -> Iterator[str]:
    """A fresh session bus without service activation; yields its address."""
    config = tmp_path / "bus.conf"
    config.write_text(BARE_CONFIG)
    yield from _bus([f"--config-file={config}"])


def _bus(how: list[str]) -> Iterator[str]:
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip(DBUS_DAEMON_MISSING)
    proc = subprocess.Popen(
        [daemon, *how, "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().strip()
        assert address, "dbus-daemon printed no address"
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _call(address: str, service: str, member: str, signature: str | None = None, *args: Any) -> Any:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.wrappers import unwrap_msg

    name, path = SERVICES[service]
    with open_dbus_connection(address) as conn:
        msg = new_method_call(DBusAddress(path, bus_name=name, interface=name), member, signature, args)
        return unwrap_msg(conn.send_and_get_reply(msg, timeout=5))[0]


class FakeScreenSaver:
    """The fake service as a context manager; `active` locks or unlocks it."""

    def __init__(self, address: str, *services: str, silent: bool = False) -> None:
        self.address, self.services = address, services
        args = [sys.executable, str(Path(__file__).resolve()), address, *services, *(["--silent"] if silent else [])]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            self.close()
            raise RuntimeError("the fake screen saver did not come up")

    def set_active(self, active: bool) -> None:
        for service in self.services:
            _call(self.address, service, "SetActive", "b", active)

    def calls(self, service: str) -> tuple[int, int]:
        """(GetActive calls, distinct connections that made them) seen by `service`."""
        return int(_call(self.address, service, "Calls")), int(_call(self.address, service, "Callers"))

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def __enter__(self) -> FakeScreenSaver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(address: str, services: list[str], silent: bool) -> None:
    from jeepney import HeaderFields, MessageType, new_error, new_method_return
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.wrappers import unwrap_msg

    conn = open_dbus_connection(address)
    for service in services:
        name = SERVICES[service][0]
        assert unwrap_msg(conn.send_and_get_reply(message_bus.RequestName(name), timeout=5))[0] == 1
    print("ready", flush=True)
    active = False
    calls = {service: 0 for service in services}
    callers: dict[str, set[str]] = {service: set() for service in services}
    while True:
        msg = conn.receive()
        fields = msg.header.fields
        if msg.header.message_type != MessageType.method_call:
            continue
        target = (
            fields.get(HeaderFields.destination),
            fields.get(HeaderFields.path),
            fields.get(HeaderFields.interface),
        )
        service = next((s for s in services if target == (SERVICES[s][0], SERVICES[s][1], SERVICES[s][0])), None)
        member = fields.get(HeaderFields.member)
        if service is None:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownObject"))
        elif member == "GetActive":
            calls[service] += 1
            callers[service].add(str(fields.get(HeaderFields.sender)))
            if not silent:
                conn.send(new_method_return(msg, "b", (active,)))
        elif member == "SetActive":
            active = bool(msg.body[0])
            conn.send(new_method_return(msg, "b", (True,)))
        elif member == "Calls":
            conn.send(new_method_return(msg, "u", (calls[service],)))
        elif member == "Callers":
            conn.send(new_method_return(msg, "u", (len(callers[service]),)))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))


if __name__ == "__main__":
    _serve(sys.argv[1], [a for a in sys.argv[2:] if a != "--silent"], "--silent" in sys.argv[2:])
