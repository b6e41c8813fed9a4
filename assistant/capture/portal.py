"""Grabbing the screen through the XDG desktop portal's Screenshot interface (GNOME, KDE, others).

Outside wlroots, a Wayland client can read the screen only by asking the desktop: a `Screenshot` call
on `org.freedesktop.portal.Desktop` returns a request object, and the answer comes later as that
request's `Response` signal, with the URI of a PNG the portal wrote. The first call may show a system
dialog (the app explains it beforehand: see wayland.py's notice); a refusal is remembered for the life
of the grabber so a declined dialog is not raised again on every tick. The PNG is deleted as soon as
it is read: a screenshot must not stay behind in ~/Pictures or /tmp.
"""

from __future__ import annotations

import io
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from assistant.capture.frames import Frame
from assistant.errors import CaptureUnavailable

if TYPE_CHECKING:
    from jeepney import MatchRule
    from jeepney.io.blocking import DBusConnection

BUS_NAME = "org.freedesktop.portal.Desktop"
OBJECT_PATH = "/org/freedesktop/portal/desktop"
SCREENSHOT = "org.freedesktop.portal.Screenshot"
REQUEST = "org.freedesktop.portal.Request"
PROBE_TIMEOUT_SECONDS = 3.0  # the portal is started on demand by the bus: allow for that
FIRST_TIMEOUT_SECONDS = 180.0  # the first answer may wait for the user at the consent dialog
TIMEOUT_SECONDS = 30.0
DENIED = (
    "wayland: the desktop refused the screenshot (the permission dialog was declined). "
    "Allow screenshots for this app in the desktop's privacy settings, then turn capture on again"
)


def _open(address: str | None, timeout: float) -> DBusConnection:
    from jeepney.io.blocking import open_dbus_connection

    address = address or os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if not address:
        raise CaptureUnavailable("wayland: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
    try:
        return open_dbus_connection(address, auth_timeout=timeout)
    except Exception as exc:  # a stale address, a refused socket, a foreign transport
        raise CaptureUnavailable(f"wayland: cannot reach the D-Bus session bus ({type(exc).__name__})") from exc


def screenshot_portal_version(address: str | None = None, timeout: float = PROBE_TIMEOUT_SECONDS) -> int | None:
    """The Screenshot portal's interface version, or None when this session has no such portal."""
    from jeepney import DBusAddress, Properties
    from jeepney.wrappers import unwrap_msg

    try:
        conn = _open(address, timeout)
    except CaptureUnavailable:
        return None
    try:
        props = Properties(DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=SCREENSHOT))
        body = unwrap_msg(conn.send_and_get_reply(props.get("version"), timeout=timeout))
        signature, value = body[0]
        return int(value) if signature == "u" else None
    except Exception:  # no portal service, no Screenshot interface, or it did not answer in time
        return None
    finally:
        conn.close()


@contextmanager
def _matching(conn: DBusConnection, rule: MatchRule) -> Iterator[None]:
    """The bus routes `rule`'s signals to us while inside; removed after, since the bus caps the rules a
    connection may hold (512 by default) and every request has its own path."""
    from jeepney.bus_messages import message_bus
    from jeepney.wrappers import unwrap_msg

    unwrap_msg(conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=PROBE_TIMEOUT_SECONDS))
    try:
        yield
    finally:
        with suppress(Exception):  # a broken connection is dropped by the caller anyway
            unwrap_msg(conn.send_and_get_reply(message_bus.RemoveMatch(rule), timeout=PROBE_TIMEOUT_SECONDS))


def request_path(unique_name: str, token: str) -> str:
    """Where the portal will put the request object (the spec fixes it, so we can listen first)."""
    sender = unique_name.removeprefix(":").replace(".", "_")
    return f"{OBJECT_PATH}/request/{sender}/{token}"


def _read_and_delete(uri: str) -> bytes:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise CaptureUnavailable(f"wayland: the portal returned a {parsed.scheme or 'bare'} URI, not a file")
    path = Path(unquote(parsed.path))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CaptureUnavailable(f"wayland: cannot read the portal's screenshot ({exc.strerror})") from exc
    finally:
        with suppress(OSError):
            path.unlink()


class PortalGrabber:
    """Grabber over org.freedesktop.portal.Screenshot: one frame of the whole screen per call."""

    backend = "xdg-desktop-portal (Screenshot)"

    def __init__(
        self,
        address: str | None = None,
        *,
        first_timeout: float = FIRST_TIMEOUT_SECONDS,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self._address = address
        self._first_timeout, self._timeout = first_timeout, timeout
        self._conn: DBusConnection | None = None
        self._answered = False  # has the portal ever said yes (then no dialog is pending)
        self._denied = False
        self._lock = threading.Lock()

    def grab(self) -> list[Frame]:
        from PIL import Image, UnidentifiedImageError

        with self._lock:
            if self._denied:
                raise CaptureUnavailable(DENIED)
            data = _read_and_delete(self._ask())
        try:
            image = Image.open(io.BytesIO(data))
            rgba = image.convert("RGBA")
            return [Frame(1, rgba.width, rgba.height, rgba.tobytes("raw", "BGRA"), datetime.now(UTC))]
        except UnidentifiedImageError as exc:
            raise CaptureUnavailable("wayland: the portal's screenshot is not an image") from exc

    def _ask(self) -> str:
        """One Screenshot request, answered; the URI of the image. Holds self._lock."""
        from jeepney import DBusAddress, MatchRule, new_method_call
        from jeepney.wrappers import unwrap_msg

        if self._conn is None:
            self._conn = _open(self._address, PROBE_TIMEOUT_SECONDS)
        conn = self._conn
        token = "assistant_" + secrets.token_hex(8)
        rule = MatchRule(
            type="signal", interface=REQUEST, member="Response", path=request_path(str(conn.unique_name), token)
        )
        timeout = self._timeout if self._answered else self._first_timeout
        try:
            with conn.filter(rule) as responses, _matching(conn, rule):
                options: dict[str, tuple[str, Any]] = {
                    "handle_token": ("s", token),
                    "interactive": ("b", False),
                    "modal": ("b", False),
                }
                call = new_method_call(
                    DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=SCREENSHOT),
                    "Screenshot",
                    "sa{sv}",
                    ("", options),
                )
                unwrap_msg(conn.send_and_get_reply(call, timeout=PROBE_TIMEOUT_SECONDS))
                response, results = conn.recv_until_filtered(responses, timeout=timeout).body
        except TimeoutError as exc:
            raise CaptureUnavailable(f"wayland: the screenshot portal did not answer within {timeout:g} s") from exc
        except CaptureUnavailable:
            raise
        except Exception as exc:  # the bus or the portal went away: reconnect on the next tick
            self._close_locked()
            raise CaptureUnavailable(f"wayland: the screenshot portal failed ({type(exc).__name__}: {exc})") from exc
        if response == 1:
            self._denied = True
            raise CaptureUnavailable(DENIED)
        uri = results.get("uri", ("s", ""))[1]
        if response != 0 or not uri:
            raise CaptureUnavailable(f"wayland: the screenshot portal gave no image (response {response})")
        self._answered = True
        return str(uri)

    def _close_locked(self) -> None:
        if self._conn is not None:
            with suppress(Exception):
                self._conn.close()
            self._conn = None

    def close(self) -> None:
        with self._lock:
            self._close_locked()
