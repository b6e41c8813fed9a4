"""Capture cost on a private 1920x1080 Xvfb with the real pipeline (mss, python-xlib, tesseract).

Measures:
  1. one tick on a static screen (median ms) against a bare mss grab of the same monitor;
  2. CPU use at the 3 s interval on a static screen (this process's CPU time / wall time);
  3. a scripted workload (a text window that scrolls new lines in every 4 s): OCR time per changed
     frame, CPU use including the tesseract children, and bytes stored per captured hour (the raw
     events the FrameWriter would store: keyframe or new-line text + metadata) against the same
     frames kept as PNG files;
  4. two windows side by side (phase "windows", not in the default set): a kept frame read window by
     window, as capture does, against the whole screen read at once (a probe that lists no windows),
     alternating on the same screens: OCR time per frame, words read, and whether a line mixed the two.

    .venv/bin/python bench/bench_capture.py --seconds 60
    .venv/bin/python bench/bench_capture.py --phases workload --seconds 600   # storage only
    .venv/bin/python bench/bench_capture.py --phases windows --frames 10

Bytes do not depend on the machine's load; the timings do (run those on an idle machine). Keyframes
come every 5 minutes, so a storage run shorter than that leaves their share out.
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
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.capture.delta import LineDeltas
from assistant.capture.filters import ExclusionRules
from assistant.capture.frames import CapturedFrame
from assistant.capture.pipeline import CapturePipeline, PipelineSettings
from assistant.capture.screen import ScreenGrabber
from assistant.capture.window_x11 import X11Probe
from assistant.capture.writer import screen_event
from assistant.ocr.engine import OcrResult
from assistant.ocr.tesseract import TesseractOcr
from assistant.scheduler.capture_job import CaptureJob
from assistant.values import RawEvent
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


def stored_events(records: list[CapturedFrame], deltas: LineDeltas) -> list[RawEvent]:
    """The events the FrameWriter stores for these records, in order, through its own diff code."""
    events = []
    for record in records:
        screen = deltas.text_for(record)
        event = screen_event(record, screen)
        deltas.stored(screen, event.id)
        events.append(event)
    return events


def event_bytes(event: RawEvent) -> int:
    """Bytes of an event as stored: its text plus its other columns as one JSON row (no thumbnail)."""
    row = {
        "id": event.id,
        "kind": event.kind,
        "occurred_at": event.occurred_at.timestamp(),
        "app": event.app,
        "title": event.title,
        "url": event.url,
        "meta": event.meta,
    }
    return len(event.text.encode()) + len(json.dumps(row).encode())


def on_disk_bytes(events: list[RawEvent]) -> int:
    """What storing the events really adds to an encrypted store: memory.db growth (pages, full-text index
    and all) once the WAL is checkpointed on close, in a fresh store."""
    import os
    import tempfile

    from assistant.api import Assistant

    os.environ.setdefault("ASSISTANT_TESTING", "1")  # cheap key derivation for a throwaway store
    with tempfile.TemporaryDirectory(prefix="bench-capture-") as tmp:
        data = Path(tmp) / "data"
        app = Assistant(data)
        app.init("bench passphrase")
        app.close()
        before = (data / "memory.db").stat().st_size
        app = Assistant(data)
        app.unlock("bench passphrase")
        app.memories.add_events(events)
        app.close()
        return (data / "memory.db").stat().st_size - before


def make_pipeline(ocr: TesseractOcr, records: list[CapturedFrame], thumbnails: bool) -> CapturePipeline:
    # Nobody types on the private display: without this, "user idle" would end capture after 5 minutes.
    settings = PipelineSettings(thumbnails=thumbnails, idle_after_seconds=float("inf"))
    return CapturePipeline(ScreenGrabber("primary"), X11Probe(), ocr, ExclusionRules(), records.append, settings)


def bench_tick(display: str, ticks: int) -> dict[str, float]:
    import mss

    with TextWindow(
        display,
        "A static document\nnothing changes here",
        title="Static - Viewer",
        geometry=(0, 0, 1920, 1080),
        font_size=28,
    ):
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
    with TextWindow(
        display,
        "A static document\nnothing changes here",
        title="Static - Viewer",
        geometry=(0, 0, 1920, 1080),
        font_size=28,
    ):
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
    with TextWindow(
        display, "\n".join(lines), title="Team chat - Messenger", geometry=(0, 0, 1920, 1080), font_size=26
    ) as win:
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
    events = stored_events(records, LineDeltas())
    stored_bytes = sum(event_bytes(e) for e in events)
    with_text_bytes = sum(event_bytes(e) for e in events if e.meta["ocr"] == "ok")
    # The same frames stored whole, as before deltas: every frame a keyframe.
    whole_bytes = sum(event_bytes(e) for e in stored_events(with_text, LineDeltas(keyframe_every=timedelta(0))))
    png_bytes = sum(ocr.png_bytes)
    disk_bytes = on_disk_bytes(events)
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
        "kept_frames_span_s": (records[-1].captured_at - records[0].captured_at).total_seconds() if records else 0,
        "keyframes": sum(1 for e in events if e.meta["ocr"] == "ok" and "keyframe" not in e.meta),
        "text_and_metadata_bytes_per_hour": stored_bytes * per_hour,
        "png_bytes_per_hour_same_frames": png_bytes * per_hour,
        "png_to_text_ratio": png_bytes / max(1, with_text_bytes),
        "png_to_text_ratio_whole_frames": png_bytes / max(1, whole_bytes),
        "percent_smaller_than_png": 100 * (1 - with_text_bytes / max(1, png_bytes)),
        "store_growth_bytes_per_hour": disk_bytes * per_hour,
        "percent_smaller_than_png_on_disk": 100 * (1 - disk_bytes / max(1, png_bytes)),
        "webp_thumbnail_bytes_per_hour": thumb_bytes * per_hour,
    }


class WholeScreenProbe:
    """The X11 probe without its window list: the pipeline then reads the whole frame at once."""

    def __init__(self, probe: X11Probe) -> None:
        self._probe = probe

    def active_window(self) -> Any:
        return self._probe.active_window()

    def idle_seconds(self) -> float | None:
        return self._probe.idle_seconds()

    def screen_locked(self) -> bool:
        return self._probe.screen_locked()

    def close(self) -> None:
        self._probe.close()


def bench_windows(display: str, frames: int) -> dict[str, Any]:
    rng = random.Random(11)
    left, right = script_lines(rng, 16), script_lines(rng, 16)
    timings: dict[str, list[float]] = {"per_window": [], "whole_screen": []}
    words: dict[str, list[int]] = {"per_window": [], "whole_screen": []}
    mixed = {"per_window": 0, "whole_screen": 0}
    settings = PipelineSettings(thumbnails=False, idle_after_seconds=float("inf"))
    with (
        TextWindow(
            display, "\n".join(left), title="Left - Notes", geometry=(0, 0, 955, 1080), font_size=26, focus=False
        ) as lwin,
        TextWindow(display, "\n".join(right), title="Right - Chat", geometry=(965, 0, 955, 1080), font_size=26) as rwin,
    ):
        pipelines = {
            "per_window": CapturePipeline(
                ScreenGrabber("primary"), X11Probe(), TesseractOcr(), ExclusionRules(), lambda _r: None, settings
            ),
            "whole_screen": CapturePipeline(
                ScreenGrabber("primary"),
                WholeScreenProbe(X11Probe()),
                TesseractOcr(),
                ExclusionRules(),
                lambda _r: None,
                settings,
            ),
        }
        for _ in range(frames):
            left[:], right[:] = [*left[3:], *script_lines(rng, 3)], [*right[3:], *script_lines(rng, 3)]
            lwin.set_text("\n".join(left))
            rwin.set_text("\n".join(right))
            left_all = {w.lower() for line in left for w in line.split()}
            right_all = {w.lower() for line in right for w in line.split()}
            left_words, right_words = left_all - right_all, right_all - left_all  # words only one window has
            for mode, pipeline in pipelines.items():  # the same screen, read both ways
                t0 = time.perf_counter()
                records = pipeline.capture_once()
                timings[mode].append(time.perf_counter() - t0)
                words[mode].append(sum(r.ocr_words for r in records))
                for record in records:
                    for line in record.text.lower().splitlines():
                        seen = set(line.split())
                        mixed[mode] += bool(seen & left_words and seen & right_words)
        for pipeline in pipelines.values():
            pipeline.stop()
    per, whole = statistics.median(timings["per_window"]), statistics.median(timings["whole_screen"])
    return {
        "frames": frames,
        "per_window_median_s": per,
        "whole_screen_median_s": whole,
        "per_window_to_whole_screen_ratio": per / whole,
        "per_window_words_per_frame": statistics.fmean(words["per_window"]),
        "whole_screen_words_per_frame": statistics.fmean(words["whole_screen"]),
        "per_window_lines_mixing_both_windows": mixed["per_window"],
        "whole_screen_lines_mixing_both_windows": mixed["whole_screen"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each timed phase (default 60)")
    parser.add_argument("--interval", type=float, default=3.0, help="capture interval (default 3 s)")
    parser.add_argument("--ticks", type=int, default=200, help="static-screen ticks to time (default 200)")
    parser.add_argument("--change-every", type=float, default=4.0, help="workload: seconds between changes")
    parser.add_argument(
        "--phases",
        default="tick,static_cpu,workload",
        help="comma-separated phases to run (default: all); 'workload' holds the storage measure",
    )
    parser.add_argument("--frames", type=int, default=10, help="windows: frames read each way (default 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args()
    phases = {p.strip() for p in args.phases.split(",") if p.strip()}
    known = {"tick", "static_cpu", "workload", "windows"}
    if not phases <= known:
        parser.error(f"unknown phase(s): {', '.join(sorted(phases - known))}")
    if not TesseractOcr().available():
        sys.exit("tesseract-ocr is not installed")
    server = XvfbServer()
    import os

    os.environ["DISPLAY"] = server.display
    from Xlib import X, display

    # No screen saver blanking the screen after 10 minutes; the connection stays open because Xvfb
    # resets its settings when its last client leaves.
    xd = display.Display(server.display)
    xd.set_screen_saver(0, 0, X.DefaultBlanking, X.DefaultExposures)
    xd.sync()
    os.environ["XDG_SESSION_TYPE"] = "x11"
    os.environ.pop("WAYLAND_DISPLAY", None)
    try:
        results: dict[str, dict[str, Any]] = {}
        if "tick" in phases:
            results["tick"] = bench_tick(server.display, args.ticks)
        if "static_cpu" in phases:
            results["static_cpu"] = bench_static_cpu(server.display, args.seconds, args.interval)
        if "workload" in phases:
            results["workload"] = bench_workload(server.display, args.seconds, args.interval, args.change_every)
        if "windows" in phases:
            results["windows"] = bench_windows(server.display, args.frames)
    finally:
        xd.close()
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
