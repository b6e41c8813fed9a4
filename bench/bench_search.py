"""Search latency against store size: full text, vectors and the fused hybrid search.

    .venv/bin/python bench/bench_search.py [--sizes 10000,100000,1000000] [--queries 200] [--out DIR]
                                           [--embedder PATH.gguf] [--threads N]

For each size, a fresh encrypted store gets that many synthetic memories (Zipf-distributed pseudo-words,
so full-text queries hit common and rare words as real text does) and a random 384-d unit vector each,
written to the store's embeddings table; the in-memory chroma index is then rebuilt from the store, as at
unlock (timed). Queries are 2-4 content words with a query vector near a stored one. Each query is timed
in parts (BM25 over memories and events, the vector query) and whole (Recall.search: BM25 + vectors,
fusion, recency, hydration into hits), as wall time and as this process's CPU time (the steadier figure
on a shared machine). Embedding the query with the real model is timed apart when --embedder is given.
Writes search.md (a markdown table), search.json and search.png (latency against size, drawn with
Pillow) into --out (default bench/results).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from assistant.api import Assistant
from assistant.models import EpisodicMemory, Memory, ProceduralMemory, SemanticMemory
from assistant.retrieval import fulltext
from assistant.retrieval.recall import Recall
from assistant.retrieval.vector_index import VectorIndex
from assistant.retrieval.vector_retriever import EmbeddingRetriever
from assistant.store import memories as memory_repo

DIM = 384
MODEL = "synthetic-384"
PASSPHRASE = "bench passphrase"
VOCAB = 30_000
PARTS = ("fts", "bm25", "vector", "hybrid", "hybrid_time", "hybrid_day")


def vocabulary(rng: random.Random) -> list[str]:
    syllables = [a + b for a in "bcdfghjklmnprstvz" for b in "aeiou"] + ["an", "el", "or", "ix", "um"]
    words: set[str] = set()
    while len(words) < VOCAB:
        words.add("".join(rng.choices(syllables, k=rng.randint(2, 4))))
    return sorted(words, key=lambda w: rng.random())


class Texts:
    """Zipf(1.07) word draws: the few hundred most common words act like stopwords, as in real text."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        weights = 1.0 / np.arange(1, VOCAB + 1) ** 1.07
        self.cdf = np.cumsum(weights / weights.sum())
        self.np_rng = np.random.default_rng(seed)

    def draw(self, n: int, skip_top: int = 0) -> list[str]:
        ranks = np.searchsorted(self.cdf, self.np_rng.random(n * 3))
        return [self.words[r] for r in ranks if r >= skip_top][:n]

    def sentence(self) -> str:
        return " ".join(self.draw(self.rng.randint(10, 30)))


