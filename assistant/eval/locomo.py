"""Evidence recall@k on LoCoMo: does search bring back the dialog turns a question's answer rests on?

Each conversation goes into a fresh temporary store through the real import path; then, for every
question, the hits are expanded in rank order to their source refs (dialog ids like "D1:3"), de-duplicated,
cut to the first k refs, and recall = |evidence ∩ refs| / |evidence|. Questions without evidence are
skipped; malformed evidence ids ("D", "D:11:26") simply never match. Categories 1-4 (multi-hop, temporal,
open-domain, single-hop) make the overall score; 5 (adversarial, unanswerable) is reported apart.
The model-generated digests (observation, summaries) are never used.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.errors import ImportFormatError
from assistant.llm.embedder import Embedder
from assistant.retrieval.ranking import FusionConfig
from assistant.retrieval.recall import Recall
from assistant.store import events as event_repo
from assistant.store import memories as memory_repo
from assistant.store import opened
from assistant.store.db import Database
from assistant.values import Progress, SearchHit, utcnow

CATEGORY_NAMES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}
SCORED = (1, 2, 3, 4)
REPORT_KS = (5, 10, 25)


@dataclass
class QuestionResult:
    conversation: str
    category: int
    question: str
    answer: str
    evidence: list[str]
    refs: list[str]  # the first max(k) refs retrieved, in rank order
    recall: dict[int, float]  # k -> recall@k


@dataclass
class LocomoReport:
    k: int
    ks: list[int]
    retrieval: str  # "bm25" or "hybrid (<embedding model>)"
    conversations: list[str]
    overall: dict[int, float]  # categories 1-4, mean over questions, per k
    per_category: dict[int, dict[int, float]]
    counts: dict[int, int]  # questions scored per category
    skipped: int  # questions without evidence
    seconds: float
    memories: int = 0  # typed memories consolidation made (0: the raw turns alone were searched)
    questions: list[QuestionResult] = field(default_factory=list, repr=False)

    def as_dict(self, *, with_questions: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not with_questions:
            data.pop("questions")
        return data


def refs_at_k(hits: Sequence[SearchHit], k: int) -> list[str]:
    """The first k distinct source refs of the hits, in rank order."""
    refs: list[str] = []
    seen: set[str] = set()
    for hit in hits:
        for source in hit.sources:
            if source.ref not in seen:
                seen.add(source.ref)
                refs.append(source.ref)
                if len(refs) == k:
                    return refs
    return refs


def evidence_recall(evidence: Sequence[str], refs: Sequence[str]) -> float:
    wanted = set(evidence)
    return len(wanted & set(refs)) / len(wanted) if wanted else 0.0


def load_samples(path: Path) -> list[dict[str, Any]]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImportFormatError(f"cannot read the LoCoMo file {path}: {exc}") from None
    samples = doc if isinstance(doc, list) else [doc]
    if not all(isinstance(s, dict) and isinstance(s.get("qa"), list) for s in samples):
        raise ImportFormatError(f"{path}: not a LoCoMo file (each sample needs 'conversation' and 'qa')")
    return samples


def evaluate_locomo(
    path: str | Path,
    *,
    k: int = 10,
    embedder: Embedder | None = None,
    consolidate: Callable[[Any], object] | None = None,
    progress: Progress | None = None,
    conversations: Sequence[str] | None = None,
    config: FusionConfig | None = None,
) -> LocomoReport:
    """Evidence recall@k (and @5/@10/@25) over the file's conversations (or the named ones).

    `consolidate(assistant)` runs after each import, so consolidated memories can be evaluated too;
    `progress(done, total)` counts questions.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    samples = load_samples(Path(path))
    if conversations is not None:
        samples = [s for s in samples if s.get("sample_id") in set(conversations)]
    ks = sorted({*REPORT_KS, k})
    total = sum(len(s["qa"]) for s in samples)
    started = time.perf_counter()
    results: list[QuestionResult] = []
    done = memories = 0
    for sample in samples:
        found, made = _evaluate_sample(sample, ks, embedder, consolidate, config)
        results += found
        memories += made
        done += len(sample["qa"])
        if progress is not None:
            progress(done, total)
    return _report(
        results,
        k,
        ks,
        embedder,
        [str(s.get("sample_id")) for s in samples],
        skipped=total - len(results),
        seconds=time.perf_counter() - started,
        memories=memories,
    )


def _evaluate_sample(
    sample: dict[str, Any],
    ks: list[int],
    embedder: Embedder | None,
    consolidate: Callable[[Any], object] | None,
    config: FusionConfig | None,
) -> tuple[list[QuestionResult], int]:
    """The sample's question results and how many memories consolidation made."""
    name = str(sample.get("sample_id") or "sample")
    with sample_store(sample, embedder, consolidate, config) as (recall, now, memories):
        return _questions(recall, sample, name, ks, now), memories


