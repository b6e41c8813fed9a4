"""Window probe for sway (and other i3-IPC wlroots compositors) over the IPC socket in $SWAYSOCK.

Wayland hides other clients' windows from ordinary clients; the compositor's own IPC is the one
place that tells which window has the focus. One GET_TREE per tick (a few kB of JSON, well under a
millisecond over the local socket) gives the focused view and every visible one with its rectangle,
which the pipeline uses for masking. Native Wayland views name their app by `app_id`, XWayland ones
by their X11 class. sway has no IPC for idle time, so idle is "unknown" (None); the lock comes from
the D-Bus screen savers (session_lock.py), as on X11.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from assistant.capture.frames import WindowInfo
from assistant.capture.session_lock import SessionLock
from assistant.capture.window import url_from_title
from assistant.errors import CaptureUnavailable

MAGIC = b"i3-ipc"
_HEADER = struct.Struct("=6sII")  # magic, payload length, message type; native byte order by the protocol
GET_OUTPUTS = 3
GET_TREE = 4
TIMEOUT_SECONDS = 2.0  # a compositor that stalls longer is stuck: the tick says so rather than hang


@dataclass(frozen=True)
class Output:
    """An active output (monitor) in layout coordinates; `scale` is buffer pixels per layout unit."""

    name: str
    rect: tuple[int, int, int, int]
    scale: float
    focused: bool


class SwayIpc:
    """One connection to the i3-IPC socket, reopened after an error; requests are serialised."""

    def __init__(self, path: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.path = path
        self._timeout = timeout
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def request(self, kind: int, payload: bytes = b"") -> Any:
        """Send one message, return its parsed JSON reply. CaptureUnavailable if the compositor is gone."""
        with self._lock:
            try:
                sock = self._connect()
                sock.sendall(_HEADER.pack(MAGIC, len(payload), kind) + payload)
                magic, length, reply_kind = _HEADER.unpack(self._read(sock, _HEADER.size))
                if magic != MAGIC or reply_kind != kind:
                    raise OSError("not an i3-IPC reply")
                return json.loads(self._read(sock, length))
            except (OSError, ValueError) as exc:
                self._close_locked()
                raise CaptureUnavailable(
                    f"wayland: the compositor's IPC at {self.path} does not answer ({exc})"
                ) from exc

    def _connect(self) -> socket.socket:
        if self._sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self._timeout)
            try:
                sock.connect(self.path)
            except OSError:
                sock.close()
                raise
            self._sock = sock
        return self._sock

    @staticmethod
    def _read(sock: socket.socket, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = sock.recv(size - len(data))
            if not chunk:
                raise OSError("the compositor closed the IPC socket")
            data += chunk
        return bytes(data)

    def _close_locked(self) -> None:
        if self._sock is not None:
            with suppress(OSError):
                self._sock.close()
            self._sock = None

    def close(self) -> None:
        with self._lock:
            self._close_locked()


def _views(node: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every application window (a node with a pid) under `node`, bottom to top: tiled views (which
    do not overlap) before floating ones, and those in sway's order, which is their stacking order."""
    for child in [*node.get("nodes", ()), *node.get("floating_nodes", ())]:
        if child.get("pid") is not None and child.get("type") in ("con", "floating_con"):
            yield child
        yield from _views(child)


def _describe(view: Mapping[str, Any]) -> WindowInfo:
    props = view.get("window_properties") or {}
    app = str(view.get("app_id") or props.get("class") or props.get("instance") or "")
    title = str(view.get("name") or "")
    r = view.get("rect") or {}
    # The container's rect includes its border and title bar: masking that much is on the safe side.
    geometry = (int(r.get("x", 0)), int(r.get("y", 0)), int(r.get("width", 0)), int(r.get("height", 0)))
    pid = view.get("pid")
    return WindowInfo(
        app=app,
        title=title,
        url=url_from_title(title, app),
        pid=int(pid) if isinstance(pid, int) and pid > 0 else None,
        geometry=geometry if geometry[2] > 0 and geometry[3] > 0 else None,
    )


def focused_window(tree: Mapping[str, Any]) -> WindowInfo | None:
    """The focused application window in a GET_TREE reply; None when a workspace or nothing has focus."""
    view = next((v for v in _views(tree) if v.get("focused")), None)
    return None if view is None else _describe(view)


def visible_windows(tree: Mapping[str, Any]) -> list[WindowInfo]:
    """Application windows the compositor reports as visible (on a shown workspace, not hidden)."""
    return [_describe(v) for v in _views(tree) if v.get("visible")]


def parse_outputs(reply: list[Mapping[str, Any]]) -> list[Output]:
    """The active outputs of a GET_OUTPUTS reply, in the compositor's order."""
    found = []
    for out in reply:
        if not out.get("active"):
            continue
        r = out.get("rect") or {}
        rect = (int(r.get("x", 0)), int(r.get("y", 0)), int(r.get("width", 0)), int(r.get("height", 0)))
        found.append(Output(str(out.get("name", "")), rect, float(out.get("scale") or 1.0), bool(out.get("focused"))))
    return found


class SwayProbe:
    """WindowProbe (and WindowLister) for sway; `ipc` is shared with the grabber for output lists."""

    def __init__(self, ipc: SwayIpc, session_lock: SessionLock | None = None) -> None:
        self.ipc = ipc
        self._session_lock = session_lock or SessionLock()
        self._tree_lock = threading.Lock()
        self._tree: Mapping[str, Any] | None = None

    def _fresh_tree(self) -> Mapping[str, Any]:
        tree = self.ipc.request(GET_TREE)
        if not isinstance(tree, dict):
            raise CaptureUnavailable("wayland: the compositor's IPC sent no window tree")
        with self._tree_lock:
            self._tree = tree
        return tree

    def active_window(self) -> WindowInfo | None:
        return focused_window(self._fresh_tree())

    def visible_windows(self) -> list[WindowInfo]:
        # Asked right after active_window() in the same tick: that tree is recent enough, used once.
        with self._tree_lock:
            tree, self._tree = self._tree, None
        return visible_windows(tree if tree is not None else self._fresh_tree())

    def outputs(self) -> list[Output]:
        reply = self.ipc.request(GET_OUTPUTS)
        return parse_outputs(reply if isinstance(reply, list) else [])

    def idle_seconds(self) -> float | None:
        return None  # sway's IPC has no idle time; the pipeline then never skips for idleness

    def screen_locked(self) -> bool:
        return self._session_lock.locked() is True

    def close(self) -> None:
        self.ipc.close()
        self._session_lock.close()
