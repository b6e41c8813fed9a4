"""The task manager: the UI thread keeps turning while facade calls run; results and errors come back."""

from __future__ import annotations

import itertools
import threading
import time

from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.tasks import TaskManager


def test_event_loop_keeps_turning_during_a_slow_call(qtbot: QtBot) -> None:
    tasks = TaskManager()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    release = threading.Event()
    worker_threads: list[object] = []

    def slow() -> str:
        worker_threads.append(QThread.currentThread())
        release.wait(10)
        return "done"

    results: list[str] = []
    handle = tasks.submit(slow, on_result=results.append)
    qtbot.waitUntil(lambda: len(ticks) >= 15, timeout=5000)  # 15 ticks while `slow` still blocks
    assert not results and not handle.finished
    release.set()
    qtbot.waitUntil(lambda: handle.finished, timeout=5000)
    timer.stop()
    assert results == ["done"]
    qapp = QApplication.instance()
    assert qapp is not None and worker_threads and worker_threads[0] is not qapp.thread()
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 1.0


def test_errors_progress_and_the_serial_lane(qtbot: QtBot) -> None:
    tasks = TaskManager()
    errors: list[BaseException] = []
    failures: list[str] = []
    tasks.task_failed.connect(lambda name, _exc: failures.append(name))
    bad = tasks.submit(lambda: 1 / 0, name="divide", on_error=errors.append)
    qtbot.waitUntil(lambda: bad.finished, timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError) and failures == ["divide"]

    seen: list[tuple[int, int]] = []

    def counting(progress: object) -> int:
        for i in range(3):
            progress(i + 1, 3)  # type: ignore[operator]
        return 3

    counted = tasks.submit(counting, progress_arg="progress", on_progress=lambda d, t: seen.append((d, t)))
    qtbot.waitUntil(lambda: counted.finished, timeout=5000)
    assert seen == [(1, 3), (2, 3), (3, 3)] and counted.value == 3

    order: list[int] = []
    lock = threading.Lock()

    def write(i: int) -> None:
        time.sleep(0.01 * (5 - i))  # later ones are quicker: only a serial lane keeps the order
        with lock:
            order.append(i)

    handles = [tasks.submit(write, i, serial=True) for i in range(5)]
    qtbot.waitUntil(lambda: all(h.finished for h in handles), timeout=5000)
    assert order == [0, 1, 2, 3, 4]
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=2000)


def test_a_destroyed_owner_gets_nothing(qtbot: QtBot) -> None:
    from PySide6.QtCore import QObject

    tasks = TaskManager()
    owner = QObject()
    release = threading.Event()
    got: list[object] = []
    tasks.submit(lambda: release.wait(5), owner=owner, on_result=got.append)
    with qtbot.waitSignal(owner.destroyed, timeout=2000):
        owner.deleteLater()
    assert tasks.pending == 1
    release.set()
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)
    assert got == []