@contextmanager
def sample_store(
    sample: dict[str, Any],
    embedder: Embedder | None,
    consolidate: Callable[[Any], object] | None,
    config: FusionConfig | None,
) -> Iterator[tuple[Recall, datetime, int]]:
    """A fresh temporary store holding the sample's conversation, imported through the real path (and
    consolidated): its recall, the moment its questions are asked, and how many memories it holds."""
    from assistant.api import Assistant  # the facade imports retrieval: import it only when evaluating

    name = str(sample.get("sample_id") or "sample")
    with tempfile.TemporaryDirectory(prefix="locomo-") as tmp:
        single = Path(tmp) / f"{name}.json"
        single.write_text(json.dumps([sample]), encoding="utf-8")
        app = Assistant(Path(tmp) / "data")
        passphrase = secrets.token_hex(16)
        app.init(passphrase)
        try:  # in through the facade, as a user's import and consolidation go
            app.memories.import_file(single, "locomo")
            if consolidate is not None:
                consolidate(app)
        finally:
            app.close()
        store = opened.open_existing(app.paths, passphrase)  # then ranked here, with the recall under test
        try:
            memories = memory_repo.count_all(store.db.reader())
            recall, index = _recall_for(store.db, embedder, config)
            try:
                # The questions are asked after the conversation: relative phrases count from its end.
                now = (event_repo.latest_time(store.db.reader()) or utcnow()) + timedelta(days=1)
                yield recall, now, memories
            finally:
                if index is not None:
                    index.close()
        finally:
            store.close()


def _recall_for(db: Database, embedder: Embedder | None, config: FusionConfig | None) -> tuple[Recall, Any]:
    """Recall over the store, hybrid when there is an embedder (with its in-memory index)."""
    if embedder is None:
        return Recall(db, config=config), None
    from assistant.retrieval.indexer import Indexer
    from assistant.retrieval.vector_index import VectorIndex
    from assistant.retrieval.vector_retriever import EmbeddingRetriever

    index = VectorIndex(embedder.model_id, mode="memory")
    Indexer(db, embedder, index, batch_size=128).run()
    return Recall(db, EmbeddingRetriever(embedder, index, db), config=config), index


def _questions(recall: Recall, sample: dict[str, Any], name: str, ks: list[int], now: datetime) -> list[QuestionResult]:
    out: list[QuestionResult] = []
    depth = max(ks)
    for qa in sample["qa"]:
        evidence = [str(e) for e in qa.get("evidence") or []]
        question = str(qa.get("question") or "")
        if not evidence or not question.strip():
            continue
        hits = recall.search(question, limit=search_limit(ks), now=now)
        refs = refs_at_k(hits, depth)
        out.append(
            QuestionResult(
                conversation=name,
                category=int(qa.get("category") or 0),
                question=question,
                answer=str(qa.get("answer", qa.get("adversarial_answer", ""))),
                evidence=evidence,
                refs=refs,
                recall={k: evidence_recall(evidence, refs[:k]) for k in ks},
            )
        )
    return out


def search_limit(ks: Sequence[int]) -> int:
    """Hits asked for: a memory hit may share refs with one above it, and each k needs k distinct refs."""
    return max(ks) * 2


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _report(
    results: list[QuestionResult],
    k: int,
    ks: list[int],
    embedder: Embedder | None,
    conversations: list[str],
    *,
    skipped: int,
    seconds: float,
    memories: int,
) -> LocomoReport:
    categories = sorted({r.category for r in results})
    per_category = {c: {kk: _mean([r.recall[kk] for r in results if r.category == c]) for kk in ks} for c in categories}
    scored = [r for r in results if r.category in SCORED]
    return LocomoReport(
        k=k,
        ks=ks,
        retrieval=f"hybrid ({embedder.model_id})" if embedder else "bm25",
        conversations=conversations,
        overall={kk: _mean([r.recall[kk] for r in scored]) for kk in ks},
        per_category=per_category,
        counts={c: sum(1 for r in results if r.category == c) for c in categories},
        skipped=skipped,
        seconds=seconds,
        memories=memories,
        questions=results,
    )


def format_report(report: LocomoReport) -> str:
    """A plain-text table: recall (%) per category and overall, at each k."""
    head = ["category", "questions", *[f"R@{kk}" for kk in report.ks]]
    rows: list[list[str]] = []
    for c in sorted(report.per_category):
        label = f"{c} {CATEGORY_NAMES.get(c, '?')}"
        cells = [f"{100 * report.per_category[c][kk]:.1f}" for kk in report.ks]
        rows.append([label, str(report.counts[c]), *cells])
    n_scored = sum(n for c, n in report.counts.items() if c in SCORED)
    rows.append(["overall (1-4)", str(n_scored), *[f"{100 * report.overall[kk]:.1f}" for kk in report.ks]])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        padded = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(padded)

    searched = f"{report.memories} consolidated memories and the raw turns" if report.memories else "the raw turns"
    out = [
        f"LoCoMo evidence recall, {report.retrieval}, {len(report.conversations)} conversation(s), "
        f"{report.seconds:.0f} s; searched {searched}",
        line(head),
        line(["-" * w for w in widths]),
    ]
    out += [line(r) for r in rows[:-1]] + [line(["-" * w for w in widths]), line(rows[-1])]
    out.append(
        f"recall@{report.k} (categories 1-4): {100 * report.overall[report.k]:.1f}%"
        + (f"; {report.skipped} question(s) without evidence skipped" if report.skipped else "")
    )
    return "\n".join(out)
