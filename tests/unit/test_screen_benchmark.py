"""The project's screen benchmark (assistant eval make-screens): its size, its kinds, its halves, and
that every answer is on exactly one screen of its ground truth (checked without drawing pixels)."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from assistant.eval.screen_set import KINDS, normalize
from assistant.eval.screengen.build import NOW, all_specs, halves, schedule, write_screen_set
from assistant.eval.screengen.canvas import THEMES, Canvas
from assistant.eval.screengen.specs_lookalikes import lookalikes
from assistant.redaction import redact


def test_the_benchmark_has_60_screens_and_100_questions_each_answer_on_one_screen(tmp_path: Path) -> None:
    found = write_screen_set(tmp_path, all_specs(), draw=False)  # raises when an answer is on 0 or 2+ screens
    assert len(found.screens) >= 60 and len(found.questions) >= 100
    kinds = Counter(q.kind for q in found.questions)
    assert set(kinds) == set(KINDS) and min(kinds.values()) >= 10
    assert len({s.app for s in found.screens}) >= 10 and len({s.title for s in found.screens}) >= 55
    assert all(len(s.text.split()) >= 60 for s in found.screens)  # realistic screens, not a few words on white
    by_id = {s.id: s for s in found.screens}
    for q in found.questions:
        assert normalize(q.answer) in normalize(by_id[q.screen].text)
        others = [s.id for s in found.screens if s.id != q.screen and normalize(q.answer) in normalize(s.text)]
        assert others == [], q.id
    assert all(s.shown_at < found.now for s in found.screens)


def test_time_questions_are_about_screens_with_a_twin_on_another_day() -> None:
    specs = all_specs()
    times = schedule(specs)
    titles = Counter(s.title for s in specs)
    timed = [s for s in specs if any(kind == "time" for kind, _, _ in s.asks)]
    assert len(timed) >= 10
    for spec in timed:
        assert titles[spec.title] >= 2, spec.id  # only the time tells the two apart
        twin = next(s for s in specs if s.title == spec.title and s.id != spec.id)
        assert times[twin.id].date() != times[spec.id].date()
    assert len(set(times.values())) == len(specs) and max(times.values()) < NOW


def test_the_halves_split_each_kind_evenly_and_never_move() -> None:
    ids = [(f"q{i}", KINDS[i % len(KINDS)]) for i in range(50)]
    split = halves(ids)
    for kind in KINDS:
        counts = Counter(split[qid] for qid, k in ids if k == kind)
        assert counts == {"A": 5, "B": 5}
    assert halves(list(reversed(ids))) == split


def test_the_look_alike_screens_hold_no_secret_and_their_answers_survive_redaction() -> None:
    specs = lookalikes(random.Random(1))
    assert len(specs) >= 4 and sum(len(s.asks) for s in specs) >= 6
    for spec in specs:
        canvas = Canvas(THEMES[spec.theme], draw=False)
        spec.draw(canvas)
        for text in (spec.title, canvas.ground_truth):
            assert redact(text).count == 0, (spec.id, redact(text).secrets)
