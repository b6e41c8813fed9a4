"""Chat-model latency: time to first token with a ~2.5k-token prompt prefix, cold vs warm, and decode speed.

    .venv/bin/python bench/bench_llm.py [--model PATH.gguf] [--threads N] [--ctx N] [--rounds N]

Without --model, the bundled gemma-3 270M test model is assembled into a temporary directory first.
"Warm" is the answering head's situation: the same prefix (instructions + retrieved memories) followed
by a new question. Target: warm time to first token < 5% of cold. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assistant.llm.manager import test_model_path
from assistant.llm.runtime import LlamaChatModel

TARGET = 0.05


def prefix_text(model: LlamaChatModel, n_tokens: int) -> str:
    """Memory-like notes, grown until they are about `n_tokens` long."""
    notes: list[str] = []
    i = 0
    while True:
        notes.append(
            f"[{i}] On day {i % 28 + 1} the review of project {i % 17} moved to room {i % 9}; "
            f"Alice sent the {i % 5 + 2}-page budget."
        )
        i += 1
        if i % 2 == 0 and model.count_tokens("\n".join(notes)) >= n_tokens:
            return "Notes:\n" + "\n".join(notes) + "\n"


def first_token_seconds(model: LlamaChatModel, prompt: str) -> float:
    start = time.perf_counter()
    for _ in model.stream(prompt, max_tokens=1):
        break
    return time.perf_counter() - start


def best(run: Callable[[], float], rounds: int) -> float:
    return min(run() for _ in range(rounds))


def decode_rate(model: LlamaChatModel, prompt: str, n: int) -> tuple[float, int]:
    """Tokens per second after the first token, and how many tokens were produced."""
    first = time.perf_counter()
    pieces = 0
    for _ in model.stream(prompt, max_tokens=n):
        pieces += 1
        if pieces == 1:
            first = time.perf_counter()
    elapsed = time.perf_counter() - first
    return ((pieces - 1) / elapsed if elapsed > 0 else 0.0), pieces


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--prefix-tokens", type=int, default=2500)
    ap.add_argument("--rounds", type=int, default=3, help="warm measurements: best of N")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.model or test_model_path(Path(tmp))
        size_mb = path.stat().st_size / 1e6
        t0 = time.perf_counter()
        model = LlamaChatModel(path, n_ctx=args.ctx, n_threads=args.threads)
        load_s = time.perf_counter() - t0
        prefix = prefix_text(model, args.prefix_tokens)
        questions = iter([f"\nQuestion: where did the review of project {k} move?\nAnswer:" for k in range(99)])
        n_prefix = model.count_tokens(prefix)

        cold = first_token_seconds(model, prefix + next(questions))
        in_place = best(lambda: first_token_seconds(model, prefix + next(questions)), args.rounds)
        t0 = time.perf_counter()
        model.prime(prefix)
        prime_s = time.perf_counter() - t0

        def after_eviction() -> float:
            model.generate("Unrelated: the weather today is", max_tokens=2)
            return first_token_seconds(model, prefix + next(questions))

        restored = best(after_eviction, args.rounds)
        stats = model.last_stats
        rate, produced = decode_rate(model, "Once upon a time, in a small village by the sea,", 128)
        model.close()

    name = path.name
    threads = args.threads or f"default (cpu_count={os.cpu_count()})"
    rows = [
        ("model", f"{name} ({size_mb:.0f} MB), load {load_s:.2f} s"),
        ("machine", f"{platform.processor() or platform.machine()}, threads {threads}, ctx {args.ctx}"),
        ("prefix", f"{n_prefix} tokens"),
        ("cold: time to first token (prefix + question)", f"{cold:.2f} s"),
        ("warm, prefix still in the KV cache", f"{in_place:.3f} s ({in_place / cold:.1%} of cold)"),
        (
            "warm, prefix restored from the primed state",
            f"{restored:.3f} s ({restored / cold:.1%} of cold)"
            + (f", {stats.evaluated_tokens} tokens decoded" if stats else ""),
        ),
        ("prime(prefix) with the prefix mostly cached", f"{prime_s:.2f} s"),
        ("generation", f"{rate:.1f} tokens/s ({produced} tokens)"),
        (f"target: warm < {TARGET:.0%} of cold", "PASS" if max(in_place, restored) < TARGET * cold else "FAIL"),
    ]
    print("| measurement | result |\n|---|---|")
    for key, value in rows:
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
