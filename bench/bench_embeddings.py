"""Embedding throughput of LlamaEmbedder: batch size and flash attention, on this machine's CPU.

    .venv/bin/python bench/bench_embeddings.py [--model PATH.gguf] [--threads N] [--rounds N]

Without --model, the packaged all-MiniLM-L6-v2 is converted into a temporary directory first.
Prints a markdown table: short sentences (~12 tokens) and 256-token passages per second, of wall
time and of this process's CPU time (the steadier figure on a busy machine), and the latency of
embedding one sentence alone.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from assistant.llm.convert_bert import DEFAULT_EMBEDDING_FILE, prepare_default_embedding_model
from assistant.llm.embedder import LlamaEmbedder

WORDS = (
    "meeting budget alice invoice train station coffee parked level spot elevator notes project deadline "
    "review email call tomorrow morning report slides dentist appointment birthday gift groceries milk "
    "bread password router screenshot terminal error deploy server dashboard weekend hiking trail lake"
).split()


def short_sentences(n: int, rng: random.Random) -> list[str]:
    return [" ".join(rng.choices(WORDS, k=rng.randint(7, 12))).capitalize() + "." for _ in range(n)]


def passages(n: int, rng: random.Random) -> list[str]:
    # ~300 words: every passage fills the 256-token window exactly once cut.
    return [" ".join(rng.choices(WORDS, k=300)) for _ in range(n)]


def best_rates(run: Callable[[], object], n_items: int, rounds: int) -> tuple[float, float]:
    """Items per wall second and per CPU second, each from the fastest of `rounds` runs.

    On a shared machine wall time swings with other load; CPU time (of this process) much less,
    and with --threads 1 it is the work itself, so compare configurations on that column.
    """
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return n_items / min(wall), n_items / max(min(cpu), 1e-9)


def bench(model: Path, threads: int | None, rounds: int, shorts: Sequence[str], longs: Sequence[str]) -> list[str]:
    rows = []
    for n_batch in (256, 512):
        for flash in (False, True):
            with LlamaEmbedder(model, threads, n_batch=n_batch, flash_attn=flash) as emb:
                emb.embed(list(shorts[:32]))  # warm-up: first call allocates the compute graph
                short_wall, short_cpu = best_rates(partial(emb.embed, shorts), len(shorts), rounds)
                long_wall, long_cpu = best_rates(partial(emb.embed, longs), len(longs), rounds)
                single = statistics.median(best_rates(partial(emb.embed, [t]), 1, 1)[0] for t in shorts[:20])
                flash_used = "on" if emb.flash_attn else ("off" if not flash else "off (fell back)")
                rows.append(
                    f"| {n_batch} | {flash_used} | {short_wall:,.0f} | {short_cpu:,.0f} "
                    f"| {long_wall:,.1f} | {long_cpu:,.1f} | {1000 / single:.1f} |"
                )
            print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="GGUF embedding model (default: the packaged MiniLM)")
    parser.add_argument("--threads", type=int, default=None, help="threads (default: all cores)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--short", type=int, default=512, help="number of short sentences")
    parser.add_argument("--passages", type=int, default=48, help="number of 256-token passages")
    args = parser.parse_args()

    rng = random.Random(7)
    shorts, longs = short_sentences(args.short, rng), passages(args.passages, rng)
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model or prepare_default_embedding_model(Path(tmp))
        name = args.model.name if args.model else DEFAULT_EMBEDDING_FILE
        print(
            f"model {name}, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
            f"threads {args.threads or 'default'}, best of {args.rounds}\n"
        )
        header = [
            "| n_batch | flash_attn | short sentences/s | per CPU-s | 256-token passages/s | per CPU-s "
            "| one sentence, ms |",
            "| ---: | :---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        print("\n".join(header), flush=True)
        rows = bench(model, args.threads, args.rounds, shorts, longs)
    print("\n" + "\n".join(header + rows))


if __name__ == "__main__":
    main()
