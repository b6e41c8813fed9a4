"""`assistant eval screens DIR`: can the user find again what they saw?

Each screen of the benchmark is shown full screen on an X display (a private Xvfb unless one is given)
by a window of its own app name and title, and captured through the real pipeline (grab, window probe,
OCR, redaction, the frame writer) into a fresh encrypted temporary store, with the capture clock set
to the screen's `shown_at` so that time questions have real capture times to go by. The store is then
consolidated and every question goes through the facade's search, as of the benchmark's `now`.

A question is **found at rank r** when the r-th hit shows the right screen: it is one of that screen's
capture events, or it is a memory (an episode, a resource...) that lists one of those events among its
sources AND holds the answer in its own text. A memory that merely groups the screen with others,
without the answer, is not found: the user would see a title, not what they were looking for. It still
counts as `sourced`, the lenient measure reported beside it, so "an episode ranked above the event"
shows as sourced but not found.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError, CaptureUnavailable
from assistant.eval.screen_set import Question, ScreenSet, load_screen_set, normalize
from assistant.eval.screens_report import QuestionResult, ScreensReport, Storage, build_report
from assistant.values import Progress, SearchHit

if TYPE_CHECKING:
    from assistant.api import Assistant
    from assistant.config import CaptureSettings
    from assistant.paths import DataPaths
    from assistant.store.opened import OpenedStore

DEPTH = 10  # hits asked per question: found@5 and the rank of a near miss need more than k


def evaluate_screens(
    root: str | Path,
    *,
    k: int = 1,
    display: str | None = None,
    embedder: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> ScreensReport:
    """Run the benchmark in `root`; `display` is an X display to show the screens on (None: a private
    Xvfb). `embedder`: prepare the bundled embedding model offline (hybrid search) when it is installed."""
    if k < 1:
        raise AssistantError("--k must be at least 1")
    bench = load_screen_set(root)
    from assistant.api import Assistant  # the facade imports retrieval: import it only when evaluating

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="screens-eval-") as tmp, _x_display(display, bench) as shown_on:
        app = Assistant(Path(tmp) / "data")
        passphrase = secrets.token_hex(16)
        app.init(passphrase)
        try:
            search = _prepare_search(app) if embedder else "search: full text only — --no-embedder"
            app.close()  # the capture writes through its own pipeline and clock, into the store itself
            t0 = time.perf_counter()
            events, storage = _capture_all(
                app.paths,
                passphrase,
                app.settings.current.capture,
                bench,
                shown_on,
                _step(progress, "capture", len(bench.screens)),
            )
            capture_s = time.perf_counter() - t0
            app.unlock(passphrase)
            t0 = time.perf_counter()
            app.consolidation.run()
            vectors = app.search.index_pending()  # as `assistant consolidate` does: new memories and events get vectors
            consolidate_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            results = _ask(app, bench, events, _step(progress, "questions", len(bench.questions)))
            note = app.notes().search
            if "hybrid" in search and note:
                search = f"search: {note}"  # e.g. the model failed to load: full text only, and why
        finally:
            app.close()
    return build_report(
        bench,
        results,
        k=k,
        search=search,
        vectors=vectors,
        storage=storage,
        seconds={
            "capture": capture_s,
            "consolidate": consolidate_s,
            "questions": time.perf_counter() - t0,
            "total": time.perf_counter() - started,
        },
    )


def _step(progress: Callable[[str, int, int], None] | None, label: str, total: int) -> Progress:
    def show(done: int, _total: int) -> None:
        if progress is not None:
            progress(label, done, total)

    return show


@contextlib.contextmanager
def _x_display(display: str | None, bench: ScreenSet) -> Iterator[str]:
    """DISPLAY points at `display`, or at a private Xvfb of the benchmark's size, while the run lasts."""
    from assistant.eval.xserver import XvfbServer

    server = None
    if display is None:
        try:
            server = XvfbServer(bench.width, bench.height)
        except FileNotFoundError as exc:
            raise CaptureUnavailable(f"{exc}: install it (apt install xvfb) or give --display") from None
        display = server.display
    saved = {name: os.environ.get(name) for name in ("DISPLAY", "XDG_SESSION_TYPE", "WAYLAND_DISPLAY")}
    os.environ.update(DISPLAY=display, XDG_SESSION_TYPE="x11")
    os.environ.pop("WAYLAND_DISPLAY", None)
    try:
        yield display
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if server is not None:
            server.close()


def _prepare_search(app: Assistant) -> str:
    """As `assistant init` does: the bundled embedder, prepared offline (hybrid search), or full text
    only and why ("search: hybrid (all-MiniLM-L6-v2)")."""
    line: str = app.models.prepare_search().line
    return line


