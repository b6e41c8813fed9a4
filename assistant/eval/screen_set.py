"""The on-disk format of a screen benchmark (what `assistant eval make-screens` writes and
`assistant eval screens DIR` reads), and its checks.

DIR/screens.json: {"format": "assistant-screens", "version": 1, "width", "height", "now",
  "screens": [{"id", "image", "app", "wm_class", "title", "shown_at", "text"}]}
  `text` is the ground truth: every string drawn on the image; `shown_at` the time the screen is
  captured at (the capture clock is set to it), `now` the time the questions are asked at.
DIR/questions.json: {"questions": [{"id", "kind", "question", "answer", "screen", "half"}]}
  `answer` appears verbatim on `screen` and on no other (checked here against the ground truth);
  `half` ("A" or "B") splits the set, so a ranking change can be tuned on one half and reported on the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.errors import ImportFormatError

FORMAT = "assistant-screens"
KINDS = ("lookup", "paraphrase", "entity", "numeric", "time")
HALVES = ("A", "B")


@dataclass(frozen=True)
class Screen:
    id: str
    image: Path
    app: str
    wm_class: str
    title: str
    shown_at: datetime
    text: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    question: str
    answer: str
    screen: str
    half: str


@dataclass(frozen=True)
class ScreenSet:
    root: Path
    width: int
    height: int
    now: datetime
    screens: list[Screen]
    questions: list[Question]


def normalize(text: str) -> str:
    """Case and spacing do not matter when an answer is looked for in a text."""
    return " ".join(text.casefold().split())


def screens_holding(answer: str, screens: list[Screen]) -> list[str]:
    wanted = normalize(answer)
    return [s.id for s in screens if wanted in normalize(s.text)]


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportFormatError(
            f"{path} is missing: a screen benchmark dir holds screens.json and questions.json "
            "(make one with `assistant eval make-screens DIR`)"
        ) from None
    except (OSError, ValueError) as exc:
        raise ImportFormatError(f"cannot read {path}: {exc}") from None
    if not isinstance(doc, dict):
        raise ImportFormatError(f"{path}: expected a JSON object")
    return doc


def _time(value: Any, where: str) -> datetime:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise ImportFormatError(f"{where}: {value!r} is not an ISO time") from None
    if when.tzinfo is None:
        raise ImportFormatError(f"{where}: {value!r} has no time zone")
    return when


def load_screen_set(root: str | Path) -> ScreenSet:
    """Read and check a benchmark dir. Raises ImportFormatError saying what is wrong and where."""
    root = Path(root)
    doc, qdoc = _read(root / "screens.json"), _read(root / "questions.json")
    if doc.get("format") != FORMAT:
        raise ImportFormatError(f"{root / 'screens.json'}: not a screen benchmark (format {doc.get('format')!r})")
    try:
        screens = [
            Screen(
                id=str(s["id"]),
                image=root / str(s["image"]),
                app=str(s["app"]),
                wm_class=str(s["wm_class"]),
                title=str(s["title"]),
                shown_at=_time(s["shown_at"], f"screen {s['id']}"),
                text=str(s["text"]),
            )
            for s in doc["screens"]
        ]
        questions = [
            Question(
                id=str(q["id"]),
                kind=str(q["kind"]),
                question=str(q["question"]),
                answer=str(q["answer"]),
                screen=str(q["screen"]),
                half=str(q["half"]),
            )
            for q in qdoc["questions"]
        ]
        width, height, now = int(doc["width"]), int(doc["height"]), _time(doc["now"], "screens.json now")
    except (KeyError, TypeError) as exc:
        raise ImportFormatError(f"{root}: a screen or question lacks the field {exc}") from None
    out = ScreenSet(root, width, height, now, screens, questions)
    problems = check(out)
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ImportFormatError(f"{root}: " + "; ".join(problems[:5]) + more)
    return out


def check(found: ScreenSet) -> list[str]:
    """What is wrong with a benchmark: missing images, clashing times, answers not on exactly one screen."""
    problems: list[str] = []
    ids = [s.id for s in found.screens]
    if len(set(ids)) != len(ids):
        problems.append("screen ids repeat")
    if len({s.shown_at for s in found.screens}) != len(found.screens):
        problems.append("two screens share a shown_at time (each screen's events are told apart by it)")
    problems += [f"screen {s.id}: image {s.image} is missing" for s in found.screens if not s.image.is_file()]
    for q in found.questions:
        if q.kind not in KINDS:
            problems.append(f"question {q.id}: kind {q.kind!r} is not one of {', '.join(KINDS)}")
        if q.half not in HALVES:
            problems.append(f"question {q.id}: half {q.half!r} is not A or B")
        holders = screens_holding(q.answer, found.screens)
        if holders != [q.screen]:
            problems.append(
                f"question {q.id}: its answer {q.answer!r} is on {holders or 'no screen'}, not only on {q.screen}"
            )
    return problems
