"""Rendering a screen set to disk (screens.json, questions.json, one PNG per screen) and checking it.

Screens without a fixed time are spread over a fortnight of working days (9-20 November 2026), a few
an hour; the questions are asked on the Saturday after. Each question's half (A or B) is fixed by a
hash of its id, alternating within each kind, so both halves hold every kind in equal measure.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.errors import AssistantError
from assistant.eval.screen_set import FORMAT, HALVES, KINDS, ScreenSet, load_screen_set
from assistant.eval.screengen.canvas import HEIGHT, THEMES, WIDTH, Canvas
from assistant.eval.screengen.spec import Spec

FIRST_DAY = datetime(2026, 11, 9, tzinfo=UTC)  # a Monday
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)  # the Saturday after the fortnight
SEED = 1515


def all_specs(seed: int = SEED) -> list[Spec]:
    from assistant.eval.screengen import (
        specs_chat,
        specs_dev,
        specs_lookalikes,
        specs_mail,
        specs_office,
        specs_sheets,
        specs_web,
    )

    r = random.Random(seed)
    return [
        *specs_sheets.sheets(r),
        *specs_office.forms(r),
        *specs_office.documents(r),
        *specs_dev.editors(r),
        *specs_dev.terminals(r),
        *specs_mail.mails(r),
        *specs_chat.chats(r),
        *specs_chat.calendars(r),
        *specs_web.pages(r),
        *specs_lookalikes.lookalikes(r),  # last: the screens before keep their random draws and times
    ]


def schedule(specs: Sequence[Spec]) -> dict[str, datetime]:
    """When each screen is shown: its fixed time, else a free slot (working days, 9:00 to 17:30)."""
    days = [d for d in (FIRST_DAY + timedelta(days=i) for i in range(12)) if d.weekday() < 5]
    taken = {s.at for s in specs if s.at is not None}
    out: dict[str, datetime] = {}
    slot = 0
    for spec in specs:
        if spec.at is not None:
            out[spec.id] = spec.at
            continue
        while True:
            day = days[slot % len(days)]
            when = day + timedelta(hours=9, minutes=37 * (slot // len(days)) % 510 + 7 * (slot // len(days)))
            slot += 1
            if when not in taken:
                break
        taken.add(when)
        out[spec.id] = when
    return out


def halves(question_ids: Sequence[tuple[str, str]]) -> dict[str, str]:
    """(id, kind) -> "A"/"B": within each kind, ordered by a hash of the id, alternately."""
    out: dict[str, str] = {}
    for kind in {k for _, k in question_ids}:
        ids = sorted((i for i, k in question_ids if k == kind), key=lambda i: hashlib.sha256(i.encode()).hexdigest())
        out.update({qid: HALVES[n % 2] for n, qid in enumerate(ids)})
    return out


def write_screen_set(out: Path, specs: Sequence[Spec], now: datetime = NOW, *, draw: bool = True) -> ScreenSet:
    """Render `specs` into `out` and check the result (each answer on its screen only). With draw=False
    no PNG is written and only the questions are checked (returns the set as read back, minus images)."""
    out.mkdir(parents=True, exist_ok=True)
    times = schedule(specs)
    screens = []
    for spec in sorted(specs, key=lambda s: times[s.id]):  # shown in time order, as a day unfolds
        canvas = Canvas(THEMES[spec.theme], draw=draw)
        spec.draw(canvas)
        if draw:
            canvas.save(out / f"{spec.id}.png")
        screens.append(
            {
                "id": spec.id,
                "image": f"{spec.id}.png",
                "app": spec.app,
                "wm_class": spec.app,
                "title": spec.title,
                "shown_at": times[spec.id].isoformat(),
                "text": canvas.ground_truth,
            }
        )
    asks = [(f"{spec.id}#{n}", spec, ask) for spec in specs for n, ask in enumerate(spec.asks, 1)]
    split = halves([(qid, ask[0]) for qid, _, ask in asks])
    questions = [
        {"id": qid, "kind": kind, "question": question, "answer": answer, "screen": spec.id, "half": split[qid]}
        for qid, spec, (kind, question, answer) in asks
    ]
    doc = {"format": FORMAT, "version": 1, "width": WIDTH, "height": HEIGHT, "now": now.isoformat(), "screens": screens}
    (out / "screens.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
    (out / "questions.json").write_text(
        json.dumps({"questions": questions}, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    if not draw:
        for s in screens:  # the checks want the images; a dry run has none
            (out / str(s["image"])).touch()
    return load_screen_set(out)


def make_screens(out: Path) -> ScreenSet:
    """The benchmark: every screen of the specs_* modules, rendered into `out`."""
    found = write_screen_set(out, all_specs())
    missing = [k for k in KINDS if not any(q.kind == k for q in found.questions)]
    if missing:
        raise AssistantError(f"the screen set has no {', '.join(missing)} question")
    return found
