"""Ingest + consolidation of one LoCoMo conversation: deterministic pass, and the model pass on a sample.

    python bench/bench_consolidation.py [--dataset PATH] [--model-batches 2] [--batch-events 20]

Prints a markdown table. The model pass is measured on a few batches only (grammar-constrained
sampling on the 270M test model runs at a few tokens/s) and extrapolated per batch.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("ASSISTANT_TESTING", "1")

from assistant.api import Assistant
from assistant.consolidation.model_pass import ModelExtractor
from assistant.values import RawEvent

DEFAULT_DATASET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "locomo" / "locomo-dev.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    ap.add_argument("--model-batches", type=int, default=2)
    ap.add_argument("--batch-events", type=int, default=20)
    args = ap.parse_args()
    sample = json.loads(args.dataset.read_text(encoding="utf-8"))[0]
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.json"
        one.write_text(json.dumps([sample]), encoding="utf-8")
        app = Assistant(Path(tmp) / "data")
        app.init("bench")
        t0 = time.perf_counter()
        imported = app.import_file(one, "locomo")
        t_import = time.perf_counter() - t0
        raw_bytes = sum(len(e.text.encode()) for e in _events(app))
        t0 = time.perf_counter()
        report = app.consolidate()
        t_det = time.perf_counter() - t0
        memories = app.list_memories(limit=100_000)
        per_type = ", ".join(f"{k} {v}" for k, v in sorted(app.status().memories.items()))
        mem_bytes = sum(len(m.search_text().encode()) for m in memories)
        app.store.db.checkpoint()
        db_bytes = app.paths.database.stat().st_size
        rows = [
            ("turns imported", f"{imported.added}"),
            ("import time", f"{t_import:.2f} s ({imported.added / t_import:.0f} turns/s)"),
            (
                "deterministic consolidation",
                f"{t_det:.2f} s ({report.events / t_det:.0f} events/s, {report.batches} batches)",
            ),
            ("memories", f"{len(memories)} ({per_type})"),
            (
                "memory text vs raw text",
                f"{mem_bytes / 1024:.0f} KiB vs {raw_bytes / 1024:.0f} KiB ({mem_bytes / raw_bytes:.2f}x)",
            ),
            ("database file", f"{db_bytes / 1024:.0f} KiB"),
        ]
        model_rows = _model_pass(app, args.model_batches, args.batch_events)
        app.close()
    print("| measure | value |\n|---|---|")
    for name, value in rows + model_rows:
        print(f"| {name} | {value} |")


def _events(app: Assistant) -> list[RawEvent]:
    from assistant.store.events import list_events

    return list_events(app.store.db.reader())


def _model_pass(app: Assistant, batches: int, per_batch: int) -> list[tuple[str, str]]:
    if batches <= 0:
        return []
    app.models.install_test_model()
    model = app.models.chat_model()
    assert model is not None
    extractor = ModelExtractor(model)
    events = _events(app)
    calls = found = 0
    t0 = time.perf_counter()
    for i in range(batches):
        result = extractor.extract(events[i * per_batch : (i + 1) * per_batch])
        calls += result.calls
        found += len(result.planned) + len(result.secrets)
    seconds = time.perf_counter() - t0
    return [
        (
            "model pass (gemma 270M base)",
            f"{batches} batches of {per_batch} events: {seconds:.0f} s ({seconds / batches:.0f} s per batch, "
            f"{seconds / max(calls, 1):.1f} s per call)",
        ),
        ("model calls per batch", f"{calls / batches:.1f}"),
        ("items extracted and grounded", f"{found}"),
    ]


if __name__ == "__main__":
    main()
