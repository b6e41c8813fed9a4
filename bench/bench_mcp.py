"""What `assistant mcp` costs a client, against the same work without it, in the same run.

    ASSISTANT_TESTING=1 .venv/bin/python bench/bench_mcp.py [--events 5000] [--queries 40]

A fresh encrypted store gets --events synthetic chat messages (pseudo-words). Then, on the same store and
the same queries:
- start-up: spawning `assistant mcp` until its first search_memory result arrives, against one
  `assistant search --json` command (each of the two starts Python, opens the store, searches once);
- per query: a search_memory call through the official stdio client, against `Assistant.search` in
  this process (the baseline: the tool's work without the protocol, rendering and process hop).
ASSISTANT_TESTING=1 makes key derivation cheap (scrypt 2^12 instead of 2^17) in both arms alike.
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from assistant.api import Assistant
from assistant.values import RawEvent

PASSPHRASE = "bench passphrase"
ROOT = Path(__file__).resolve().parents[1]


def fill(data_dir: Path, events: int, rng: random.Random) -> list[str]:
    syllables = [a + b for a in "bcdfghklmnprstvz" for b in "aeiou"]
    words = sorted({"".join(rng.choices(syllables, k=3)) for _ in range(3000)})
    start = datetime(2024, 1, 1, tzinfo=UTC)
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    app.memories.add_events(
        [
            RawEvent(
                kind="chat",
                occurred_at=start + timedelta(minutes=i),
                speaker="me",
                session=f"s{i // 40}",
                text=" ".join(rng.choices(words, k=rng.randint(8, 30))),
            )
            for i in range(events)
        ]
    )
    app.close()
    return [" ".join(rng.sample(words, 2)) for _ in range(200)]


def env() -> dict[str, str]:
    return {**os.environ, "ASSISTANT_TESTING": "1", "ASSISTANT_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(ROOT)}


def cli_once(data_dir: Path, query: str) -> float:
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "assistant", "--data-dir", str(data_dir), "search", query, "--json"],
        check=True,
        capture_output=True,
        env=env(),
    )
    return time.perf_counter() - began


async def mcp_run(data_dir: Path, queries: list[str]) -> tuple[float, list[float]]:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "assistant", "--data-dir", str(data_dir), "mcp"], env=env(), cwd=ROOT
    )
    began = time.perf_counter()
    with open(os.devnull, "w") as err:
        async with stdio_client(params, errlog=err) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            await session.call_tool("search_memory", {"query": queries[0]})
            startup = time.perf_counter() - began
            times = []
            for query in queries:
                t0 = time.perf_counter()
                result = await session.call_tool("search_memory", {"query": query})
                assert not result.is_error
                times.append(time.perf_counter() - t0)
    return startup, times


def in_process(data_dir: Path, queries: list[str]) -> list[float]:
    app = Assistant(data_dir)
    app.unlock(PASSPHRASE, access="read")
    app.search.find(queries[0])
    times = []
    for query in queries:
        t0 = time.perf_counter()
        app.search.find(query)
        times.append(time.perf_counter() - t0)
    app.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--starts", type=int, default=3, help="start-ups of each kind (the median is kept)")
    args = parser.parse_args()
    os.environ["ASSISTANT_TESTING"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "store"
        queries = fill(data_dir, args.events, random.Random(7))[: args.queries]
        cli = statistics.median(cli_once(data_dir, queries[0]) for _ in range(args.starts))
        runs = [anyio.run(mcp_run, data_dir, queries) for _ in range(args.starts)]
        startup = statistics.median(r[0] for r in runs)
        tool = statistics.median(t for r in runs for t in r[1])
        direct = statistics.median(in_process(data_dir, queries))
    load = os.getloadavg()[0]
    print(f"{args.events} chat events, {args.queries} queries, {args.starts} runs each; load average {load:.1f}\n")
    print("| measure | assistant mcp | baseline (same run) | ratio |\n|---|---|---|---|")
    print(
        f"| spawn to first search result | {startup:.2f} s | `assistant search` command: {cli:.2f} s | "
        f"{startup / cli:.2f}x |"
    )
    print(
        f"| one search (median) | search_memory call: {tool * 1000:.1f} ms | `Assistant.search` in process: "
        f"{direct * 1000:.1f} ms | {tool / direct:.2f}x |"
    )


if __name__ == "__main__":
    main()
