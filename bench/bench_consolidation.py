"""Ingest + consolidation of one LoCoMo conversation (deterministic pass, the model pass on a sample),
and the model pass's cost per captured hour on a fictional stretch of desktop work (bench/workday.py).

    python bench/bench_consolidation.py [--dataset PATH] [--model-batches 2] [--batch-events 20]
    python bench/bench_consolidation.py --workday [--windows 48]

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
from typing import Any

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
    ap.add_argument("--workday", action="store_true", help="the model pass on a captured stretch of desktop work")
    ap.add_argument("--windows", type=int, default=48)
    ap.add_argument(
        "--prompt-only",
        action="store_true",
        help="with --workday: stop each call after one generated token (prompt tokens and cache reuse are the "
        "same as in a full run; generation is not measured)",
    )
    args = ap.parse_args()
    if args.workday:
        _print(_workday(args.windows, prompt_only=args.prompt_only))
        return
    sample = json.loads(args.dataset.read_text(encoding="utf-8"))[0]
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.json"
        one.write_text(json.dumps([sample]), encoding="utf-8")
        app = Assistant(Path(tmp) / "data")
        app.init("bench passphrase")
        t0 = time.perf_counter()
        imported = app.memories.import_file(one, "locomo")
        t_import = time.perf_counter() - t0
        raw_bytes = sum(len(e.text.encode()) for e in _events(app))
        t0 = time.perf_counter()
        report = app.consolidation.run()
        t_det = time.perf_counter() - t0
        memories = app.memories.latest(limit=100_000)
        per_type = ", ".join(f"{k} {v}" for k, v in sorted(app.status().memories.items()))
        mem_bytes = sum(len(m.search_text().encode()) for m in memories)
        app._core.store.db.checkpoint()
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
    _print(rows + model_rows)


def _print(rows: list[tuple[str, str]]) -> None:
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


# Per token, a 1.5B model costs about its size ratio to the 270M one on the same CPU (both are memory-
# and compute-bound alike here); a projection, not a measurement.
PROJECTED_PARAMS = 1.5e9 / 0.27e9


class _PromptOnly:
    """The model, but every JSON answer stops after one token (and so fails as cut off)."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def generate_json(self, prompt: str, schema: Any, *, max_tokens: int = 512) -> dict[str, Any]:
        return dict(self._model.generate_json(prompt, schema, max_tokens=1))


def _workday(windows: int, *, prompt_only: bool = False) -> list[tuple[str, str]]:
    """The model pass over `windows` captured windows with the bundled model, scaled to a captured hour."""
    from workday import session  # beside this script

    from assistant.consolidation.engine import batches
    from assistant.consolidation.model_pass import Extraction

    events = session(windows)
    captured = (events[-1].occurred_at - events[0].occurred_at).total_seconds() + 3.0
    with tempfile.TemporaryDirectory() as tmp:
        app = Assistant(Path(tmp) / "data")
        app.init("bench passphrase")
        app.models.install_test_model()
        model = app.models.chat_model()
        assert model is not None
        total = Extraction()
        t0 = time.perf_counter()
        for batch in batches(events, 200, 3000):
            found = ModelExtractor(_PromptOnly(model) if prompt_only else model).extract(batch)
            for name in ("calls", "episodes", "skipped", "dropped_lines", "prompt_tokens", "generated_tokens"):
                setattr(total, name, getattr(total, name) + getattr(found, name))
            total.seconds += found.seconds
        wall = time.perf_counter() - t0
        # What the pass before this one read: every batch's whole log (cut at the context), once for a
        # meta call and again for each memory type it chose: at least twice.
        old = sum(2 * min(model.count_tokens(_old_log(b)), model.n_ctx - 1300) for b in batches(events, 200, 3000))
        app.close()
    per_hour = 3600 / captured
    return [
        ("captured", f"{windows} windows, {len(events)} frames, {captured:.0f} s of work"),
        ("model calls", f"{total.calls} over {total.episodes} episodes ({total.skipped} skipped: nothing new)"),
        (
            "prompt tokens evaluated",
            f"{total.prompt_tokens} (the previous pass: at least {old}, {old / max(total.prompt_tokens, 1):.1f}x)",
        ),
        ("lines over an episode's budget", f"{total.dropped_lines} (counted, reported by consolidate)"),
        ("generated tokens", f"{total.generated_tokens}"),
        ("model seconds", f"{total.seconds:.1f} s ({wall:.1f} s wall)"),
        (
            "per captured hour (gemma 270M)",
            f"{total.prompt_tokens * per_hour:,.0f} prompt + {total.generated_tokens * per_hour:,.0f} generated "
            f"tokens, {total.seconds * per_hour / 60:.1f} min of model time",
        ),
        (
            "per captured hour, 1.5B projected",
            f"{total.seconds * per_hour * PROJECTED_PARAMS / 60:.0f} min of model time",
        ),
    ]


def _old_log(events: list[RawEvent]) -> str:
    return "\n".join(f"[{e.occurred_at:%Y-%m-%d %H:%M}] {e.display_text()}".replace("\n", " ")[:600] for e in events)


def _events(app: Assistant) -> list[RawEvent]:
    from assistant.store.events import list_events

    return list_events(app._core.store.db.reader())


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
