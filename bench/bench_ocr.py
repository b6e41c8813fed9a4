"""OCR fidelity on fictional screens drawn here (tests/ocr_screens.py): what the capture pipeline's
OCR keeps of each screen's text, and how long it takes.

Per screen and in total:
  recall     share of the screen's words found in the OCR text (as a multiset, outer punctuation ignored);
  precision  share of the OCR words that are words of the screen (what keeping unsure words costs);
  rows       share of table rows / form fields / code lines whose words come out on one line, in order;
  flow       share of consecutive prose lines that follow each other in the text (two columns read
             across would break it);
  seconds    median time of `recognize` per screen (tesseract with OMP_THREAD_LIMIT=1).

    .venv/bin/python bench/bench_ocr.py                       # this checkout
    .venv/bin/python bench/bench_ocr.py --code /tmp/before    # another checkout's OCR, same screens
    .venv/bin/python bench/bench_ocr.py --psm 11 --repeat 3
    .venv/bin/python bench/bench_ocr.py --screens DIR   # a dir made by `assistant eval make-screens`
    .venv/bin/python bench/bench_ocr.py --screens DIR --scale 1.5   # frames enlarged before OCR

With --screens the truth is each screen's text in screens.json, element by element (a cell, a label,
a line): "rows" then counts such elements of two words or more that come out whole on one line.

The OCR is built as the app builds it: TesseractOcr with the default `capture.ocr_min_confidence`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.ocr_screens import Screen, render_all

_PUNCT = ".,:;!?\"'()[]{}‘’“”|"


def tokens(text: str) -> list[str]:
    """Words as search sees them: outer punctuation off; symbol-only ones (OCR drops them as noise) skipped."""
    return [t for t in (w.strip(_PUNCT) for w in text.split()) if any(ch.isalnum() for ch in t)]


def _contains(line: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(line[i : i + n] == part for i in range(len(line) - n + 1))


def score(screen: Screen, text: str) -> dict[str, Any]:
    truth, read = Counter(tokens(" ".join(screen.words()))), Counter(tokens(text))
    found = sum((truth & read).values())
    lines = [tokens(line) for line in text.splitlines()]
    rows = [tokens(" ".join(r)) for r in screen.rows if len(tokens(" ".join(r))) > 1]
    stream = tokens(text)
    pairs = set(itertools.pairwise(stream))
    joins = [(tokens(a)[-1], tokens(b)[0]) for p in screen.paragraphs for a, b in itertools.pairwise(p)]
    return {
        "words": sum(truth.values()),
        "found": found,
        "read": sum(read.values()),
        "rows": len(rows),
        "rows_intact": sum(any(_contains(line, r) for line in lines) for r in rows),
        "joins": len(joins),
        "joins_kept": sum(j in pairs for j in joins),
    }


def eval_screens(root: Path) -> list[Screen]:
    """The screens of an `assistant eval make-screens` dir, each element of its text as a row."""
    from PIL import Image

    doc = json.loads((root / "screens.json").read_text(encoding="utf-8"))
    return [
        Screen(s["id"], Image.open(root / s["image"]), rows=[[line] for line in s["text"].splitlines()])
        for s in doc["screens"]
    ]


def run(code: Path | None, psm: int, repeat: int, screens: list[Screen]) -> dict[str, Any]:
    if code is not None:
        sys.path.insert(0, str(code.resolve()))
    from assistant.config import CaptureSettings
    from assistant.ocr.tesseract import TesseractOcr

    ocr = TesseractOcr(min_conf=CaptureSettings().ocr_min_confidence, psm=psm)
    if not ocr.available():
        raise SystemExit("tesseract is not installed")
    out: dict[str, Any] = {"screens": {}}
    for screen in screens:
        times, text = [], ""
        for _ in range(repeat):
            start = time.perf_counter()
            text = ocr.recognize(screen.image).text
            times.append(time.perf_counter() - start)
        out["screens"][screen.name] = {**score(screen, text), "seconds": statistics.median(times)}
    total = Counter[str]()
    for s in out["screens"].values():
        total.update({k: v for k, v in s.items() if k != "seconds"})
    out["recall"] = total["found"] / total["words"]
    out["precision"] = total["found"] / max(1, total["read"])
    out["rows"] = total["rows_intact"] / total["rows"] if total["rows"] else None
    out["flow"] = total["joins_kept"] / total["joins"] if total["joins"] else None
    out["seconds_median"] = statistics.median(s["seconds"] for s in out["screens"].values())
    out["seconds_total"] = sum(s["seconds"] for s in out["screens"].values())
    return out


def _share(value: float | None) -> str:
    return f"{value:9.3f}" if value is not None else f"{'-':>9}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", type=Path, help="a checkout whose assistant/ OCR to measure (default: this one)")
    parser.add_argument("--psm", type=int, default=3, help="tesseract page segmentation mode")
    parser.add_argument("--repeat", type=int, default=3, help="runs per screen (the median time is kept)")
    parser.add_argument("--screens", type=Path, help="measure on this `assistant eval make-screens` dir instead")
    parser.add_argument("--scale", type=float, default=1.0, help="enlarge each frame so much before OCR (Lanczos)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    screens = eval_screens(args.screens) if args.screens else render_all()
    if args.scale != 1.0:
        from PIL import Image

        for screen in screens:
            size = (round(screen.image.width * args.scale), round(screen.image.height * args.scale))
            screen.image = screen.image.resize(size, Image.Resampling.LANCZOS)
    result = run(args.code, args.psm, args.repeat, screens)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{'screen':<14} {'recall':>7} {'precis':>7} {'rows':>9} {'flow':>9} {'s':>6}")
    for name, s in result["screens"].items():
        rows = f"{s['rows_intact']}/{s['rows']}"
        flow = f"{s['joins_kept']}/{s['joins']}"
        print(
            f"{name:<14} {s['found'] / s['words']:7.3f} {s['found'] / max(1, s['read']):7.3f} "
            f"{rows:>9} {flow:>9} {s['seconds']:6.2f}"
        )
    print(
        f"{'all':<14} {result['recall']:7.3f} {result['precision']:7.3f} {_share(result['rows'])} "
        f"{_share(result['flow'])} {result['seconds_median']:6.2f} (median; total {result['seconds_total']:.2f} s)"
    )


if __name__ == "__main__":
    main()
