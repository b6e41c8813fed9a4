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

import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError
from assistant.eval.screen_set import Question, ScreenSet, load_screen_set, normalize
from assistant.eval.screens_capture import capture_all, load_cache, save_cache, screen_events, x_display
from assistant.eval.screens_report import QuestionResult, ScreensReport, build_report
from assistant.values import Progress, SearchHit

if TYPE_CHECKING:
    from assistant.api import Assistant

DEPTH = 10  # hits asked per question: found@5 and the rank of a near miss need more than k


def evaluate_screens(
    root: str | Path,
    *,
    k: int = 1,
    display: str | None = None,
    embedder: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
    capture_cache: Path | None = None,
    one_window: bool = False,
) -> ScreensReport:
    """Run the benchmark in `root`; `display` is an X display to show the screens on (None: a private
    Xvfb). `embedder`: prepare the bundled embedding model offline (hybrid search) when it is installed.
    `capture_cache`: reuse the store captured by an earlier run from there, or keep this run's capture
    there (see screens_capture.py). `one_window`: show every screen in one image viewer window, as a user
    paging through pictures would, so that no app or title tells the screens apart."""
    if k < 1:
        raise AssistantError("--k must be at least 1")
    bench = load_screen_set(root)
    from assistant.api import Assistant  # the facade imports retrieval: import it only when evaluating

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="screens-eval-") as tmp:
        data = Path(tmp) / "data"
        cached = load_cache(capture_cache, bench, data, one_window=one_window) if capture_cache is not None else None
        app = Assistant(data)
        t0 = time.perf_counter()
        if cached is None:
            passphrase = secrets.token_hex(16)
            app.init(passphrase)
            app.close()  # the capture writes through its own pipeline and clock, into the store itself
            with x_display(display, bench) as shown_on:
                storage = capture_all(
                    app.paths,
                    passphrase,
                    app.settings.current.capture,
                    bench,
                    shown_on,
                    _step(progress, "capture", len(bench.screens)),
                    one_window=one_window,
                )
            if capture_cache is not None:
                save_cache(capture_cache, bench, data, passphrase, storage, one_window=one_window)
        else:
            passphrase, storage = cached
        capture_s = time.perf_counter() - t0
        events = screen_events(app.paths, passphrase, bench)
        app.unlock(passphrase)
        try:
            search = _prepare_search(app) if embedder else "search: full text only — --no-embedder"
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
        reused_capture=cached is not None,
        one_window=one_window,
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


def _prepare_search(app: Assistant) -> str:
    """As `assistant init` does: the bundled embedder, prepared offline (hybrid search), or full text
    only and why ("search: hybrid (all-MiniLM-L6-v2)")."""
    line: str = app.models.prepare_search().line
    return line


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
