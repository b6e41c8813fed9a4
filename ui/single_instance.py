"""One app per data dir: the first launch listens on a local socket, a second one asks it to come
forward and exits (and `assistant lock` asks it to lock). A lock file guards the start-up race and
stale sockets after a crash. Both live in the user's private runtime dir (0700), not under a
predictable name in /tmp where another user could take the name first."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from assistant.paths import instance_socket

TIMEOUT_MS = 1500


def instance_key(data_dir: str | os.PathLike[str]) -> str:
    """The server name: the socket's full path (Windows: its name, a named pipe of the user's session)."""
    path = instance_socket(Path(data_dir))
    return path.name if sys.platform == "win32" else str(path)


class SingleInstance(QObject):
    """`claim()` makes this process the instance; `activated(message)` fires when another launch
    calls `notify_running(message)`."""

    activated = Signal(str)

    def __init__(self, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key
        lock_path = Path(f"{key}.lock") if Path(key).is_absolute() else Path(QDir.tempPath()) / f"{key}.lock"
        self._lock = QLockFile(str(lock_path))
        self._lock.setStaleLockTime(0)  # stale only if the owning process is gone
        self._server: QLocalServer | None = None
        self._clients: list[QLocalSocket] = []

    def claim(self) -> bool:
        if not self._lock.tryLock(100):
            return False
        QLocalServer.removeServer(self.key)  # a socket left behind by a crashed instance
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            self._lock.unlock()
            return False
        server.newConnection.connect(self._incoming)
        self._server = server
        return True

    def notify_running(self, message: str = "show") -> bool:
        """Tell the running instance to come forward; False if none answered."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(TIMEOUT_MS):
            return False
        socket.write(message.encode() + b"\n")
        socket.flush()
        while socket.bytesToWrite() and socket.waitForBytesWritten(TIMEOUT_MS):
            pass
        ok = socket.bytesToWrite() == 0
        socket.disconnectFromServer()
        return ok

    def _incoming(self) -> None:
        if self._server is None:
            return
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._clients.append(socket)
            socket.readyRead.connect(self._read)
            socket.disconnected.connect(self._gone)
            self._read_from(socket)  # bytes that came with the connection

    def _read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read_from(socket)

    def _read_from(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).decode(errors="replace").strip()
            self.activated.emit(line or "show")

    def _gone(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and socket in self._clients:
            self._read_from(socket)
            self._clients.remove(socket)
            socket.deleteLater()

    def release(self) -> None:
        for socket in self._clients:
            socket.readyRead.disconnect(self._read)
            socket.disconnected.disconnect(self._gone)
            socket.abort()
            socket.deleteLater()
        self._clients.clear()
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
        self._lock.unlock()
