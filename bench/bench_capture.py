"""Capture cost on a private 1920x1080 Xvfb with the real pipeline (mss, python-xlib, tesseract).

Measures:
  1. one tick on a static screen (median ms) against a bare mss grab of the same monitor;
  2. CPU use at the 3 s interval on a static screen (this process's CPU time / wall time);
  3. a scripted workload (a text window that scrolls new lines in every 4 s): OCR time per changed
     frame, CPU use including the tesseract children, and bytes stored per captured hour (redacted
     text + metadata records) against the same frames kept as PNG files.

    .venv/bin/python bench/bench_capture.py --seconds 60
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import statistics
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.capture.filters import ExclusionRules
from assistant.capture.frames import CapturedFrame
from assistant.capture.pipeline import CapturePipeline, PipelineSettings
from assistant.capture.screen import ScreenGrabber
from assistant.capture.window_x11 import X11Probe
from assistant.ocr.engine import OcrResult
from assistant.ocr.tesseract import TesseractOcr
from assistant.scheduler.capture_job import CaptureJob
from tests.xdisplay import TextWindow, XvfbServer

# Real ticks are seconds apart: back-to-back timing would measure allocator and scheduler contention
# that a 3 s cadence never sees, so every timed call is preceded by this pause.
PAUSE = 0.02
WORDS = (
    "the meeting moved budget review quarterly report customer invoice deadline project design draft "
    "server deploy release notes feature branch merge request weekly sync roadmap hiring plan travel "
    "booking flight hotel receipt expense summary call agenda action items follow up decision owner "
    "launch metrics dashboard latency error rate incident postmortem database migration backup"
).split()


class TimedOcr(TesseractOcr):
    """Tesseract that also records its time per frame and the PNG size of every frame it reads."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self.png_bytes: list[int] = []

    def recognize(self, image: Any) -> OcrResult:
        t0 = time.perf_counter()
        result = super().recognize(image)
        self.seconds.append(time.perf_counter() - t0)
        buf = io.BytesIO()
        image.save(buf, format="PNG")  # what storing the screenshot itself would cost (default level 6)
        self.png_bytes.append(len(buf.getvalue()))
        return result


def record_bytes(record: CapturedFrame) -> int:
    """Bytes of the record as stored: redacted text plus a JSON metadata row (no thumbnail)."""
    meta = {k: v for k, v in asdict(record).items() if k not in ("text", "thumbnail", "secrets")}
    meta["captured_at"] = record.captured_at.isoformat()
    return len(record.text.encode()) + len(json.dumps(meta).encode())


def make_pipeline(ocr: TesseractOcr, records: list[CapturedFrame], thumbnails: bool) -> CapturePipeline:
    settings = PipelineSettings(thumbnails=thumbnails)
    return CapturePipeline(ScreenGrabber("primary"), X11Probe(), ocr, ExclusionRules(), records.append, settings)


def bench_tick(display: str, ticks: int) -> dict[str, float]:
    import mss

    with TextWindow(display, "A static document\nnothing changes here", title="Static - Viewer",
                    geometry=(0, 0, 1920, 1080), font_size=28):
        records: list[CapturedFrame] = []
        pipeline = make_pipeline(TesseractOcr(), records, thumbnails=False)
        pipeline.tick()  # the first frame is kept and read; the rest are unchanged
        pipeline.drain(120)
        tick_ms = []
        for _ in range(ticks):
            time.sleep(PAUSE)
            t0 = time.perf_counter()
            pipeline.tick()
            tick_ms.append((time.perf_counter() - t0) * 1000)
        stats = pipeline.stats()
        probe = X11Probe()
        probe_ms = []
        for _ in range(ticks):
            time.sleep(PAUSE)
            t0 = time.perf_counter()
            probe.screen_locked()
            probe.idle_seconds()
            probe.active_window()
            probe_ms.append((time.perf_counter() - t0) * 1000)
        probe.close()
        pipeline.stop()
        with mss.MSS() as sct:
            mon = sct.monitors[1]
            sct.grab(mon)
            grab_ms = []
            for _ in range(ticks):
                time.sleep(PAUSE)
                t0 = time.perf_counter()
                sct.grab(mon)
                grab_ms.append((time.perf_counter() - t0) * 1000)
    assert stats.frames_kept == 1, "the static screen was not static"
    return {
        "tick_median_ms": statistics.median(tick_ms),
        "tick_p95_ms": sorted(tick_ms)[int(len(tick_ms) * 0.95) - 1],
        "bare_mss_grab_median_ms": statistics.median(grab_ms),
        "window_probe_median_ms": statistics.median(probe_ms),
    }


