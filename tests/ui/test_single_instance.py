"""Single instance: a second launch on the same data dir brings the first forward and exits."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from pytestqt.qtbot import QtBot

from ui.single_instance import SingleInstance, instance_key

ROOT = Path(__file__).resolve().parents[2]


def test_second_instance_notifies_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    key = instance_key(tmp_path / f"data-{uuid.uuid4().hex}")
    first = SingleInstance(key)
    assert first.claim()
    second = SingleInstance(key)
    assert not second.claim()
    with qtbot.waitSignal(first.activated, timeout=5000) as signal:
        assert second.notify_running("recall")
    assert signal.args == ["recall"]
    first.release()
    third = SingleInstance(key)
    assert third.claim()  # released: the next launch becomes the instance
    third.release()
    assert not SingleInstance(instance_key(tmp_path / "nobody-home")).notify_running()


def _listening(key: str) -> bool:
    from PySide6.QtNetwork import QLocalSocket

    probe = QLocalSocket()
    probe.connectToServer(key)
    ok = probe.waitForConnected(500)
    probe.abort()
    return ok


def _launch(data_dir: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ASSISTANT_TESTING": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "ui.app", "--data-dir", str(data_dir), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_second_launch_of_the_app_exits_and_focuses_the_first(tmp_path: Path) -> None:
    data_dir = tmp_path / f"data-{uuid.uuid4().hex}"
    first = _launch(data_dir)  # waits in its first-run dialog
    try:
        key = instance_key(data_dir)
        deadline = time.monotonic() + 60
        while not _listening(key):  # only once the first owns the instance can the second defer to it
            assert first.poll() is None, first.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the first launch never started listening"
            time.sleep(0.2)
        second = _launch(data_dir)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        assert "already running" in out
        assert first.poll() is None  # the first instance is still up
    finally:
        first.terminate()
        first.communicate(timeout=30)
