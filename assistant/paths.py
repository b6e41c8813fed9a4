"""Every path the core uses. The data dir comes from --data-dir, then ASSISTANT_HOME, then platformdirs."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import DataDirError

APP_NAME = "memory-assistant"
ENV_HOME = "ASSISTANT_HOME"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "memory.db"

    @property
    def keyfile(self) -> Path:
        return self.root / "keys.json"

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def blobs(self) -> Path:
        return self.root / "blobs"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "assistant.log"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def vector_index(self) -> Path:
        """Where the plaintext Chroma index of the removed "persistent" mode lived (deleted when found)."""
        return self.root / "vector-index"

    @property
    def vector_snapshot(self) -> Path:
        """The embedded vector index's encrypted snapshot."""
        return self.root / "vectors" / "index.snap"

    @property
    def lock_file(self) -> Path:
        return self.root / "store.lock"

    def ensure(self) -> None:
        """Create the data dir tree, private to the user (0700)."""
        try:
            for d in (self.root, self.blobs, self.models, self.logs, self.backups):
                d.mkdir(parents=True, exist_ok=True)
                os.chmod(d, 0o700)
            probe = self.root / ".write-probe"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise DataDirError(
                f"cannot write to the data dir {self.root}: {exc.strerror or exc}; "
                f"choose another with --data-dir or {ENV_HOME}"
            ) from exc


def runtime_dir(*, create: bool = True) -> Path:
    """A directory only this user can enter (0700), for the app's socket and its lock file. `create`
    False: only look (one that does not exist yet is returned as a path, not made).

    XDG_RUNTIME_DIR (a per-user tmpfs) when there is one, else a per-user directory in the temp dir.
    A directory there that is not ours, is a symlink or is open to others is refused: another user
    could otherwise pose as the running app or read what is sent to it.
    """
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and os.path.isdir(base):
        root = Path(base) / APP_NAME
    else:
        user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
        root = Path(tempfile.gettempdir()) / f"{APP_NAME}-{user}"
    if not create and not os.path.lexists(root):
        return root
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(root)
    except OSError as exc:
        raise DataDirError(f"cannot create the runtime directory {root}: {exc.strerror or exc}") from exc
    if sys.platform != "win32" and (stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077):
        raise DataDirError(
            f"the runtime directory {root} is not private to you (owner, mode or a symlink); remove it and retry"
        )
    return root


def instance_socket(data_dir: Path) -> Path:
    """Where the running app for `data_dir` listens (`assistant lock` talks to it there)."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return runtime_dir() / f"{digest}.sock"


def private_file(path: Path) -> None:
    """Make a file readable by its owner only (0600)."""
    os.chmod(path, 0o600)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves either the old or the new file, never half of one."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
