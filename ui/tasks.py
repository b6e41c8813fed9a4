"""Run facade calls off the UI thread. Results, errors and progress come back as queued signals.

Reads run on a small pool; writes to the store go through one serial lane (a one-thread pool), so
they happen in the order the user asked for them. A task whose owner widget was destroyed delivers
nothing: its handle is a child of the owner and dies with it.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Emitter(QObject):
    """Lives in the UI thread; the worker emits through it, so every delivery is queued there."""

    result = Signal(object)
    error = Signal(object)
    progress = Signal(object)
    finished = Signal()


class TaskHandle(QObject):
    """One submitted call. Connect to its signals or pass callbacks to `TaskManager.submit`."""

    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    progressed = Signal(object)  # the tuple of arguments the callable gave its progress callback
    done = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.finished = False
        self.value: Any = None
        self.exception: BaseException | None = None

    @Slot(object)
    def _on_result(self, value: Any) -> None:
        self.value = value
        self.succeeded.emit(value)

    @Slot(object)
    def _on_error(self, exc: BaseException) -> None:
        self.exception = exc
        self.failed.emit(exc)

    @Slot(object)
    def _on_progress(self, args: tuple[Any, ...]) -> None:
        self.progressed.emit(args)

    @Slot()
    def _on_finished(self) -> None:
        self.finished = True
        self.done.emit()


class _Runnable(QRunnable):
    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        emitter: _Emitter,
        progress_arg: str | None,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._emitter = emitter
        self._progress_arg = progress_arg

    def run(self) -> None:
        emitter = self._emitter
        kwargs = dict(self._kwargs)
        if self._progress_arg:
            kwargs[self._progress_arg] = lambda *a: emitter.progress.emit(a)
        try:
            value = self._fn(*self._args, **kwargs)
        except Exception as exc:  # every failure goes back to the UI as a message
            log.debug("task failed: %s", "".join(traceback.format_exception(exc)))
            emitter.error.emit(exc)
        else:
            emitter.result.emit(value)
        finally:
            emitter.finished.emit()


class TaskManager(QObject):
    """`submit(fn, ...)` runs `fn` on a worker thread; `serial=True` puts it in the write lane."""

    busy_changed = Signal(int)  # how many tasks are queued or running
    task_failed = Signal(str, object)  # (task name, exception) for every failure, for the status bar

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._serial = QThreadPool(self)
        self._serial.setMaxThreadCount(1)
        self._live: dict[int, tuple[_Emitter, TaskHandle]] = {}

    @property
    def pending(self) -> int:
        return len(self._live)

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        name: str = "",
        owner: QObject | None = None,
        serial: bool = False,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[..., None] | None = None,
        progress_arg: str | None = None,
        **kwargs: Any,
    ) -> TaskHandle:
        """Queue `fn(*args, **kwargs)`. With `progress_arg`, `fn` also gets a callback under that keyword
        name; whatever it is called with reaches `on_progress(*args)` in the UI thread."""
        handle = TaskHandle(name or getattr(fn, "__name__", "task"), owner or self)
        emitter = _Emitter()
        self._live[id(emitter)] = (emitter, handle)
        emitter.result.connect(handle._on_result)
        emitter.error.connect(handle._on_error)
        emitter.progress.connect(handle._on_progress)
        emitter.finished.connect(handle._on_finished)
        emitter.finished.connect(self._retire)
        if on_result is not None:
            handle.succeeded.connect(on_result)
        if on_error is not None:
            handle.failed.connect(on_error)
        handle.failed.connect(lambda exc: self.task_failed.emit(handle.name, exc))
        if on_progress is not None:
            handle.progressed.connect(lambda a: on_progress(*a))
        runnable = _Runnable(fn, args, kwargs, emitter, progress_arg)
        (self._serial if serial else self._pool).start(runnable)
        self.busy_changed.emit(len(self._live))
        return handle

    @Slot()
    def _retire(self) -> None:
        if self._live.pop(id(self.sender()), None) is not None:
            self.busy_changed.emit(len(self._live))

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every task has run (for shutdown and tests); True if all finished in time."""
        ok = self._serial.waitForDone(msecs)
        return self._pool.waitForDone(msecs) and ok