def synthetic_memory(texts: Texts, n: int, t0: float) -> Memory:
    when = _dt(t0 - n * 60.0)  # one a minute, backwards from t0
    kind = n % 10
    if kind < 4:
        return SemanticMemory(name=" ".join(texts.draw(2)), summary=texts.sentence(), occurred_at=when)
    if kind < 9:
        return EpisodicMemory(actor="me", event_type="note", summary=texts.sentence(), occurred_at=when)
    return ProceduralMemory(entry_type="task", summary=texts.sentence(), steps=[texts.sentence()], occurred_at=when)


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def unit_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def build(app: Assistant, size: int, seed: int, log: Callable[[str], None]) -> tuple[Texts, np.ndarray, list[str]]:
    """`size` memories with vectors in the store; returns the text source, a sample of vectors and ids."""
    texts = Texts(seed)
    rng = np.random.default_rng(seed)
    t0 = time.time()
    sample_vectors: list[np.ndarray] = []
    batch = 10_000
    started = time.perf_counter()
    for start in range(0, size, batch):
        count = min(batch, size - start)
        vectors = unit_rows(rng, count)
        sample_vectors.append(vectors[:20])
        with app.store.db.write() as conn:
            for offset in range(count):
                memory = synthetic_memory(texts, start + offset, t0)
                memory_repo.insert(conn, memory)
                conn.execute("INSERT INTO embeddings (owner_id, owner_kind, model, vector) VALUES (?,?,?,?)",
                             (memory.id, "memory", MODEL, vectors[offset].tobytes()))
        if (start // batch) % 10 == 9:
            log(f"  {start + count:,} memories ({time.perf_counter() - started:.0f} s)")
    ids = [r[0] for r in app.store.db.reader().execute("SELECT id FROM memories ORDER BY random() LIMIT 20")]
    return texts, np.concatenate(sample_vectors), ids


class FixedEmbedder:
    """Stands in for the embedding model: each benchmark query maps to a prepared vector."""

    model_id = MODEL
    dim = DIM

    def __init__(self) -> None:
        self.vectors: dict[str, list[float]] = {}

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.vectors[t] for t in texts]


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_size(size: int, queries: int, seed: int, log: Callable[[str], None],
             store_dir: Path | None = None) -> dict[str, object]:
    keep = contextlib.nullcontext(str(store_dir / str(size))) if store_dir else None
    with keep or tempfile.TemporaryDirectory(prefix=f"bench-search-{size}-") as tmp:
        data, marker = Path(tmp) / "data", Path(tmp) / "built-seconds"
        if marker.exists():  # --store-dir: measure again on the store built by an earlier run
            app = Assistant(data)
            app.unlock(PASSPHRASE)
            build_s = float(marker.read_text())
        else:
            shutil.rmtree(data, ignore_errors=True)
            app = Assistant(data)
            app.init(PASSPHRASE)
            t = time.perf_counter()
            build(app, size, seed, log)
            build_s = time.perf_counter() - t
            marker.write_text(f"{build_s:.1f}")
        texts = Texts(seed)  # same vocabulary and word frequencies as the stored texts
        vectors = np.stack([np.frombuffer(r[0], dtype=np.float32) for r in app.store.db.reader().execute(
            "SELECT vector FROM embeddings WHERE rowid IN (SELECT abs(random()) % (SELECT max(rowid) FROM embeddings) "
            "+ 1 FROM embeddings LIMIT 200)")])
        log(f"  store ready ({build_s:.0f} s to build); rebuilding the vector index from it")
        index = VectorIndex(MODEL)
        t = time.perf_counter()
        loaded = index.sync_with_store(app.store.db.reader())
        rebuild_s = time.perf_counter() - t
        log(f"  index: {loaded:,} vectors in {rebuild_s:.0f} s")
        fixed = FixedEmbedder()
        recall = Recall(app.store.db, EmbeddingRetriever(fixed, index, app.store.db, cache_size=0))
        conn = app.store.db.reader()
        rng = np.random.default_rng(seed + 1)
        newest = time.time()
        window = (_dt(newest - size * 60 * 0.6), _dt(newest - size * 60 * 0.5))  # a tenth of the time span
        day = (_dt(newest - size * 60 * 0.5 - 86400), _dt(newest - size * 60 * 0.5))  # 1,440 memories
        full_text = Recall(app.store.db)

        def fts(q: str) -> object:
            return fulltext.search_memories(conn, q, types=None, since=None, until=None, limit=50)

        parts: dict[str, Callable[[str], object]] = {
            "fts": fts,
            "bm25": lambda q: full_text.search(q, limit=10, parse_time=False),
            "vector": lambda q: index.query(fixed.vectors[q], limit=50),
            "hybrid": lambda q: recall.search(q, limit=10, parse_time=False),
            "hybrid_time": lambda q: recall.search(q, limit=10, parse_time=False, since=window[0], until=window[1]),
            "hybrid_day": lambda q: recall.search(q, limit=10, parse_time=False, since=day[0], until=day[1]),
        }
        samples: dict[str, list[tuple[float, float]]] = {p: [] for p in PARTS}
        n_vectors = len(vectors)
        for part, fn in parts.items():
            # Fresh queries for each part, so no part runs on pages another part's same query decrypted.
            for i in range(queries + 10):
                q = " ".join(texts.draw(int(rng.integers(2, 5)), skip_top=50)) + f" q{part}{i}"
                near = vectors[i % n_vectors] + rng.standard_normal(DIM).astype(np.float32) * 0.05
                fixed.vectors[q] = (near / np.linalg.norm(near)).tolist()
                result = timed(lambda fn=fn, q=q: fn(q))  # type: ignore[misc]
                if i >= 10:  # the first queries warm caches
                    samples[part].append(result)
        index.close()
        app.close()
    out: dict[str, object] = {"size": size, "build_s": round(build_s, 1), "index_rebuild_s": round(rebuild_s, 1)}
    for part, values in samples.items():
        wall = [w for w, _ in values]
        cpu = [c for _, c in values]
        out[part] = {"p50": round(pct(wall, 0.5), 2), "p95": round(pct(wall, 0.95), 2),
                     "cpu_p50": round(pct(cpu, 0.5), 2), "cpu_p95": round(pct(cpu, 0.95), 2),
                     "mean": round(statistics.fmean(wall), 2)}
    return out