def _capture_all(
    paths: DataPaths,
    passphrase: str,
    settings: CaptureSettings,
    bench: ScreenSet,
    display: str,
    progress: Progress,
) -> tuple[dict[str, list[Any]], Storage]:
    """Show and capture every screen; its stored events by screen id, and what they cost on disk."""
    from assistant.capture.factory import build_pipeline
    from assistant.capture.writer import FrameWriter
    from assistant.eval.screen_window import ScreenWindow
    from assistant.store import events as event_repo
    from assistant.store import opened

    clock = [bench.screens[0].shown_at]

    def disk_full(message: str) -> None:
        raise AssistantError(message)

    store = opened.open_existing(paths, passphrase)
    try:
        writer = FrameWriter(store, thumbnail_budget_bytes=1 << 40, on_disk_full=disk_full, on_recovered=lambda: None)
        before = _bytes_on_disk(paths, store)
        pipeline = build_pipeline(settings, writer, clock=lambda: clock[0])
        if pipeline.ocr is None or not pipeline.ocr.available():
            pipeline.stop()
            raise CaptureUnavailable(
                "OCR unavailable: install tesseract-ocr (the benchmark reads every screen with it)"
            )
        try:
            with ScreenWindow(display) as window:
                for done, screen in enumerate(bench.screens, 1):
                    clock[0] = screen.shown_at
                    window.show(str(screen.image), screen.title, screen.wm_class)
                    pipeline.capture_once()
                    progress(done, len(bench.screens))
        finally:
            pipeline.stop()
        after = _bytes_on_disk(paths, store)
        stored = event_repo.list_events(store.db.reader(), kind="screen")
    finally:
        store.close()
    events: dict[str, list[Any]] = {s.id: [] for s in bench.screens}
    for ev in stored:
        for s in bench.screens:
            if abs(ev.occurred_at - s.shown_at) < timedelta(seconds=1):
                events[s.id].append(ev)
    n = max(len(bench.screens), 1)
    storage = Storage(
        text_bytes_per_screen=sum(len(ev.text.encode()) for ev in stored) / n,
        database_bytes_per_screen=(after[0] - before[0]) / n,
        thumbnail_bytes_per_screen=(after[1] - before[1]) / n,
        events=len(stored),
    )
    return events, storage


def _bytes_on_disk(paths: DataPaths, store: OpenedStore) -> tuple[int, int]:
    """(the database with its write-ahead log, the thumbnails), as `app.capture.storage_usage()` counts them."""
    files = [paths.database, Path(f"{paths.database}-wal")]
    return sum(f.stat().st_size for f in files if f.exists()), store.blobs.size()


def _ask(app: Assistant, bench: ScreenSet, events: dict[str, list[Any]], progress: Progress) -> list[QuestionResult]:
    owner = {ev.id: sid for sid, evs in events.items() for ev in evs}
    out = []
    for done, q in enumerate(bench.questions, 1):
        hits = app.search.find(q.question, limit=DEPTH, now=bench.now)
        out.append(_result(q, hits, events[q.screen], owner))
        progress(done, len(bench.questions))
    return out


def _sources(hit: SearchHit) -> set[str]:
    return {hit.id} | {s.event_id or s.ref for s in hit.sources}


def shows(hit: SearchHit, event_ids: set[str], answer: str) -> bool:
    """Does this hit show the right screen (see the module doc)?"""
    if hit.id in event_ids:
        return True
    return bool(_sources(hit) & event_ids) and normalize(answer) in normalize(hit.text)


def _result(q: Question, hits: list[SearchHit], screen_events: list[Any], owner: dict[str, str]) -> QuestionResult:
    ids = {ev.id for ev in screen_events}
    rank = next((i + 1 for i, h in enumerate(hits) if shows(h, ids, q.answer)), None)
    sourced = next((i + 1 for i, h in enumerate(hits) if _sources(h) & ids), None)
    top = hits[0] if hits else None
    top_screens = sorted({owner[x] for x in _sources(top) if x in owner}) if top else []
    return QuestionResult(
        id=q.id,
        kind=q.kind,
        half=q.half,
        question=q.question,
        answer=q.answer,
        screen=q.screen,
        rank=rank,
        sourced_rank=sourced,
        captured=bool(screen_events),
        answer_in_text=any(normalize(q.answer) in normalize(ev.text) for ev in screen_events),
        top_type=top.type if top else None,
        top_screens=top_screens,
        top_text=(top.text[:200] if top else ""),
    )
