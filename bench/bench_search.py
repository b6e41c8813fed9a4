"""Search latency against store size: full text, vectors and the fused hybrid search.

    .venv/bin/python bench/bench_search.py [--sizes 10000,100000,1000000] [--queries 200] [--out DIR]
                                           [--store-dir DIR] [--add EARLIER/search.json ...]
                                           [--embedder PATH.gguf] [--threads N] [--screen-share F]
                                           [--settings-cost]

For each size, a fresh encrypted store gets that many synthetic memories (Zipf-distributed pseudo-words,
so full-text queries hit common and rare words as real text does) and a random 384-d unit vector each,
written to the store's embeddings table; with --screen-share F that share of the items are screen
captures (ten lines of such text under a title) instead, so that the screen-only lists (word pairs,
best windows) have work to do; --settings-cost also times hybrid search with each of issue 15's fusion
settings turned off alone, in shuffled order per query (what each one costs).
Timed: rebuilding the in-memory chroma index from the store
(`index_rebuild_s`, the unlock of the former default; only up to --baseline-max), filling the embedded
index from the store (`embedded_fill_s`: what a missing or damaged snapshot costs), writing its
encrypted snapshot (`snapshot_s`), and `unlock_s`: the store closed, then opened again with its
snapshot until a vector query sees every vector. The queries run on the embedded index. Queries
are 2-4 content words with a query vector near a stored one. Each query is timed
in parts (BM25 over memories and events, the vector query) and whole (Recall.search: BM25 + vectors,
fusion, recency, hydration into hits), as wall time and as this process's CPU time (the steadier figure
on a shared machine). Each hybrid part has a `_before` twin, fusion as before issue 15, timed in turns
with it on the same store: the baseline of the same run. Embedding the query with the real model is
timed apart when --embedder is given.
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
import resource
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
from assistant.retrieval.embedded_index import EmbeddedIndex
from assistant.retrieval.ranking import FusionConfig
from assistant.retrieval.recall import Recall
from assistant.retrieval.vector_index import VectorIndex
from assistant.retrieval.vector_retriever import EmbeddingRetriever
from assistant.store import events as event_repo
from assistant.store import fulltext
from assistant.store import memories as memory_repo
from assistant.store.vectors import stored_count
from assistant.values import EpisodicMemory, Memory, ProceduralMemory, RawEvent, SemanticMemory

DIM = 384
MODEL = "synthetic-384"
PASSPHRASE = "bench passphrase"
VOCAB = 30_000
PARTS = (
    "fts",
    "bm25",
    "vector",
    "hybrid",
    "hybrid_before",
    "hybrid_time",
    "hybrid_time_before",
    "hybrid_day",
    "hybrid_day_before",
)
# Fusion as it was before issue 15 (no vector share, word pairs, screen windows, or screen-capture order): the *_before
# parts run it on the same store, interleaved with their twins, as the baseline of the same run.
BEFORE = FusionConfig(vector_share=0.0, phrase_weight=0.0, source_first=0.0, passage_weight=0.0)


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

    def sentences(self, count: int) -> list[str]:
        """`count` sentences of 10-30 words, drawn in one go (per-sentence draws cost 0.1 ms each)."""
        lengths = self.np_rng.integers(10, 31, count)
        words = np.asarray(self.words, dtype=object)[np.searchsorted(self.cdf, self.np_rng.random(lengths.sum()))]
        ends = np.cumsum(lengths)
        return [" ".join(words[end - n : end]) for n, end in zip(lengths.tolist(), ends.tolist(), strict=True)]


def synthetic_memories(texts: Texts, first: int, count: int, t0: float) -> list[Memory]:
    """Memories number `first`.. : one a minute backwards from t0; 40% semantic, 50% episodic, 10% procedural."""
    said = iter(texts.sentences(count + count // 10 + 1))
    out: list[Memory] = []
    for n in range(first, first + count):
        when = _dt(t0 - n * 60.0)
        kind = n % 10
        if kind < 4:
            out.append(SemanticMemory(name=" ".join(texts.draw(2)), summary=next(said), occurred_at=when))
        elif kind < 9:
            out.append(EpisodicMemory(actor="me", event_type="note", summary=next(said), occurred_at=when))
        else:
            out.append(ProceduralMemory(entry_type="task", summary=next(said), steps=[next(said)], occurred_at=when))
    return out


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def unit_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return np.asarray(v / np.linalg.norm(v, axis=1, keepdims=True))


# Rows per write transaction: each commit syncs the WAL, so fewer, larger ones load faster.
BUILD_BATCH = 50_000
# The writer's page cache during the load (KiB). With SQLite's default 2 MB, each insert into the two
# random-key indexes (memories.id, embeddings.owner_id) misses the cache once they outgrow it, and every
# miss decrypts a page and every eviction re-encrypts one: the 1M build took 1,163 s that way.
BUILD_CACHE_KIB = 512 * 1024


def synthetic_screens(texts: Texts, numbers: list[int], t0: float) -> list[RawEvent]:
    """Screen captures at the places of memories `numbers`: ten lines of 10-30 words under a title."""
    said = iter(texts.sentences(10 * len(numbers)))
    return [
        RawEvent(
            kind="screen",
            occurred_at=_dt(t0 - n * 60.0),
            app="firefox",
            title=" ".join(texts.draw(3)),
            text="\n".join(next(said) for _ in range(10)),
        )
        for n in numbers
    ]


def build(app: Assistant, size: int, seed: int, log: Callable[[str], None], screen_share: float = 0.0) -> None:
    """`size` items with a vector each, written through the store's write lane and repositories: memories,
    and with `screen_share` that share of screen captures in their place (every item n with n % 100 below
    share x 100)."""
    texts = Texts(seed)
    rng = np.random.default_rng(seed)
    t0 = time.time()
    started = time.perf_counter()
    with app._core.store.db.write() as conn:
        before = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
    try:
        for start in range(0, size, BUILD_BATCH):
            count = min(BUILD_BATCH, size - start)
            screens = [n for n in range(start, start + count) if n % 100 < screen_share * 100]
            taken = set(screens)
            memories = [
                m
                for n, m in zip(range(start, start + count), synthetic_memories(texts, start, count, t0), strict=True)
                if n not in taken
            ]
            events = synthetic_screens(texts, screens, t0)
            owners = [(m.id, "memory") for m in memories] + [(e.id, "event") for e in events]
            vectors = unit_rows(rng, len(owners))
            with app._core.store.db.write() as conn:
                for memory in memories:
                    memory_repo.insert(conn, memory)
                event_repo.add_events(conn, [(e, None) for e in events])
                conn.executemany(
                    "INSERT INTO embeddings (owner_id, owner_kind, model, vector) VALUES (?,?,?,?)",
                    [(i, kind, MODEL, v.tobytes()) for (i, kind), v in zip(owners, vectors, strict=True)],
                )
            log(f"  {start + count:,} items ({len(events)} screens; {time.perf_counter() - started:.0f} s)")
    finally:
        with app._core.store.db.write() as conn:
            conn.execute(f"PRAGMA cache_size = {int(before)}")


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


def rss_mb() -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) // 1024 for line in fh if line.startswith("VmRSS:"))


def chroma_rebuild(app: Assistant, log: Callable[[str], None]) -> dict[str, object]:
    """The former default: the in-memory chroma index refilled from the store at every unlock."""
    index = VectorIndex(MODEL)
    started, started_cpu = time.perf_counter(), time.process_time()
    tenth: list[float] = []  # when a tenth of the vectors (the latest) could be searched

    def progress(done: int, expected: int) -> None:
        if not tenth and done and done >= expected / 10:
            tenth.append(time.perf_counter() - started)

    loaded = index.sync_with_store(app._core.store.db.reader(), progress=progress)
    out = {
        "index_rebuild_s": round(time.perf_counter() - started, 1),
        "index_rebuild_cpu_s": round(time.process_time() - started_cpu, 1),
        "index_tenth_s": round(tenth[0], 1) if tenth else None,
        "rebuild_load": os.getloadavg()[0],
    }
    log(
        f"  chroma index: {loaded:,} vectors in {out['index_rebuild_s']:.0f} s "
        f"(the latest tenth searchable after {out['index_tenth_s']} s)"
    )
    index.close()
    return out


def embedded_snapshot(app: Assistant, log: Callable[[str], None]) -> dict[str, object]:
    """Fill the embedded index from the store (no snapshot), then write its encrypted snapshot."""
    app.paths.vector_snapshot.unlink(missing_ok=True)
    index = EmbeddedIndex(MODEL, snapshot=app.paths.vector_snapshot, data_key=app._core.store.data_key)
    started, started_cpu = time.perf_counter(), time.process_time()
    loaded = index.sync_with_store(app._core.store.db.reader())
    index.snapshot(wait=True)  # the fill's own background snapshot: waited for, then timed alone
    fill = round(time.perf_counter() - started, 1), round(time.process_time() - started_cpu, 1)
    index.changes = 1
    started = time.perf_counter()
    index.close()  # writes the snapshot, as at lock
    out = {
        "embedded_fill_s": fill[0],
        "embedded_fill_cpu_s": fill[1],
        "fill_load": os.getloadavg()[0],
        "snapshot_s": round(time.perf_counter() - started, 1),
        "snapshot_mb": round(app.paths.vector_snapshot.stat().st_size / 2**20),
    }
    log(
        f"  embedded index: {loaded:,} vectors in {fill[0]:.0f} s; snapshot {out['snapshot_mb']} MB "
        f"in {out['snapshot_s']} s"
    )
    return out


def unlock_with_snapshot(data: Path, log: Callable[[str], None]) -> tuple[Assistant, EmbeddedIndex, dict[str, object]]:
    """Open the closed store and its snapshot until a vector query sees every stored vector."""
    started, started_cpu = time.perf_counter(), time.process_time()
    app = Assistant(data)
    app.unlock(PASSPHRASE)
    index = EmbeddedIndex(MODEL, snapshot=app.paths.vector_snapshot, data_key=app._core.store.data_key)
    from_store = index.sync_with_store(app._core.store.db.reader())
    probe = index.query(np.ones(DIM, dtype=np.float32) / np.sqrt(DIM), limit=1)
    elapsed = time.perf_counter() - started, time.process_time() - started_cpu
    expected = stored_count(app._core.store.db.reader(), MODEL)  # the check, not timed
    out = {
        "unlock_s": round(elapsed[0], 1),
        "unlock_cpu_s": round(elapsed[1], 1),
        "unlock_load": os.getloadavg()[0],
        "unlock_from_store": from_store,
        "rss_after_unlock_mb": rss_mb(),
    }
    assert probe and index.count() == expected and index.snapshot_state == "loaded", (index.count(), expected)
    log(f"  unlock with the snapshot: {out['unlock_s']} s ({index.count():,} vectors, {from_store} from the store)")
    return app, index, out


def run_size(
    size: int,
    queries: int,
    seed: int,
    log: Callable[[str], None],
    store_dir: Path | None = None,
    baseline_max: int = 100_000,
    screen_share: float = 0.0,
    settings_cost: bool = False,
) -> dict[str, object]:
    name = f"{size}-screens{screen_share:g}" if screen_share else str(size)
    keep = contextlib.nullcontext(str(store_dir / name)) if store_dir else None
    with keep or tempfile.TemporaryDirectory(prefix=f"bench-search-{size}-") as tmp:
        data, marker = Path(tmp) / "data", Path(tmp) / "built.json"
        if marker.exists():  # --store-dir: measure again on the store built by an earlier run
            app = Assistant(data)
            app.unlock(PASSPHRASE)
            built = json.loads(marker.read_text())
        else:
            shutil.rmtree(data, ignore_errors=True)
            app = Assistant(data)
            app.init(PASSPHRASE)
            started, started_cpu = time.perf_counter(), time.process_time()
            build(app, size, seed, log, screen_share)
            built = {
                "build_s": round(time.perf_counter() - started, 1),
                "build_cpu_s": round(time.process_time() - started_cpu, 1),
                "build_load": os.getloadavg()[0],
            }
            marker.write_text(json.dumps(built))
        texts = Texts(seed)  # same vocabulary and word frequencies as the stored texts
        vectors = np.stack(
            [
                np.frombuffer(r[0], dtype=np.float32)
                for r in app._core.store.db.reader().execute(
                    "SELECT vector FROM embeddings WHERE rowid IN "
                    "(SELECT abs(random()) % (SELECT max(rowid) FROM embeddings) + 1 FROM embeddings LIMIT 200)"
                )
            ]
        )
        log(f"  store ready ({built['build_s']:.0f} s to build)")
        rebuild: dict[str, object] = chroma_rebuild(app, log) if size <= baseline_max else {"index_rebuild_s": None}
        rebuild |= embedded_snapshot(app, log)
        app.close()
        app, index, unlocked = unlock_with_snapshot(data, log)
        rebuild |= unlocked
        fixed = FixedEmbedder()
        recall = Recall(app._core.store.db, EmbeddingRetriever(fixed, index, app._core.store.db, cache_size=0))
        conn = app._core.store.db.reader()
        rng = np.random.default_rng(seed + 1)
        newest = time.time()
        window = (_dt(newest - size * 60 * 0.6), _dt(newest - size * 60 * 0.5))  # a tenth of the time span
        day = (_dt(newest - size * 60 * 0.5 - 86400), _dt(newest - size * 60 * 0.5))  # 1,440 memories
        full_text = Recall(app._core.store.db)
        before = Recall(
            app._core.store.db, EmbeddingRetriever(fixed, index, app._core.store.db, cache_size=0), config=BEFORE
        )

        def fts(q: str) -> object:
            return fulltext.search_memories(conn, q, types=None, since=None, until=None, limit=50)

        parts: dict[str, Callable[[str], object]] = {
            "fts": fts,
            "bm25": lambda q: full_text.search(q, limit=10, parse_time=False),
            "vector": lambda q: index.query(fixed.vectors[q], limit=50),
            "hybrid": lambda q: recall.search(q, limit=10, parse_time=False),
            "hybrid_before": lambda q: before.search(q, limit=10, parse_time=False),
            "hybrid_time": lambda q: recall.search(q, limit=10, parse_time=False, since=window[0], until=window[1]),
            "hybrid_time_before": lambda q: before.search(
                q, limit=10, parse_time=False, since=window[0], until=window[1]
            ),
            "hybrid_day": lambda q: recall.search(q, limit=10, parse_time=False, since=day[0], until=day[1]),
            "hybrid_day_before": lambda q: before.search(q, limit=10, parse_time=False, since=day[0], until=day[1]),
        }
        samples: dict[str, list[tuple[float, float]]] = {p: [] for p in PARTS}
        n_vectors = len(vectors)
        for part in (p for p in parts if not p.endswith("_before")):
            # Fresh queries for each part, so no part runs on pages another part's same query decrypted. A
            # part with a "_before" twin (fusion before issue 15) takes turns with it, query by query and
            # in alternating order, so that a busy machine slows both alike.
            twin = [part, f"{part}_before"] if f"{part}_before" in parts else [part]
            for i in range(queries + 10):
                for name in twin if i % 2 else twin[::-1]:
                    q = " ".join(texts.draw(int(rng.integers(2, 5)), skip_top=50)) + f" q{name}{i}"
                    near = vectors[i % n_vectors] + rng.standard_normal(DIM).astype(np.float32) * 0.05
                    fixed.vectors[q] = (near / np.linalg.norm(near)).tolist()
                    result = timed(lambda fn=parts[name], q=q: fn(q))  # type: ignore[misc]
                    if i >= 10:  # the first queries warm caches
                        samples[name].append(result)
        query_load = os.getloadavg()[0]
        costs = issue15_costs(app, index, fixed, texts, vectors, queries, rng) if settings_cost else None
        index.close()
        app.close()
    out: dict[str, object] = {
        "size": size,
        "screen_share": screen_share,
        **built,
        **rebuild,
        "query_load": query_load,
        **({"issue15_setting_saves_ms": costs} if costs is not None else {}),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    for part, values in samples.items():
        wall = [w for w, _ in values]
        cpu = [c for _, c in values]
        out[part] = {
            "p50": round(pct(wall, 0.5), 2),
            "p95": round(pct(wall, 0.95), 2),
            "cpu_p50": round(pct(cpu, 0.5), 2),
            "cpu_p95": round(pct(cpu, 0.95), 2),
            "mean": round(statistics.fmean(wall), 2),
        }
    return out


# Issue 15's fusion settings, each turned off alone (--settings-cost): what a hybrid search saves.
ISSUE15_OFF = {
    "vector_share": FusionConfig(vector_share=0.0),
    "phrase_weight": FusionConfig(phrase_weight=0.0),
    "passage_weight": FusionConfig(passage_weight=0.0),
    "source_first": FusionConfig(source_first=0.0),
}


def issue15_costs(
    app: Assistant,
    index: EmbeddedIndex,
    fixed: FixedEmbedder,
    texts: Texts,
    vectors: np.ndarray,
    queries: int,
    rng: np.random.Generator,
) -> dict[str, float]:
    """Wall ms a hybrid search saves with each of issue 15's settings off (the median over queries of the
    difference to the defaults for that same query): every
    query runs under each configuration, in an order shuffled per query (so no configuration always
    reads pages the others decrypted)."""
    db = app._core.store.db
    configs = {"defaults": FusionConfig(), **ISSUE15_OFF}
    recalls = {
        name: Recall(db, EmbeddingRetriever(fixed, index, db, cache_size=0), config=c) for name, c in configs.items()
    }
    times: dict[str, list[float]] = {name: [] for name in configs}
    order = random.Random(int(rng.integers(1 << 30)))
    for i in range(queries + 10):
        q = " ".join(texts.draw(int(rng.integers(2, 5)), skip_top=50)) + f" cost{i}"
        near = vectors[i % len(vectors)] + rng.standard_normal(DIM).astype(np.float32) * 0.05
        fixed.vectors[q] = (near / np.linalg.norm(near)).tolist()
        names = list(configs)
        order.shuffle(names)
        for name in names:
            wall, _ = timed(lambda name=name, q=q: recalls[name].search(q, limit=10, parse_time=False))  # type: ignore[misc]
            if i >= 10:
                times[name].append(wall)
    # The median of each query's own difference: queries differ far more from each other than the settings.
    return {
        name: round(statistics.median(d - o for d, o in zip(times["defaults"], times[name], strict=True)), 3)
        for name in ISSUE15_OFF
    }


def query_embedding_latency(model: Path, threads: int | None) -> dict[str, float]:
    from assistant.llm.embedder import LlamaEmbedder

    rng = random.Random(3)
    words = "when did I last meet Dana about the budget report for the Lisbon trip and the new router".split()
    with LlamaEmbedder(model, n_threads=threads) as embedder:
        embedder.embed(["warm up"])
        wall = [timed(lambda: embedder.embed([" ".join(rng.sample(words, 6))]))[0] for _ in range(100)]
    return {"p50": round(pct(wall, 0.5), 2), "p95": round(pct(wall, 0.95), 2)}


def _load(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else "n/a"  # n/a: a reused store built without it


def markdown(results: list[dict[str, object]], embed: dict[str, float] | None) -> str:
    lines = [
        f"Search latency, ms (wall; CPU of this process in brackets). {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; {DIM}-d vectors, the embedded index "
        "(usearch HNSW, float16, restored from its encrypted snapshot), "
        "store encrypted (SQLCipher). fts = one FTS5 BM25 query over memories, all query words "
        "(store.fulltext.search_memories); bm25 = Recall.search without vectors (common words pruned, "
        "hits loaded); vector = the embedded index's query alone; hybrid = Recall.search (BM25 memories + BM25 "
        "events + vectors, RRF, "
        "recency, hits); *_before = the same with fusion as before issue 15 (the baseline, interleaved "
        "with its twin query by query); hybrid_time = the same with a time filter covering a tenth of the store; "
        "hybrid_day = with a one-day filter (1,440 memories: searched exactly from the store).",
        "",
        "| memories | part | p50 | p95 |",
        "|---:|---|---:|---:|",
    ]
    for r in results:
        for part in PARTS:
            m = r[part]
            assert isinstance(m, dict)
            lines.append(f"| {r['size']:,} | {part} | {m['p50']} ({m['cpu_p50']}) | {m['p95']} ({m['cpu_p95']}) |")
    lines += [
        "",
        "Building the store (memories and vectors written through the store's write lane); index_rebuild = "
        "the former default's unlock, the in-memory chroma index refilled from the store; embedded fill = the "
        "embedded index filled from the store (a missing or damaged snapshot); snapshot = writing its encrypted "
        "snapshot; unlock = store closed, then opened with its snapshot until a vector query sees every vector. "
        "Wall s (CPU s of this process, all threads); RSS after unlock and peak RSS of the benchmark process "
        "so far; 1-minute load average at the end of the build, the chroma rebuild, the fill, the unlock and "
        "the queries.",
        "",
        "| memories | build | index rebuild | embedded fill | snapshot (MB) | **unlock** | unlock / rebuild "
        "| RSS after unlock / peak (MB) | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        rebuild = r.get("index_rebuild_s")
        ratio = f"{100 * float(r['unlock_s']) / float(rebuild):.1f}%" if rebuild else "n/a"  # type: ignore[arg-type]
        chroma = f"{rebuild} ({r.get('index_rebuild_cpu_s')})" if rebuild else "not run"
        loads = ("build_load", "rebuild_load", "fill_load", "unlock_load", "query_load")
        lines.append(
            f"| {r['size']:,} | {r['build_s']} ({r['build_cpu_s']}) | {chroma} | {r.get('embedded_fill_s')} "
            f"({r.get('embedded_fill_cpu_s')}) | {r.get('snapshot_s')} ({r.get('snapshot_mb')}) | "
            f"**{r.get('unlock_s')}** ({r.get('unlock_cpu_s')}) | {ratio} | {r.get('rss_after_unlock_mb')} / "
            f"{r['peak_rss_mb']:,} | {' / '.join(_load(r.get(k)) for k in loads)} |"
        )
    if embed:
        lines += [
            "",
            f"Embedding the query with the real model (not in the rows above): p50 {embed['p50']} ms, "
            f"p95 {embed['p95']} ms.",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated store sizes")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--embedder", type=Path, help="GGUF embedding model: also time embedding the query")
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads for --embedder")
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=100_000,
        help="largest size at which the chroma rebuild baseline is timed (23+ min at 1M)",
    )
    parser.add_argument(
        "--unlock-only",
        action="store_true",
        help="with --store-dir: only time unlock_s on the stores (and snapshots) an earlier run kept",
    )
    parser.add_argument("--store-dir", type=Path, help="keep the built stores here and reuse them on the next run")
    parser.add_argument(
        "--settings-cost",
        action="store_true",
        help="also time hybrid search with each of issue 15's fusion settings off (issue15_setting_saves_ms)",
    )
    parser.add_argument(
        "--screen-share",
        type=float,
        default=0.0,
        help="this share of the items are screen captures (ten lines of text each) instead of memories",
    )
    parser.add_argument(
        "--add",
        type=Path,
        nargs="*",
        default=[],
        help="search.json files of earlier runs (other sizes) to report and plot with this one",
    )
    args = parser.parse_args()
    os.environ.setdefault("ASSISTANT_TESTING", "1")  # cheap key derivation: not what is measured

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.unlock_only:
        for size in sizes:
            app, index, out = unlock_with_snapshot(args.store_dir / str(size) / "data", log)
            index.close()
            app.close()
            print(json.dumps({"size": size, **out}))
        return
    results: list[dict[str, object]] = []
    for earlier in args.add:
        results += json.loads(earlier.read_text())["results"]
    for size in sizes:
        log(f"{size:,} memories")
        results.append(
            run_size(
                size,
                args.queries,
                args.seed,
                log,
                args.store_dir,
                args.baseline_max,
                args.screen_share,
                args.settings_cost,
            )
        )
        log(json.dumps(results[-1]))
    results.sort(key=lambda r: int(r["size"]))  # type: ignore[call-overload]
    embed = query_embedding_latency(args.embedder, args.threads) if args.embedder else None
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "search.json").write_text(json.dumps({"results": results, "query_embedding": embed}, indent=2))
    table = markdown(results, embed)
    (args.out / "search.md").write_text(table)
    from pngplot import line_plot  # beside this script

    series = {
        f"{part} p{q}": [(float(r["size"]), float(r[part][f"p{q}"])) for r in results]  # type: ignore[arg-type,index]
        for part in ("fts", "bm25", "vector", "hybrid", "hybrid_time")
        for q in (50, 95)
    }
    line_plot(
        series,
        args.out / "search.png",
        title="Search latency vs store size (dashed: p95)",
        x_label="memories (log scale)",
        y_label="ms (log scale)",
        y_log=True,
    )
    print(table)


if __name__ == "__main__":
    main()