def query_embedding_latency(model: Path, threads: int | None) -> dict[str, float]:
    from assistant.retrieval.embedder import LlamaEmbedder

    rng = random.Random(3)
    words = "when did I last meet Dana about the budget report for the Lisbon trip and the new router".split()
    with LlamaEmbedder(model, n_threads=threads) as embedder:
        embedder.embed(["warm up"])
        wall = [timed(lambda: embedder.embed([" ".join(rng.sample(words, 6))]))[0] for _ in range(100)]
    return {"p50": round(pct(wall, 0.5), 2), "p95": round(pct(wall, 0.95), 2)}


def markdown(results: list[dict[str, object]], embed: dict[str, float] | None) -> str:
    lines = [
        f"Search latency, ms (wall; CPU of this process in brackets). {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; {DIM}-d vectors, chroma in memory, "
        "store encrypted (SQLCipher). fts = one FTS5 BM25 query over memories, all query words (today's "
        "Searcher); bm25 = Recall.search without vectors (common words pruned, hits loaded); vector = the "
        "chroma query alone; hybrid = Recall.search (BM25 memories + BM25 events + vectors, RRF, "
        "recency, hits); hybrid_time = the same with a time filter covering a tenth of the store; "
        "hybrid_day = with a one-day filter (1,440 memories: searched exactly from the store).",
        "",
        "| memories | part | p50 | p95 | build (s) | index rebuild from store (s) |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        for part in PARTS:
            m = r[part]
            assert isinstance(m, dict)
            extra = (f"{r['build_s']} | {r['index_rebuild_s']}" if part == PARTS[0] else " | ")
            lines.append(f"| {r['size']:,} | {part} | {m['p50']} ({m['cpu_p50']}) | {m['p95']} ({m['cpu_p95']}) | "
                         f"{extra} |")
    if embed:
        lines += ["", f"Embedding the query with the real model (not in the rows above): p50 {embed['p50']} ms, "
                      f"p95 {embed['p95']} ms."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated store sizes")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--embedder", type=Path, help="GGUF embedding model: also time embedding the query")
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads for --embedder")
    parser.add_argument("--store-dir", type=Path, help="keep the built stores here and reuse them on the next run")
    args = parser.parse_args()
    os.environ.setdefault("ASSISTANT_TESTING", "1")  # cheap key derivation: not what is measured

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    results = []
    for size in sizes:
        log(f"{size:,} memories")
        results.append(run_size(size, args.queries, args.seed, log, args.store_dir))
        log(json.dumps(results[-1]))
    embed = query_embedding_latency(args.embedder, args.threads) if args.embedder else None
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "search.json").write_text(json.dumps({"results": results, "query_embedding": embed}, indent=2))
    table = markdown(results, embed)
    (args.out / "search.md").write_text(table)
    from pngplot import line_plot  # beside this script

    series = {f"{part} p{q}": [(float(r["size"]), float(r[part][f"p{q}"])) for r in results]  # type: ignore[index]
              for part in ("fts", "bm25", "vector", "hybrid") for q in (50, 95)}
    line_plot(series, args.out / "search.png", title="Search latency vs store size (dashed: p95)",
              x_label="memories (log scale)", y_label="ms (log scale)", y_log=True)
    print(table)


if __name__ == "__main__":
    main()
