"""The app's socket and lock file live in a directory only the user can enter, not under a predictable
name in the shared /tmp."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from assistant.errors import DataDirError
from assistant.paths import instance_socket, runtime_dir

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and owners (Windows uses named pipes)")


def test_the_socket_is_in_a_private_runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    path = instance_socket(tmp_path / "data")
    assert path.parent == tmp_path / "memory-assistant"
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert not str(path).startswith("/tmp/memory-assistant-")


def test_without_xdg_runtime_dir_a_private_temp_dir_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    root = runtime_dir()
    assert root.parent == tmp_path and stat.S_IMODE(os.stat(root).st_mode) == 0o700


def test_a_runtime_dir_open_to_others_or_a_symlink_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    (tmp_path / "memory-assistant").mkdir(mode=0o777)
    os.chmod(tmp_path / "memory-assistant", 0o777)
    with pytest.raises(DataDirError, match="not private"):
        runtime_dir()
    (tmp_path / "memory-assistant").rmdir()
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    (tmp_path / "memory-assistant").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(DataDirError, match="not private"):
        runtime_dir()


def test_looking_for_running_apps_leaves_no_runtime_dir_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.capture.own_windows import running_app_pids

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert running_app_pids() == set()
    assert not (tmp_path / "memory-assistant").exists()  # capture asks every tick; only the app creates it
