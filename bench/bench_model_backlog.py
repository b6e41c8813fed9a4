"""The model pass as the app runs it: the deterministic pass writes episodes down, the model reads them
later on one niced thread. On the 48-window workday (bench/workday.py) with the bundled gemma 270M:

    PYTHONPATH=. OMP_THREAD_LIMIT=1 python bench/bench_model_backlog.py [--windows 48] [--tick 0.5]

- the deterministic pass alone, and with the episodes written down for the model (seconds, ratio);
- the backlog written down minute by minute (the app's schedule) and read: calls and prompt tokens,
  against the same session written down at once;
- the backlog read with one CPU thread on a niced thread (the background job) and with the model's own
  threads (what `assistant consolidate` does): prompt tokens, seconds;
- a stand-in capture tick (store one event, hash 8 MB as a frame diff would) every --tick seconds:
  its duration with nothing else running, and while each of the two model passes runs (p50, p95, ratio).

Every model call stops after one generated token (bench_consolidation's --prompt-only): prompt tokens
and cache reuse are as in a full run; generation is not measured. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("ASSISTANT_TESTING", "1")

from bench_consolidation import _print, _PromptOnly  # beside this script
from workday import session

from assistant.api import Assistant
from assistant.consolidation.backlog import read_backlog
from assistant.consolidation.engine import ConsolidationReport
from assistant.scheduler.model_job import ModelPassJob
from assistant.values import RawEvent

FRAME = os.urandom(8 * 1024 * 1024)


def _store(root: Path, name: str, *, model: bool) -> Assistant:
    app = Assistant(root / name)
    app.init("bench passphrase")
    if model:
        app.models.install_test_model()
    else:
        app.settings.current.consolidation.use_model = False
    return app


class Ticks:
    """Stand-in capture ticks on their own thread until stopped; their durations in seconds."""

    def __init__(self, app: Assistant, every: float) -> None:
        self._app, self._every = app, every
        self._stop = threading.Event()
        self.seconds: list[float] = []
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        n = 0
        while not self._stop.wait(self._every):
            t0 = time.perf_counter()
            hashlib.sha256(FRAME).digest()
            text = f"tick {n} {time.time()}"
            self._app.memories.add_events([RawEvent(kind="screen", occurred_at=_now(), app="Terminal", text=text)])
            self.seconds.append(time.perf_counter() - t0)
            n += 1

    def __enter__(self) -> Ticks:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) >= 2 else (values or [0.0])[0]


def _drain(app: Assistant, *, background: bool) -> tuple[ConsolidationReport, float]:
    """Read the whole backlog: as the background job does (niced thread, one CPU thread), or as
    `assistant consolidate` does (the model's own threads)."""
    model = app._core.models.chat_model()
    report = ConsolidationReport()

    def provider() -> Any:
        return _PromptOnly(model)

    def drain(keep_going: Callable[[], bool]) -> None:
        read_backlog(app.consolidation._backlog(), provider, keep_going, threads=1, report=report)

    if background:
        run: Callable[[], None] = ModelPassJob(drain, lambda: None, threading.Event())
    else:

        def run() -> None:
            read_backlog(app.consolidation._backlog(), provider, report=report)

    t0 = time.perf_counter()
    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    return report, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--windows", type=int, default=48)
    ap.add_argument("--tick", type=float, default=0.5)
    args = ap.parse_args()
    events = session(args.windows)
    rows: list[tuple[str, str]] = [("captured", f"{args.windows} windows, {len(events)} frames")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plain = _store(root, "plain", model=False)
        plain.memories.add_events(events)
        t0 = time.perf_counter()
        plain.consolidation.run()
        t_plain = time.perf_counter() - t0
        with Ticks(plain, args.tick) as alone:
            time.sleep(max(20 * args.tick, 10))
        plain.close()
        drained: dict[bool, tuple[ConsolidationReport, float, list[float]]] = {}
        t_written = 0.0
        for background in (True, False):
            app = _store(root, f"model-{background}", model=True)
            app.memories.add_events(events)
            t0 = time.perf_counter()
            waiting = app.consolidation.run(model_pass=False).model_waiting
            t_written = time.perf_counter() - t0
            with Ticks(app, args.tick) as ticks:
                report, seconds = _drain(app, background=background)
            drained[background] = (report, seconds, ticks.seconds)
            app.close()
        minutely = _store(root, "minutely", model=True)
        start = events[0].occurred_at
        for minute in range(int((events[-1].occurred_at - start).total_seconds() // 60) + 1):
            part = [e for e in events if int((e.occurred_at - start).total_seconds() // 60) == minute]
            minutely.memories.add_events(part)
            minutely.consolidation.run(model_pass=False)
        pieces = minutely.status().model_backlog
        by_minute, _ = _drain(minutely, background=True)
        minutely.close()
    rows.append(
        (
            "deterministic pass",
            f"{t_plain:.2f} s alone; {t_written:.2f} s writing {waiting} episodes down ({t_written / t_plain:.2f}x)",
        )
    )
    for background, name in ((True, "background: 1 thread, niced"), (False, "consolidate: the model's threads")):
        report, seconds, _ = drained[background]
        rows.append(
            (
                f"model pass, {name}",
                f"{report.model_calls} calls, {report.model_prompt_tokens:,} prompt tokens, {seconds:.0f} s wall",
            )
        )
    rows.append(
        (
            "written down minute by minute",
            f"{pieces} pieces read in {by_minute.model_calls} calls, {by_minute.model_prompt_tokens:,} prompt tokens",
        )
    )
    base = _p(alone.seconds, 50)
    rows.append(("capture tick, nothing else", f"p50 {base * 1000:.0f} ms, p95 {_p(alone.seconds, 95) * 1000:.0f} ms"))
    for background, name in ((True, "background model pass"), (False, "model pass on the model's threads")):
        ticks = drained[background][2]
        rows.append(
            (
                f"capture tick during the {name}",
                f"p50 {_p(ticks, 50) * 1000:.0f} ms ({_p(ticks, 50) / base:.1f}x), "
                f"p95 {_p(ticks, 95) * 1000:.0f} ms, {len(ticks)} ticks",
            )
        )
    _print(rows)


if __name__ == "__main__":
    main()
