"""LoCoMo evidence recall@5/10/25 on the dev split: full text only vs hybrid (BM25 + MiniLM vectors), over
the raw turns, and hybrid again after consolidation (what `assistant eval locomo` reports by default).

    .venv/bin/python bench/bench_locomo.py [--data FILE] [--embedder PATH.gguf] [--threads N] [--out DIR]
    .venv/bin/python bench/bench_locomo.py --loo [...]

--loo: leave-one-conversation-out instead (hybrid after consolidation, the `eval locomo` default): for
each dev conversation, fusion settings are tuned on the other four and recall@10 is measured on it;
then the mean, next to the plain dev figure (all five). Each change (NEW_SPACE) and the settings that
existed before (EXISTING_SPACE) are judged so. Each question is searched once and re-ranked per setting
(assistant/eval/rerank.py). Writes locomo-loo.md/.json.

Without --embedder the packaged all-MiniLM-L6-v2 is converted into a temporary directory first; if that
is impossible (package or llama-cpp missing) only the full-text row is produced, and the output says so.
Writes locomo.md and locomo.json into --out (default bench/results). The dev split only: the other five
conversations are a held-out test set and are never read here.
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

from assistant.errors import ModelError
from assistant.eval.locomo import CATEGORY_NAMES, LocomoReport, evaluate_locomo
from assistant.retrieval.ranking import FusionConfig

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "locomo" / "locomo-dev.json"


def load_embedder(path: Path | None, threads: int | None, tmp: Path) -> Any:
    from assistant.llm.convert_bert import prepare_default_embedding_model
    from assistant.llm.embedder import LlamaEmbedder

    return LlamaEmbedder(path or prepare_default_embedding_model(tmp), n_threads=threads)


def progress(done: int, total: int) -> None:
    print(f"\r  {done}/{total} questions", end="", file=sys.stderr, flush=True)


def table(reports: list[LocomoReport]) -> str:
    ks = reports[0].ks
    head = "| retrieval | category | questions | " + " | ".join(f"R@{k}" for k in ks) + " |"
    lines = [head, "|---|---|---:|" + "---:|" * len(ks)]
    for r in reports:
        for c in sorted(r.per_category):
            cells = " | ".join(f"{100 * r.per_category[c][k]:.1f}" for k in ks)
            lines.append(f"| {r.retrieval} | {c} {CATEGORY_NAMES.get(c, '?')} | {r.counts[c]} | {cells} |")
        n = sum(v for c, v in r.counts.items() if c <= 4)
        cells = " | ".join(f"**{100 * r.overall[k]:.1f}**" for k in ks)
        lines.append(f"| {r.retrieval} | **overall 1-4** | {n} | {cells} |")
    return "\n".join(lines)


# What each fold tunes, by coordinate ascent on its four training conversations: each change of issue 15
# on its own (from the settings before it), the settings that existed before (from the defaults now),
# and everything (from the settings before). Word pairs and the order of screen captures and their
# memories are on by default too, but LoCoMo has no screen captures: they change nothing here.
EXISTING_SPACE: dict[str, list[Any]] = {
    "rrf_k": [3, 5, 8, 12],
    "vector_weight": [0.7, 1.0, 1.3],
    "neighbour_weights": [(0.5, 0.5), (0.25, 0.25), (0.5, 0.25), (0.75, 0.5), (0.5,)],
    "speaker_boost": [0.5, 1.0, 1.5],
    "window_weight": [0.5, 1.0, 1.5],
    "min_similarity": [0.25, 0.3, 0.35],
}
NEW_SPACE: dict[str, list[Any]] = {"vector_share": [0.0, 0.01, 0.015, 0.02, 0.03]}
# The settings before issue 15 (the baseline of every comparison) and what collecting must gather so
# that every setting tried can be re-ranked (lists and lookups whose weight is 0 are left out of fusion).
BEFORE = FusionConfig(vector_share=0.0, phrase_weight=0.0, source_first=0.0, passage_weight=0.0)
GATHER = dataclasses.replace(FusionConfig(), phrase_weight=1.0, source_first=0.99)


def loo(args: argparse.Namespace, embedder: Any) -> str:
    from assistant.eval.locomo import REPORT_KS
    from assistant.eval.locomo_loo import collect, recall_at
    from assistant.eval.rerank import Scores, leave_one_out, mismatches

    started = time.perf_counter()
    ks = sorted({*REPORT_KS, 10})
    asked = collect(
        args.data,
        ks=ks,
        embedder=embedder,
        consolidate=lambda app: app.consolidation.run(),
        config=GATHER,
        progress=progress,
    )
    off = mismatches(asked, GATHER)
    print(f"\n{len(asked)} questions searched in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    scores = Scores(asked, recall_at(10))
    now = FusionConfig()
    runs: list[tuple[str, dict[str, list[Any]], FusionConfig]] = [
        ("before issue 15, untuned", {}, BEFORE),
        ("the defaults now, untuned (chosen on all five: not a held-out figure)", {}, now),
        ("the nearest vectors of a large store (vector_share), tuned per fold", NEW_SPACE, BEFORE),
        ("the settings that existed before, tuned per fold from the defaults now", EXISTING_SPACE, now),
        ("everything, tuned per fold from the settings before", {**EXISTING_SPACE, **NEW_SPACE}, BEFORE),
    ]
    groups = scores.groups
    lines = [
        "LoCoMo dev split, hybrid after consolidation, recall@10 in %. Re-ranking reproduces the real search "
        f"for {len(asked) - off} of {len(asked)} questions. Plain dev figure (all five conversations, "
        f"{len(asked)} questions pooled): before **{100 * scores.mean(BEFORE, groups):.1f}**, "
        f"now **{100 * scores.mean(now, groups):.1f}**.",
        "",
        "| settings | " + " | ".join(groups) + " | leave-one-out mean |",
        "|---|" + "---:|" * (len(groups) + 1),
    ]
    result: dict[str, Any] = {"questions": len(asked), "mismatches": off, "loo": {}}
    chosen: list[str] = []
    for label, space, base in runs:
        print(f"tuning: {label}", file=sys.stderr)
        folds = leave_one_out(scores, space, base)
        mean = sum(f.test for f in folds) / len(folds)
        lines.append(f"| {label} | " + " | ".join(f"{100 * f.test:.1f}" for f in folds) + f" | **{100 * mean:.1f}** |")
        result["loo"][label] = {"mean": mean, "folds": [dataclasses.asdict(f) for f in folds]}
        if space:
            changes = [f"{f.held_out}: " + (", ".join(f"{k}={v}" for k, v in f.changed.items()) or "-") for f in folds]
            chosen.append(f"- {label}: " + "; ".join(changes))
    lines += ["", "Chosen per fold (what moved away from the starting settings):", *chosen, ""]
    lines.append(f"{scores.tried} settings scored; {time.perf_counter() - started:.0f} s in all.")
    text = "\n".join(lines) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "locomo-loo.md").write_text(text)
    (args.out / "locomo-loo.json").write_text(json.dumps(result, indent=2, default=str))
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--embedder", type=Path, help="GGUF embedding model (default: the packaged MiniLM)")
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads (1 is best on a busy machine)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--loo", action="store_true", help="leave-one-conversation-out tuning and recall")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"no LoCoMo file at {args.data}: pass --data")
    os.environ.setdefault("ASSISTANT_TESTING", "1")  # cheap key derivation for the throwaway stores
    if args.loo:
        with tempfile.TemporaryDirectory(prefix="bench-locomo-") as tmp:
            try:
                embedder = load_embedder(args.embedder, args.threads, Path(tmp))
            except ModelError as exc:
                sys.exit(f"leave-one-out needs the embedding model: {exc}")
            try:
                print(loo(args, embedder))
            finally:
                embedder.close()
        return

    reports: list[LocomoReport] = []
    notes: list[str] = []
    print("full text only", file=sys.stderr)
    reports.append(evaluate_locomo(args.data, k=10, progress=progress))
    with tempfile.TemporaryDirectory(prefix="bench-locomo-") as tmp:
        try:
            embedder = load_embedder(args.embedder, args.threads, Path(tmp))
        except ModelError as exc:
            notes.append(f"hybrid not run: {exc}")
        else:
            print("\nhybrid", file=sys.stderr)
            started = time.perf_counter()
            reports.append(evaluate_locomo(args.data, k=10, embedder=embedder, progress=progress))
            notes.append(f"hybrid run (indexing included) took {time.perf_counter() - started:.0f} s")
            print("\nhybrid after consolidation", file=sys.stderr)
            consolidated = evaluate_locomo(
                args.data, k=10, embedder=embedder, progress=progress, consolidate=lambda app: app.consolidation.run()
            )
            consolidated.retrieval += f", {consolidated.memories} consolidated memories"
            reports.append(consolidated)
            embedder.close()
    print(file=sys.stderr)
    text = (
        f"LoCoMo dev split ({', '.join(reports[0].conversations)}), evidence recall in %: hits expanded to "
        "their source turns in rank order, first k distinct turns.\n\n"
        + table(reports)
        + "\n\n"
        + "\n".join(f"- {n}" for n in notes)
        + "\n"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "locomo.md").write_text(text)
    (args.out / "locomo.json").write_text(json.dumps([r.as_dict() for r in reports], indent=2))
    print(text)


if __name__ == "__main__":
    main()
