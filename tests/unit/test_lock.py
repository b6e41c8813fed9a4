"""Lock: the facade drops the keys and everything decrypted, core dumps are off only while unlocked,
and the watcher locks on a screen lock, a suspend or idleness (signals on a private D-Bus)."""

from __future__ import annotations

import resource
import socket
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.errors import Locked
from assistant.locking import coredumps
from assistant.paths import instance_socket
from assistant.values import RawEvent
from tests.conftest import PASSPHRASE, run_cli
from tests.session_bus import bare_session_bus

__all__ = ["bare_session_bus"]  # the fixture, under the name the tests ask for


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_lock_drops_the_keys_and_unlock_brings_everything_back(app: Assistant) -> None:
    app.memories.add_events(
        [RawEvent(kind="chat", occurred_at=datetime.now(UTC), text="the lighthouse keeper's cat is called Biscuit")]
    )
    app.security.lock()
    assert not app.unlocked
    with pytest.raises(Locked):
        app.search.find("Biscuit")
    with pytest.raises(Locked):
        _ = app._core.store
    assert app._core._vectors is None and app._core._recall is None  # decrypted caches are gone with the store
    assert app._core.models._chat is None and app._core.models._embedder is None  # and the models' state (KV cache)
    app.unlock(PASSPHRASE)
    assert any("Biscuit" in hit.text for hit in app.search.find("Biscuit"))


@pytest.mark.skipif(sys.platform != "linux", reason="prctl(PR_SET_DUMPABLE) is Linux-only")
def test_core_dumps_are_off_only_while_unlocked(app: Assistant) -> None:
    assert coredumps.dumps_disabled()
    assert resource.getrlimit(resource.RLIMIT_CORE)[0] == 0
    holders = coredumps.unlocked_stores()
    app.security.lock()
    # Back on once no store of this process is unlocked (another test's store may still be).
    assert coredumps.unlocked_stores() == holders - 1
    assert coredumps.dumps_disabled() is (holders > 1)
    app.unlock(PASSPHRASE)
    assert coredumps.dumps_disabled() and coredumps.unlocked_stores() == holders


def _emit(address: str, path: str, interface: str, member: str, signature: str | None, *body: object) -> None:
    from jeepney import DBusAddress, new_signal
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(address) as conn:
        conn.send(new_signal(DBusAddress(path, interface=interface), member, signature, tuple(body)))
        time.sleep(0.2)  # let the bus pass it on before the connection goes


def _watched(app: Assistant, address: str) -> list[str]:
    reasons: list[str] = []

    def on_lock(reason: str) -> None:
        reasons.append(reason)
        app.security.lock(reason)

    sources = app.security.watch_for_lock(on_lock, session_bus=address, system_bus=address, idle_seconds=lambda: 0.0)
    assert sources == ["session bus", "system bus", "idle"]
    return reasons


@pytest.mark.parametrize(
    ("path", "interface", "member", "signature", "body", "reason"),
    [
        ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged", "b", (True,), "screen"),
        ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", "b", (True,), "screen"),
        ("/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep", "b", (True,), "sleep"),
        ("/org/freedesktop/login1/session/_32", "org.freedesktop.login1.Session", "Lock", None, (), "session"),
    ],
)
def test_a_session_signal_locks_the_app(
    app: Assistant, bare_session_bus: str, path: str, interface: str, member: str, signature: str | None,
    body: tuple[object, ...], reason: str,
) -> None:  # fmt: skip
    reasons = _watched(app, bare_session_bus)
    try:
        _emit(bare_session_bus, path, interface, member, signature, *body)
        assert _wait(lambda: not app.unlocked)
        assert reason in reasons[0]
    finally:
        app.security.stop_watching()


def test_the_end_of_a_lock_or_a_resume_does_not_lock(app: Assistant, bare_session_bus: str) -> None:
    _watched(app, bare_session_bus)
    try:
        _emit(
            bare_session_bus, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged", "b", False
        )
        _emit(
            bare_session_bus, "/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep", "b", False
        )
        time.sleep(0.5)
        assert app.unlocked
    finally:
        app.security.stop_watching()


def test_idleness_past_the_setting_locks(app: Assistant) -> None:
    idle = {"seconds": 30.0}
    app.settings.current.privacy.lock_after_idle_minutes = 1.0
    app.security.watch_for_lock(session_bus=None, system_bus=None, idle_seconds=lambda: idle["seconds"], idle_poll=0.05)
    try:
        time.sleep(0.3)
        assert app.unlocked  # 30 s of 60: not yet
        idle["seconds"] = 61.0
        assert _wait(lambda: not app.unlocked)
        app.unlock(PASSPHRASE)  # re-armed by the unlock: it locks again next time
        idle["seconds"] = 0.0
        time.sleep(0.2)
        assert app.unlocked
        idle["seconds"] = 90.0
        assert _wait(lambda: not app.unlocked)
    finally:
        app.security.stop_watching()


def test_no_bus_is_not_an_error(app: Assistant, tmp_path: Path) -> None:
    assert app.security.watch_for_lock(
        session_bus=f"unix:path={tmp_path}/none", system_bus=None, idle_seconds=lambda: None
    ) == ["idle"]
    app.security.stop_watching()


def test_assistant_lock_tells_the_running_app(data_dir: Path) -> None:
    Assistant(data_dir).init(PASSPHRASE)
    done = run_cli(data_dir, "lock", passphrase=None)
    assert done.returncode == 1 and "not running" in done.stderr
    path = instance_socket(data_dir)
    path.unlink(missing_ok=True)
    received: list[bytes] = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:  # stands in for the app's QLocalServer
        server.bind(str(path))
        server.listen()

        def serve() -> None:
            conn, _ = server.accept()
            with conn:
                received.append(conn.recv(64))

        thread = threading.Thread(target=serve)
        thread.start()
        done = run_cli(data_dir, "lock", passphrase=None)
        thread.join(10)
    path.unlink(missing_ok=True)
    assert done.returncode == 0, done.stderr
    assert received == [b"lock\n"]
