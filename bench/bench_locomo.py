"""LoCoMo evidence recall@5/10/25 on the dev split: full text only vs hybrid (BM25 + MiniLM vectors), over
the raw turns, and hybrid again after consolidation (what `assistant eval locomo` reports by default).

    .venv/bin/python bench/bench_locomo.py [--data FILE] [--embedder PATH.gguf] [--threads N] [--out DIR]

Without --embedder the packaged all-MiniLM-L6-v2 is converted into a temporary directory first; if that
is impossible (package or llama-cpp missing) only the full-text row is produced, and the output says so.
Writes locomo.md and locomo.json into --out (default bench/results). The dev split only: the other five
conversations are a held-out test set and are never read here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.errors import ModelError
from assistant.eval.locomo import CATEGORY_NAMES, LocomoReport, evaluate_locomo

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "locomo" / "locomo-dev.json"


def load_embedder(path: Path | None, threads: int | None, tmp: Path) -> Any:
    from assistant.llm.convert_bert import prepare_default_embedding_model
    from assistant.llm.embedder import LlamaEmbedder

    return LlamaEmbedder(path or prepare_default_embedding_model(tmp), n_threads=threads)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--embedder", type=Path, help="GGUF embedding model (default: the packaged MiniLM)")
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads (1 is best on a busy machine)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"no LoCoMo file at {args.data}: pass --data")
    os.environ.setdefault("ASSISTANT_TESTING", "1")  # cheap key derivation for the throwaway stores

    def progress(done: int, total: int) -> None:
        print(f"\r  {done}/{total} questions", end="", file=sys.stderr, flush=True)

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
