"""Smaller promises: restore refuses crafted archives, export's temp file follows no symlink, only real
keyrings hold the data key, the passphrase leaves the environment, rotated logs stay private, and a
crafted GGUF is a ModelError."""

from __future__ import annotations

import logging
import os
import stat
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.cli import common
from assistant.crypto import keyring_store
from assistant.diagnostics import logs
from assistant.errors import AssistantError, ModelError, StoreCorrupt
from assistant.llm.gguf_info import read_gguf_info
from assistant.store import archive_limits
from tests.conftest import PASSPHRASE


def _backup(app: Assistant, tmp_path: Path) -> Path:
    return app.backups.export(tmp_path / "backup.zip")


def _files(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file() and p.name != "store.lock"}


def _with_member(backup: Path, out: Path, name: str, data: bytes, compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(backup) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return out


def test_restore_refuses_members_no_backup_has(app: Assistant, data_dir: Path, tmp_path: Path) -> None:
    crafted = _with_member(_backup(app, tmp_path), tmp_path / "crafted.zip", "../../.bashrc", b"evil")
    app.close()
    before = _files(data_dir)
    with pytest.raises(StoreCorrupt, match=r"holds '\.\./\.\./\.bashrc', which no backup has; nothing was changed"):
        app.backups.restore(crafted, PASSPHRASE)
    assert _files(data_dir) == before


def test_restore_refuses_an_archive_that_would_fill_the_disk(
    app: Assistant, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = _with_member(
        _backup(app, tmp_path),
        tmp_path / "bomb.zip",
        "blobs/thumb_x.blob",
        bytes(64 * 1024 * 1024),
        zipfile.ZIP_DEFLATED,
    )
    assert bomb.stat().st_size < 1024 * 1024  # 64 MB of zeros packed in well under 1 MB
    monkeypatch.setattr(archive_limits, "free_bytes", lambda _p: archive_limits.DISK_MARGIN + 32 * 1024 * 1024)
    app.close()
    before = _files(data_dir)
    with pytest.raises(StoreCorrupt, match="unpacks to .* GB and the disk has .* to spare; free some space"):
        app.backups.restore(bomb, PASSPHRASE)
    assert _files(data_dir) == before
    assert not list((data_dir / "backups").glob(".restore-*"))


def test_export_never_writes_through_a_planted_symlink(app: Assistant, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".backup.zip.tmp").symlink_to(victim)  # the temp name export used to write to
    out = app.backups.export(tmp_path / "backup.zip")
    assert victim.read_text() == "precious"
    assert zipfile.is_zipfile(out) and stat.S_IMODE(out.stat().st_mode) == 0o600


class PlaintextKeyring:  # stands in for keyrings.alt.file.PlaintextKeyring (not installed here)
    priority = 1.0

    def set_password(self, *args: object) -> None:
        raise AssertionError("the data key must never reach a plaintext keyring")

    def get_password(self, *args: object) -> str:
        return "QUFBQQ=="


PlaintextKeyring.__module__ = "keyrings.alt.file"


def test_a_plaintext_keyring_is_refused(app: Assistant, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    monkeypatch.setattr(keyring, "get_keyring", PlaintextKeyring)
    before = (data_dir / "keys.json").read_bytes()
    with pytest.raises(AssistantError, match=r"keyrings\.alt\.file\.PlaintextKeyring, which keeps secrets in a plain"):
        app.security.set_keyring_unlock(True)
    assert (data_dir / "keys.json").read_bytes() == before and not app.security.keyring_enabled
    assert keyring_store.load_data_key("any") is None  # nor is a key read back from one


def test_the_passphrase_leaves_the_environment_at_its_first_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "_from_env", {})
    monkeypatch.setenv("ASSISTANT_PASSPHRASE", "hunter2-canary")
    assert common.passphrase() == "hunter2-canary"
    assert "ASSISTANT_PASSPHRASE" not in os.environ
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.environ.get('ASSISTANT_PASSPHRASE'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert child.stdout.strip() == "None"  # a child process (tesseract, a converter) does not inherit it
    assert common.passphrase() == "hunter2-canary"  # later reads in this process still get it


def test_rotated_logs_are_private(app: Assistant, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.umask(0o022)
    monkeypatch.setattr(logs, "MAX_BYTES", 300)
    log_dir = data_dir / "logs"
    for handler in [h for h in logging.getLogger("assistant").handlers if getattr(h, "_assistant_path", None)]:
        logging.getLogger("assistant").removeHandler(handler)
        handler.close()
    logs.setup_logging(app.paths)
    for i in range(40):
        logging.getLogger("assistant.test").info("line %d of a rotating log", i)
    files = sorted(log_dir.glob("assistant.log*"))
    assert len(files) >= 3  # rotated
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o600 for p in files}


def test_a_gguf_nesting_arrays_forever_is_a_model_error(tmp_path: Path) -> None:
    key = b"general.crafted"
    nested = struct.pack("<IQ", 9, 1) * 100_000 + struct.pack("<IQ", 4, 0)
    data = b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", len(key)) + key + struct.pack("<I", 9) + nested
    path = tmp_path / "crafted.gguf"
    path.write_bytes(data)
    with pytest.raises(ModelError, match="corrupt GGUF file .*nested deeper"):
        read_gguf_info(path)