def cpu_times() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def bench_static_cpu(display: str, seconds: float, interval: float) -> dict[str, float]:
    with TextWindow(display, "A static document\nnothing changes here", title="Static - Viewer",
                    geometry=(0, 0, 1920, 1080), font_size=28):
        records: list[CapturedFrame] = []
        pipeline = make_pipeline(TesseractOcr(), records, thumbnails=True)
        job = CaptureJob(pipeline, interval)
        own0, kids0 = cpu_times()
        wall0 = time.monotonic()
        job.start()
        time.sleep(seconds)
        job.stop()
        wall = time.monotonic() - wall0
        own1, kids1 = cpu_times()
    return {
        "seconds": wall,
        "process_cpu_percent": 100 * (own1 - own0) / wall,
        "with_tesseract_children_cpu_percent": 100 * ((own1 - own0) + (kids1 - kids0)) / wall,
        "records": len(records),
    }


def script_lines(rng: random.Random, n: int) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 11))).capitalize() for _ in range(n)]


def bench_workload(display: str, seconds: float, interval: float, change_every: float) -> dict[str, Any]:
    rng = random.Random(7)
    lines = script_lines(rng, 24)
    ocr = TimedOcr()
    records: list[CapturedFrame] = []
    with TextWindow(display, "\n".join(lines), title="Team chat - Messenger", geometry=(0, 0, 1920, 1080),
                    font_size=26) as win:
        pipeline = make_pipeline(ocr, records, thumbnails=True)
        job = CaptureJob(pipeline, interval)
        stop = threading.Event()

        def scroll() -> None:  # three new lines every `change_every` seconds, the oldest scroll away
            while not stop.wait(change_every):
                lines[:] = [*lines[3:], *script_lines(rng, 3)]
                win.set_text("\n".join(lines))

        scroller = threading.Thread(target=scroll, daemon=True)
        own0, kids0 = cpu_times()
        wall0 = time.monotonic()
        job.start()
        scroller.start()
        time.sleep(seconds)
        stop.set()
        scroller.join()
        job.stop()  # frames still queued are recorded without OCR
        wall = time.monotonic() - wall0
        own1, kids1 = cpu_times()
        stats = pipeline.stats()
    with_text = [r for r in records if r.ocr_status == "ok"]
    text_bytes = sum(record_bytes(r) for r in records)
    png_bytes = sum(ocr.png_bytes)
    thumb_bytes = sum(len(r.thumbnail or b"") for r in records)
    per_hour = 3600 / wall
    return {
        "seconds": wall,
        "records": len(records),
        "records_with_ocr": len(with_text),
        "ocr_dropped": stats.ocr_dropped,
        "ocr_median_s": statistics.median(ocr.seconds) if ocr.seconds else None,
        "ocr_mean_s": statistics.fmean(ocr.seconds) if ocr.seconds else None,
        "words_per_frame": statistics.fmean(r.ocr_words for r in with_text) if with_text else 0,
        "process_cpu_percent": 100 * (own1 - own0) / wall,
        "with_tesseract_children_cpu_percent": 100 * ((own1 - own0) + (kids1 - kids0)) / wall,
        "text_and_metadata_bytes_per_hour": text_bytes * per_hour,
        "png_bytes_per_hour_same_frames": png_bytes * per_hour,
        "png_to_text_ratio": png_bytes / max(1, sum(record_bytes(r) for r in with_text)),
        "webp_thumbnail_bytes_per_hour": thumb_bytes * per_hour,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each timed phase (default 60)")
    parser.add_argument("--interval", type=float, default=3.0, help="capture interval (default 3 s)")
    parser.add_argument("--ticks", type=int, default=200, help="static-screen ticks to time (default 200)")
    parser.add_argument("--change-every", type=float, default=4.0, help="workload: seconds between changes")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args()
    if not TesseractOcr().available():
        sys.exit("tesseract-ocr is not installed")
    server = XvfbServer()
    import os

    os.environ["DISPLAY"] = server.display
    os.environ["XDG_SESSION_TYPE"] = "x11"
    os.environ.pop("WAYLAND_DISPLAY", None)
    try:
        results = {
            "tick": bench_tick(server.display, args.ticks),
            "static_cpu": bench_static_cpu(server.display, args.seconds, args.interval),
            "workload": bench_workload(server.display, args.seconds, args.interval, args.change_every),
        }
    finally:
        server.close()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for section, values in results.items():
        print(f"[{section}]")
        for key, value in values.items():
            print(f"  {key:40} {value:,.3f}" if isinstance(value, float) else f"  {key:40} {value}")


if __name__ == "__main__":
    main()
