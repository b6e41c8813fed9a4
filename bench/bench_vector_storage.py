"""How the embedded index stores vectors: recall@10 against exact search, size and (de)serialisation time
of usearch HNSW graphs in float32, float16 and int8 (and chroma-hnswlib float32, when installed).

    .venv/bin/python bench/bench_vector_storage.py [--n 20000] [--queries 300]

The synthetic set stands in for sentence embeddings: 384-d vectors with 48 latent dimensions plus noise
(real embeddings have a low intrinsic dimension; uniform random vectors would make every index look
bad), unit length; each query is a stored vector moved by noise. Exact neighbours come from a float32
matrix product. The index parameters are the embedded index's (assistant/retrieval/embedded_index.py).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from assistant.retrieval.embedded_index import CONNECTIVITY, EXPANSION_ADD, EXPANSION_SEARCH

DIM, LATENT = 384, 48


def data(n: int, queries: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    proj = rng.standard_normal((LATENT, DIM)).astype(np.float32)
    noise = rng.standard_normal((n, DIM)).astype(np.float32) * 2
    x = rng.standard_normal((n, LATENT)).astype(np.float32) @ proj + noise
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[rng.integers(0, n, queries)] + rng.standard_normal((queries, DIM)).astype(np.float32) * 0.3
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    truth = np.argsort(-(q @ x.T), axis=1)[:, :10]
    return x, q, truth


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f.tolist()) & set(t.tolist())) / 10 for f, t in zip(found, truth, strict=True)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    from usearch.index import Index

    x, q, truth = data(args.n, args.queries)
    keys = np.arange(args.n, dtype=np.uint64)
    rows = []
    for dtype in ("f32", "f16", "i8"):
        index = Index(
            ndim=DIM,
            metric="cos",
            dtype=dtype,
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
            expansion_search=EXPANSION_SEARCH,
            multi=False,
        )
        started = time.perf_counter()
        index.add(keys, x, threads=0)
        build = time.perf_counter() - started
        found = index.search(q, 10, threads=1).keys
        started = time.perf_counter()
        buf = index.save()
        save = time.perf_counter() - started
        started = time.perf_counter()
        Index.restore(buf, multi=False)
        load = time.perf_counter() - started
        rows.append((f"usearch {dtype}", recall(found, truth), len(buf) / 2**20, build, save, load))
    try:
        import hnswlib
    except ImportError:
        hnswlib = None
    if hnswlib is not None:
        h = hnswlib.Index(space="cosine", dim=DIM)
        h.init_index(max_elements=args.n, ef_construction=EXPANSION_ADD, M=CONNECTIVITY)
        started = time.perf_counter()
        h.add_items(x, keys.astype(np.int64))
        build = time.perf_counter() - started
        h.set_ef(EXPANSION_SEARCH)
        rows.append(
            (
                "chroma-hnswlib f32",
                recall(h.knn_query(q, k=10)[0], truth),
                float("nan"),
                build,
                float("nan"),
                float("nan"),
            )
        )
    base = rows[0][1]
    print(f"{args.n:,} vectors, {args.queries} queries; recall@10 against exact search (float32 brute force)")
    print("| storage | recall@10 | vs float32 | MB | build s | save s | restore s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r, mb, build, save, load in rows:
        change = 100 * (r - base) / base
        print(f"| {name} | {r:.4f} | {change:+.2f}% | {mb:.0f} | {build:.1f} | {save:.2f} | {load:.2f} |")


if __name__ == "__main__":
    main()
