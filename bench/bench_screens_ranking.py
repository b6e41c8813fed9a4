"""Screen ranking tuned on one half of the screen benchmark and reported on the other (issue 15).

    .venv/bin/python bench/bench_screens_ranking.py [--screens DIR] [--capture-cache DIR] [--out DIR]

The screens (`assistant eval make-screens` writes them into --screens when it holds none) are shown on a
private Xvfb and captured through the real pipeline by `assistant eval screens`, once: its capture cache
keeps the store, which is consolidated here as that command does. Each question is searched once (hybrid,
the bundled all-MiniLM-L6-v2) and re-ranked per fusion setting, judged as `assistant eval screens`
judges: found@1 when the top hit is one of the screen's captures, or a memory made from one that holds
the answer. Each change (STEPS) is tuned on half A and scored on half B, then the other way round
(assistant/eval/rerank.py), next to the settings before issue 15 and the defaults. Writes
screens-ranking.md and .json into --out (default bench/results).

The CPU time of a whole search with the window list and without (median per question, in turns on the
same store) goes to stderr.

--vector-passages: also the defaults with each item's vector score taken from its best passage (overlapping
runs of PASSAGE_WORDS words, each embedded; the score of the best) instead of its one vector, which sees a
screen's first 256 tokens only; the vector lists are recomputed exactly over every item, as search's are.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.eval.rerank import Asked, Scores, ask, leave_one_out, mismatches
from assistant.eval.screen_set import ScreenSet, load_screen_set
from assistant.eval.screens import DEPTH, shows
from assistant.retrieval.ranking import FusionConfig
from assistant.values import SearchHit

# Each change of issue 15, in the order they were made; each is tuned on one half with the ones before it
# at their defaults, and scored on the other half. Then the settings that existed before, and everything.
STEPS: list[tuple[str, dict[str, list[Any]]]] = [
    ("screen captures before the memories made from them", {"source_first": [0.0, 0.5, 0.9, 0.99]}),
    ("word pairs in screen captures", {"phrase_weight": [0.0, 0.25, 0.5, 1.0]}),
    ("the nearest vectors of a large store", {"vector_share": [0.0, 0.01, 0.015, 0.02, 0.03]}),
    ("the best window of each screen capture", {"passage_weight": [0.0, 0.25, 0.5, 1.0, 2.0]}),
]
EXISTING: dict[str, list[Any]] = {
    "rrf_k": [3, 5, 8, 12],
    "vector_weight": [0.5, 0.7, 1.0, 1.3],
    "min_similarity": [0.25, 0.3, 0.35, 0.4],
}
BEFORE = FusionConfig(vector_share=0.0, phrase_weight=0.0, source_first=0.0, passage_weight=0.0)
BEFORE_WINDOWS = FusionConfig(passage_weight=0.0)
GATHER = dataclasses.replace(FusionConfig(), phrase_weight=1.0, source_first=0.99, passage_weight=1.0)


PASSAGE_WORDS = 180  # ~240 tokens of screen text, under the embedder's 256
PASSAGE_OVERLAP = 24


def collect(
    screens: Path, cache: Path, tmp: Path, *, passages: bool = False
) -> tuple[ScreenSet, list[Asked], list[Asked] | None]:
    """The benchmark, and each question searched once (grouped by half; its target: the screen's capture
    events and the answer), on the store `assistant eval screens --capture-cache` keeps, consolidated here."""
    from assistant.api import Assistant
    from assistant.eval.locomo import recall_for
    from assistant.eval.screengen.build import make_screens
    from assistant.eval.screens import evaluate_screens
    from assistant.eval.screens_capture import load_cache, screen_events
    from assistant.llm.embedder import LlamaEmbedder
    from assistant.store import opened

    if not (screens / "screens.json").exists():
        make_screens(screens)
    bench = load_screen_set(screens)
    if not (cache / "capture.json").exists():  # the real run captures once and keeps the store
        print(evaluate_screens(screens, capture_cache=cache).overall, file=sys.stderr)
    loaded = load_cache(cache, bench, tmp / "data")
    assert loaded is not None
    passphrase = loaded[0]
    app = Assistant(tmp / "data")
    events = screen_events(app.paths, passphrase, bench)
    app.unlock(passphrase)
    try:  # as `assistant eval screens` does after capturing
        print(app.models.prepare_search().line, file=sys.stderr)
        app.consolidation.run()
        model = app.models.active("embedding")
    finally:
        app.close()
    embedder = LlamaEmbedder(model.path, n_threads=1) if model is not None else None
    store = opened.open_existing(app.paths, passphrase)
    try:
        recall, index = recall_for(store.db, embedder, GATHER)
        try:
            asked = [
                ask(
                    recall,
                    q.half,
                    q.question,
                    now=bench.now,
                    limit=DEPTH,
                    target=({e.id for e in events[q.screen]}, q.answer),
                )
                for q in bench.questions
            ]
            cost = search_cost(recall, [q.question for q in bench.questions], bench.now)
            print(
                f"CPU per search, median of {len(bench.questions)} questions: "
                + ", ".join(f"{label} {ms:.2f} ms" for label, ms in cost.items()),
                file=sys.stderr,
            )
            by_passage = None
            if passages and embedder is not None:
                texts = [recall.read(q.question, now=bench.now).search_text for q in bench.questions]
                by_passage = best_passage_lists(asked, texts, recall, embedder)
            return bench, asked, by_passage
        finally:
            if index is not None:
                index.close()
    finally:
        store.close()
        if embedder is not None:
            embedder.close()


def search_cost(recall: Any, questions: list[str], now: Any, repeat: int = 5) -> dict[str, float]:
    """The median CPU time of a whole search (`Recall.search`, 10 hits) with the window list and without,
    timed in turns on the same store, each question searched once before (so neither pays for
    embedding it)."""
    import statistics

    configs = {"with the window list": FusionConfig(), "without": BEFORE_WINDOWS}
    times: dict[str, list[float]] = {label: [] for label in configs}
    for question in questions:
        recall.search(question, now=now, limit=10)  # untimed: the question's vector is cached after it
        for label, config in configs.items():
            recall.config = config
            start = time.process_time()
            for _ in range(repeat):
                recall.search(question, now=now, limit=10)
            times[label].append((time.process_time() - start) / repeat * 1000)
    recall.config = GATHER
    return {label: statistics.median(values) for label, values in times.items()}


def _passages(text: str) -> list[str]:
    words = text.split()
    step = PASSAGE_WORDS - PASSAGE_OVERLAP
    return [" ".join(words[i : i + PASSAGE_WORDS]) for i in range(0, max(len(words) - PASSAGE_OVERLAP, 1), step)]


def best_passage_lists(asked: list[Asked], questions: list[str], recall: Any, embedder: Any) -> list[Asked]:
    """The questions again, their vector lists over every item scored by its best passage."""
    import numpy as np

    from assistant.retrieval.indexer import memory_embed_text
    from assistant.retrieval.search import load_hits
    from assistant.store import events as event_repo
    from assistant.store import memories as memory_repo

    conn = recall.db.reader()
    items: dict[str, tuple[str, float, str]] = {}  # id -> (kind, time, text embedded)
    for ev in event_repo.list_events(conn, limit=1_000_000):
        items[ev.id] = (ev.kind, ev.occurred_at.timestamp(), ev.display_text())
    for m in memory_repo.list_memories(conn, limit=1_000_000):
        fields = {k: v for k, v in vars(m).items() if isinstance(v, str)}
        when = (m.occurred_at or m.created_at).timestamp()
        items[m.id] = (m.type, when, memory_embed_text(m.type, fields, m.search_text()))
    owners = [(i, p) for i, (_, _, text) in items.items() if text.strip() for p in _passages(text)]
    matrix = np.asarray(embedder.embed([p for _, p in owners]), dtype=np.float32)
    scores = np.asarray(embedder.embed(questions), dtype=np.float32) @ matrix.T
    hits = {h.id: h for h in load_hits(conn, [(i, 0.0) for i in items])}
    out: list[Asked] = []
    for n, a in enumerate(asked):
        if isinstance(a.found, list):
            out.append(a)
            continue
        best: dict[str, float] = {}
        for (owner, _), score in zip(owners, scores[n], strict=True):
            best[owner] = max(best.get(owner, -1.0), float(score))
        ranked = sorted(best.items(), key=lambda x: -x[1])[: a.found.depth]
        lists = [
            dataclasses.replace(x, ranked=ranked) if x.source == "vector" and x.scope == "all" else x
            for x in a.found.lists
        ]
        info = {**{i: (items[i][0], items[i][1]) for i, _ in ranked}, **a.found.info}
        out.append(dataclasses.replace(a, found=dataclasses.replace(a.found, lists=lists, info=info), hits=hits))
    return out


def found_at(k: int) -> Any:
    def metric(asked: Asked, hits: list[SearchHit]) -> float:
        ids, answer = asked.target
        return 1.0 if any(shows(h, ids, answer) for h in hits[:k]) else 0.0

    return metric


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--screens", type=Path, default=Path(tempfile.gettempdir()) / "assistant-screens")
    parser.add_argument(
        "--capture-cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "assistant-screens-capture",
        help="the store as captured (`assistant eval screens --capture-cache`); captured here when missing",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--vector-passages", action="store_true", help="also score items by their best passage")
    args = parser.parse_args()
    os.environ.setdefault("ASSISTANT_TESTING", "1")  # cheap key derivation for the throwaway store
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-screens-") as tmp:
        bench, asked, by_passage = collect(args.screens, args.capture_cache, Path(tmp), passages=args.vector_passages)
    off = mismatches(asked, GATHER)
    scores, at5 = Scores(asked, found_at(1)), Scores(asked, found_at(5))
    halves = scores.groups
    lines = [
        f"Screen benchmark ({len(bench.screens)} screens, {len(asked)} questions), hybrid, found@1 (found@5) per "
        f"half. Re-ranking reproduces the real search for {len(asked) - off} of {len(asked)} questions.",
        "",
        "| settings | " + " | ".join(f"half {h}" for h in halves) + " | all |",
        "|---|" + "---:|" * (len(halves) + 1),
    ]

    def row(label: str, config: FusionConfig) -> str:
        cells = [f"{scores.mean(config, [h]):.2f} ({at5.mean(config, [h]):.2f})" for h in halves]
        return f"| {label} | " + " | ".join(cells) + f" | {scores.mean(config, halves):.2f} |"

    lines += [row("before issue 15's ranking changes", BEFORE), row("the defaults now", FusionConfig())]
    if by_passage is not None:
        passage_scores, passage_at5 = Scores(by_passage, found_at(1)), Scores(by_passage, found_at(5))
        for label, config in (("the defaults", FusionConfig()), ("without the window list", BEFORE_WINDOWS)):
            cells = [f"{passage_scores.mean(config, [h]):.2f} ({passage_at5.mean(config, [h]):.2f})" for h in halves]
            lines.append(
                f"| {label}, vectors by best passage | "
                + " | ".join(cells)
                + f" | {passage_scores.mean(config, halves):.2f} |"
            )
        lines.append(row("the defaults without the window list", BEFORE_WINDOWS))
    lines += [
        "",
        "Tuned on one half, scored on the other (found@1):",
        "",
        "| change | " + " | ".join(f"half {h} (tuned on the other; before)" for h in halves) + " | chosen |",
        "|---|" + "---:|" * len(halves) + "---|",
    ]
    base = BEFORE
    everything = {name: values for _, space in STEPS for name, values in space.items()}
    result: dict[str, Any] = {"mismatches": off}
    now = FusionConfig()
    for label, space in [
        *STEPS,
        ("settings that existed before", EXISTING),
        ("all of them", {**EXISTING, **everything}),
    ]:
        start = base if label != "all of them" else BEFORE
        folds = leave_one_out(scores, space, start)
        cells = [f"{f.test:.2f} ({f.test_base:.2f})" for f in folds]
        chosen = "; ".join(f"without {f.held_out}: {f.changed or '-'}" for f in folds)
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {chosen} |")
        result[label] = [dataclasses.asdict(f) for f in folds]
        base = dataclasses.replace(base, **{name: getattr(now, name) for name in space})
    lines.append(f"\n{scores.tried} settings scored; {time.perf_counter() - started:.0f} s in all.")
    text = "\n".join(lines) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "screens-ranking.md").write_text(text)
    (args.out / "screens-ranking.json").write_text(json.dumps(result, indent=2, default=str))
    print(text)


if __name__ == "__main__":
    main()
