"""LoCoMo question answering, scored with the benchmark's official token F1.

Each conversation goes into a fresh temporary store with the user's chosen chat and embedding models
registered; every question is asked through the facade (the full answering head) as of the end of the
conversation. Category 5 (adversarial) counts as right when the answer declines ("I don't know", "not
mentioned"), as the benchmark intends.
"""

from __future__ import annotations

import json
import re
import string
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.eval.locomo import CATEGORY_NAMES, load_samples
from assistant.importers.locomo import parse_locomo_time
from assistant.values import Progress

_ARTICLES = re.compile(r"\b(a|an|the|and)\b")
_DECLINES = ("don't know", "do not know", "not mentioned", "no information", "cannot answer")


def normalize(text: str) -> str:
    text = text.lower().replace(",", " ")
    text = "".join(ch for ch in text if ch not in string.punctuation)
    return " ".join(_ARTICLES.sub(" ", text).split())


def token_f1(prediction: str, gold: str) -> float:
    pred, ref = normalize(prediction).split(), normalize(gold).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def score(category: int, answer_text: str, known: bool, gold: Any) -> float:
    if category == 5:
        return 1.0 if (not known or any(d in answer_text.lower() for d in _DECLINES)) else 0.0
    if category == 1:  # multi-hop answers list several items: score each part, keep the mean
        parts = [p for p in str(gold).split(",") if p.strip()]
        return sum(token_f1(answer_text, p) for p in parts) / len(parts) if parts else 0.0
    return token_f1(answer_text, str(gold))


@dataclass
class QaReport:
    model: str
    per_category: dict[int, float] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)
    overall: float = 0.0  # categories 1-4

    def lines(self) -> list[str]:
        out = [f"QA token F1 ({self.model}): overall (categories 1-4) {100 * self.overall:.1f}"]
        out += [
            f"  {c} {CATEGORY_NAMES[c]:<12} F1 {100 * v:5.1f}  ({self.counts[c]} questions)"
            for c, v in sorted(self.per_category.items())
        ]
        return out


def _end_of(sample: dict[str, Any]) -> datetime:
    conv = sample["conversation"]
    times = [parse_locomo_time(v, k) for k, v in conv.items() if k.endswith("_date_time")]
    return max(times) + timedelta(days=1)


def evaluate_qa(
    path: Path,
    *,
    chat_model: Path,
    embedding_model: Path | None,
    per_conversation: int,
    consolidate: bool = False,
    progress: Progress | None = None,
) -> QaReport:
    from assistant.api import Assistant

    samples = load_samples(path)
    scores: dict[int, list[float]] = {}
    total = sum(min(len(s["qa"]), per_conversation) for s in samples)
    done = 0
    for sample in samples:
        with tempfile.TemporaryDirectory(prefix="locomo-qa-") as tmp:
            one = Path(tmp) / "conversation.json"
            one.write_text(json.dumps([sample]), encoding="utf-8")
            app = Assistant(Path(tmp) / "store")
            app.init("locomo-qa")
            app.models.use(app.models.add(chat_model, role="chat").name, "chat")
            if embedding_model is not None:
                app.models.use(app.models.add(embedding_model, role="embedding").name, "embedding")
            app.memories.import_file(one, "locomo")
            if consolidate:
                app.consolidation.run()
            now = _end_of(sample)
            for qa in _questions(sample["qa"], per_conversation):
                answer = app.answers.ask(qa["question"], now=now, record=False)
                gold = qa.get("answer", qa.get("adversarial_answer", ""))
                scores.setdefault(int(qa["category"]), []).append(
                    score(int(qa["category"]), answer.text, answer.known, gold)
                )
                done += 1
                if progress is not None:
                    progress(done, total)
            app.close()
    per = {c: sum(v) / len(v) for c, v in scores.items()}
    scored = [x for c, v in scores.items() if c != 5 for x in v]
    return QaReport(
        model=chat_model.name,
        per_category=per,
        counts={c: len(v) for c, v in scores.items()},
        overall=sum(scored) / len(scored) if scored else 0.0,
    )


def _questions(qa: Sequence[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """An even spread of at most `limit` questions, so a short run still covers every category."""
    if limit >= len(qa):
        return list(qa)
    step = len(qa) / limit
    return [qa[int(i * step)] for i in range(limit)]
