"""Scoring and printing `assistant eval screens`: found@1 / @5 / @k per question kind and per half,
what the screens cost to store, and why each miss missed."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.eval.screen_set import HALVES, KINDS, ScreenSet

REPORT_KS = (1, 5)


@dataclass
class QuestionResult:
    id: str
    kind: str
    half: str
    question: str
    answer: str
    screen: str
    rank: int | None  # of the first hit that shows the screen (see screens.py), None beyond the hits asked
    sourced_rank: int | None  # of the first hit with the screen among its sources, answer or not
    captured: bool  # the screen was stored at all
    answer_in_text: bool  # the answer is in the stored (OCR'd, redacted) text of the screen
    top_type: str | None
    top_screens: list[str]  # the screens the top hit comes from
    top_text: str

    @property
    def miss(self) -> str | None:
        """Why the question was not found at rank 1 (None when it was)."""
        if self.rank == 1:
            return None
        if not self.captured:
            return "screen not captured"
        if not self.answer_in_text:
            return "answer lost by OCR or redaction"
        if self.screen in self.top_screens:
            return "a memory of that screen without the answer ranked first"
        if self.top_type is None:
            return "no hit at all"
        return "another screen ranked first" if self.top_type == "screen" else "a memory of other screens ranked first"


@dataclass
class Storage:
    text_bytes_per_screen: float
    database_bytes_per_screen: float  # growth of memory.db and its WAL while capturing, per screen
    thumbnail_bytes_per_screen: float
    events: int
    redactions: int  # "[REDACTED:...]" in the stored texts and titles


@dataclass
class ScreensReport:
    k: int
    ks: list[int]
    search: str
    vectors: int  # memories and events embedded for search (0: full text only)
    reused_capture: bool  # the store came from the capture cache: no screen was shown or read this run
    one_window: bool  # every screen was shown in the same image viewer window (no app or title to go by)
    screens: int
    questions: int
    overall: dict[str, float]  # "found@1" -> share of questions
    per_kind: dict[str, dict[str, float]]
    per_half: dict[str, dict[str, float]]
    per_half_kind: dict[str, dict[str, dict[str, float]]]
    counts: dict[str, int]  # questions per kind
    sourced: dict[str, float]  # the lenient measure: the screen among the top hit's sources
    misses: dict[str, dict[str, int]]  # why, per kind, at rank 1
    storage: Storage
    seconds: dict[str, float]
    results: list[QuestionResult] = field(default_factory=list, repr=False)

    def as_dict(self, *, with_questions: bool = True) -> dict[str, Any]:
        data = asdict(self)
        data["results"] = [{**asdict(r), "miss": r.miss} for r in self.results] if with_questions else []
        return data


def _found(results: list[QuestionResult], ks: list[int]) -> dict[str, float]:
    n = len(results)
    return {f"found@{k}": (sum(1 for r in results if r.rank is not None and r.rank <= k) / n if n else 0.0) for k in ks}


def build_report(
    bench: ScreenSet,
    results: list[QuestionResult],
    *,
    k: int,
    search: str,
    vectors: int,
    reused_capture: bool,
    one_window: bool = False,
    storage: Storage,
    seconds: dict[str, float],
) -> ScreensReport:
    ks = sorted({*REPORT_KS, k})
    kinds = [kind for kind in KINDS if any(r.kind == kind for r in results)]
    misses: dict[str, dict[str, int]] = {}
    for r in results:
        if r.miss is not None:
            misses.setdefault(r.miss, Counter())[r.kind] += 1
    n = len(results)
    return ScreensReport(
        k=k,
        ks=ks,
        search=search,
        vectors=vectors,
        reused_capture=reused_capture,
        one_window=one_window,
        screens=len(bench.screens),
        questions=n,
        overall=_found(results, ks),
        per_kind={kind: _found([r for r in results if r.kind == kind], ks) for kind in kinds},
        per_half={h: _found([r for r in results if r.half == h], ks) for h in HALVES},
        per_half_kind={
            h: {kind: _found([r for r in results if r.half == h and r.kind == kind], ks) for kind in kinds}
            for h in HALVES
        },
        counts={kind: sum(1 for r in results if r.kind == kind) for kind in kinds},
        sourced={
            f"sourced@{kk}": (
                sum(1 for r in results if r.sourced_rank is not None and r.sourced_rank <= kk) / n if n else 0.0
            )
            for kk in ks
        },
        misses={why: dict(c) for why, c in misses.items()},
        storage=storage,
        seconds=seconds,
        results=results,
    )


def format_report(report: ScreensReport) -> str:
    head = ["", "questions", *[f"found@{kk}" for kk in report.ks]]
    rows = [
        [kind, str(report.counts[kind]), *[f"{report.per_kind[kind][f'found@{kk}']:.2f}" for kk in report.ks]]
        for kind in report.per_kind
    ]
    for h in HALVES:
        n = sum(1 for r in report.results if r.half == h)
        rows.append([f"half {h}", str(n), *[f"{report.per_half[h][f'found@{kk}']:.2f}" for kk in report.ks]])
    rows.append(["all", str(report.questions), *[f"{report.overall[f'found@{kk}']:.2f}" for kk in report.ks]])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    s = report.storage
    out = [
        f"Screen recall: {report.screens} screens, {report.questions} questions, {report.search} "
        f"({report.vectors} vectors), "
        f"{report.seconds['total']:.0f} s (capture {report.seconds['capture']:.0f} s"
        f"{' from the cache' if report.reused_capture else ''}"
        f"{', every screen in one image viewer window' if report.one_window else ''}, consolidation and "
        f"embedding {report.seconds['consolidate']:.0f} s)",
        line(head),
        *[line(r) for r in rows],
        f"found@{report.k}: {report.overall[f'found@{report.k}']:.2f}; the screen among the top hit's sources "
        f"(answer or not): {report.sourced['sourced@1']:.2f}",
        f"stored per screen: {s.text_bytes_per_screen:,.0f} B of text, {s.database_bytes_per_screen:,.0f} B of "
        f"database, {s.thumbnail_bytes_per_screen:,.0f} B of thumbnail ({s.events} events); "
        f"{s.redactions} redaction(s)",
    ]
    if report.misses:
        out.append("misses at rank 1:")
        out += [
            f"  {sum(c.values())} {why} ({', '.join(f'{kind} {n}' for kind, n in sorted(c.items()))})"
            for why, c in sorted(report.misses.items(), key=lambda item: -sum(item[1].values()))
        ]
    return "\n".join(out)
