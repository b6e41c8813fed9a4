"""The capture pipeline with fake grabber, window probe and OCR engine (defined here)."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from PIL import Image

from assistant.capture.filters import ExclusionRules
from assistant.capture.frames import CapturedFrame, Frame, WindowInfo
from assistant.capture.pipeline import CapturePipeline, PipelineSettings
from assistant.errors import CaptureUnavailable
from assistant.ocr.engine import OcrResult, OcrUnavailable, Word
from assistant.redaction import Secret

W, H = 640, 400
TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


class FakeGrabber:
    """A white screen; `show(n)` paints a different block pattern so each n is a visibly new screen."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.pixels = np.full((H, W, 4), 255, dtype=np.uint8)
        self.grabs = 0
        self.error: CaptureUnavailable | None = None

    def show(self, n: int) -> None:
        self.pixels[:, :, :3] = 255
        rng = np.random.default_rng(n)
        self.pixels[50:350, 50:590, :3] = (rng.random((300, 540, 1)) * 255).astype(np.uint8)
        self.pixels[0, 0, :3] = n  # the fake OCR reads the screen number from here (R=G=B=n)

    def grab(self) -> list[Frame]:
        if self.error is not None:
            raise self.error
        self.grabs += 1
        return [Frame(1, W, H, self.pixels.tobytes(), self.clock())]


class FakeProbe:
    def __init__(self) -> None:
        self.window: WindowInfo | None = WindowInfo("Code", "notes.md - Visual Studio Code", pid=42)
        self.idle: float | None = 1.0
        self.locked = False

    def active_window(self) -> WindowInfo | None:
        return self.window

    def idle_seconds(self) -> float | None:
        return self.idle

    def screen_locked(self) -> bool:
        return self.locked


class FakeOcr:
    """Reads the screen number painted by FakeGrabber; `gate` can hold recognition to fill the queue."""

    def __init__(self, extra: Callable[[int], list[Word]] = lambda n: []) -> None:
        self.extra = extra
        self.ok = True
        self.gate = threading.Event()
        self.gate.set()
        self.started = threading.Event()
        self.calls: list[int] = []
        self.last_image: Image.Image | None = None
        self.images: list[Image.Image] = []

    def available(self) -> bool:
        return self.ok

    def recognize(self, image: Image.Image) -> OcrResult:
        if not self.ok:
            raise OcrUnavailable()
        self.started.set()
        assert self.gate.wait(10)
        self.last_image = image.convert("RGB")
        self.images.append(self.last_image)
        n = self.last_image.getpixel((0, 0))[0]  # type: ignore[index]
        self.calls.append(n)
        words = [Word("screen", 10, 10, 60, 20, 90.0), Word(str(n), 80, 10, 30, 20, 95.0), *self.extra(n)]
        return OcrResult(" ".join(w.text for w in words), words, 92.5)


class Rig:
    def __init__(self, **settings: object) -> None:
        self.clock = FakeClock()
        self.grabber = FakeGrabber(self.clock)
        self.probe = FakeProbe()
        self.ocr = FakeOcr()
        self.records: list[CapturedFrame] = []
        self.pipeline = CapturePipeline(
            self.grabber,
            self.probe,
            self.ocr,
            ExclusionRules(),
            self.records.append,
            PipelineSettings(**settings),  # type: ignore[arg-type]
            clock=self.clock,
        )

    def tick_screen(self, n: int) -> None:
        self.grabber.show(n)
        self.pipeline.tick()

    def finish(self) -> list[CapturedFrame]:
        assert self.pipeline.drain(timeout=10)
        self.pipeline.stop(timeout=10)
        return self.records


def test_static_screen_gives_one_kept_frame_over_many_ticks() -> None:
    rig = Rig()
    rig.grabber.show(1)
    for _ in range(25):
        rig.pipeline.tick()
    stats = rig.pipeline.stats()
    records = rig.finish()
    assert len(records) == 1
    assert (stats.frames_seen, stats.frames_kept, stats.frames_unchanged) == (25, 1, 24)
    assert rig.ocr.calls == [1]
    assert stats.last_skip_reason == "unchanged"
    record = records[0]
    assert (record.app, record.title, record.text, record.ocr_status) == (
        "Code",
        "notes.md - Visual Studio Code",
        "screen 1",
        "ok",
    )
    assert (record.ocr_words, record.mean_conf, record.pid) == (2, 92.5, 42)


def test_each_changed_screen_is_recorded_in_order() -> None:
    rig = Rig()
    for n in (1, 2, 3):
        rig.tick_screen(n)
    assert [r.text for r in rig.finish()] == ["screen 1", "screen 2", "screen 3"]


def test_pause_with_a_duration_resumes_by_the_clock() -> None:
    rig = Rig()
    rig.pipeline.pause(timedelta(minutes=5))
    rig.tick_screen(1)
    stats = rig.pipeline.stats()
    assert stats.state == "paused" and stats.paused_until == rig.clock.now + timedelta(minutes=5)
    rig.clock.advance(minutes=4, seconds=59)
    rig.tick_screen(2)
    assert rig.grabber.grabs == 0 and rig.pipeline.stats().state == "paused"
    rig.clock.advance(seconds=1)
    assert rig.pipeline.stats().state == "recording"  # the status view sees the pause end without a tick
    rig.tick_screen(3)
    assert rig.grabber.grabs == 1
    assert [r.text for r in rig.finish()] == ["screen 3"]


def test_indefinite_pause_lasts_until_resume() -> None:
    rig = Rig()
    rig.pipeline.pause(None)
    rig.clock.advance(days=3)
    rig.tick_screen(1)
    assert rig.grabber.grabs == 0 and rig.pipeline.stats().paused_until is None
    rig.pipeline.resume()
    rig.tick_screen(2)
    assert [r.text for r in rig.finish()] == ["screen 2"]


def test_bounded_ocr_queue_drops_the_oldest_waiting_frame_and_counts_it() -> None:
    rig = Rig(ocr_queue_size=2)
    rig.ocr.gate.clear()
    rig.tick_screen(1)
    assert rig.ocr.started.wait(10)  # the worker holds frame 1 in OCR
    for n in (2, 3, 4, 5):
        rig.tick_screen(n)
    stats = rig.pipeline.stats()
    assert stats.ocr_dropped == 2 and stats.ocr_queue_depth == 3  # 2 waiting + 1 being read
    rig.ocr.gate.set()
    records = rig.finish()
    assert [(r.ocr_status, r.text) for r in records] == [
        ("ok", "screen 1"),
        ("dropped", ""),
        ("dropped", ""),
        ("ok", "screen 4"),
        ("ok", "screen 5"),
    ]
    dropped = records[1]
    assert dropped.app == "Code" and dropped.thumbnail is None and dropped.mean_conf is None
    assert rig.ocr.calls == [1, 4, 5]


def test_excluded_window_never_reaches_the_sink() -> None:
    rig = Rig()
    rig.probe.window = WindowInfo("KeePassXC", "Passwords.kdbx - KeePassXC", pid=7)
    for n in range(1, 6):
        rig.tick_screen(n)
    stats = rig.pipeline.stats()
    assert rig.grabber.grabs == 0 and stats.frames_excluded == 5
    assert stats.last_skip_reason == "excluded app: KeePassXC"
    rig.probe.window = WindowInfo("firefox", "Private Browsing — Mozilla Firefox")
    rig.tick_screen(6)
    rig.probe.window = WindowInfo("Code", "main.py - Visual Studio Code")
    rig.tick_screen(7)
    records = rig.finish()
    assert [(r.app, r.text) for r in records] == [("Code", "screen 7")]
    assert rig.ocr.calls == [7]


def test_secrets_are_redacted_from_text_and_title_and_masked_in_the_thumbnail() -> None:
    rig = Rig()
    rig.ocr.extra = lambda n: [Word(TOKEN, 100, 200, 300, 24, 91.0)]
    rig.probe.window = WindowInfo("xterm", "export PWD: hunter2x - xterm")
    rig.tick_screen(1)
    (record,) = rig.finish()
    assert record.text == "screen 1 [REDACTED:github_token]" and TOKEN not in record.text
    assert record.title == "export PWD: [REDACTED:password] - xterm"
    assert set(record.secrets) == {Secret("github_token", TOKEN), Secret("password", "hunter2x")}
    assert record.redactions == 2 and rig.pipeline.stats().redactions == 2
    assert record.thumbnail is not None and record.thumbnail[8:12] == b"WEBP"
    thumb = Image.open(io.BytesIO(record.thumbnail)).convert("L")
    assert thumb.width == 480  # 640 px screen scaled down
    scale = 480 / W
    gray = np.asarray(thumb)
    assert gray[int(212 * scale), int(250 * scale)] < 40  # the token's box is blacked out
    assert gray[int(375 * scale), int(50 * scale)] > 200  # white screen elsewhere


class ListingProbe(FakeProbe):
    """A probe that can also list visible windows (as the X11 one does)."""

    def __init__(self, visible: list[WindowInfo]) -> None:
        super().__init__()
        self.visible = visible

    def visible_windows(self) -> list[WindowInfo]:
        return [self.window, *self.visible] if self.window else self.visible


def test_visible_excluded_window_is_blacked_out_before_ocr() -> None:
    rig = Rig()
    rig.probe.window = WindowInfo("Code", "notes.md - Code", pid=42, geometry=(0, 0, 640, 400))
    keepass = WindowInfo("KeePassXC", "Passwords.kdbx - KeePassXC", geometry=(400, 0, 300, 400))
    other = WindowInfo("Slack", "general - Slack", geometry=(0, 300, 200, 100))
    rig.pipeline.probe = ListingProbe([keepass, other])
    rig.pipeline.probe.window = rig.probe.window
    rig.tick_screen(1)
    records = rig.finish()
    code, slack = rig.ocr.images  # each window is read apart, the focused one first
    assert code.getpixel((500, 20)) == (0, 0, 0)  # inside KeePassXC's box (clipped to the screen)
    assert code.getpixel((639, 399)) == (0, 0, 0)
    assert code.getpixel((399, 20)) == (255, 255, 255)  # just left of it: untouched
    assert code.getpixel((10, 390)) == (0, 0, 0)  # Slack, in front: not the editor's text
    assert slack.size == (200, 100) and slack.getpixel((10, 90)) == (255, 255, 255)  # Slack, read on its own
    assert [(r.app, r.text, r.focused) for r in records] == [("Code", "screen 1", True), ("Slack", "screen 255", False)]
    assert rig.pipeline.stats().windows_masked == 1


def test_ocr_unavailable_still_records_metadata() -> None:
    rig = Rig()
    rig.ocr.ok = False
    rig.tick_screen(1)
    records = rig.finish()
    assert [(r.ocr_status, r.text, r.app) for r in records] == [("unavailable", "", "Code")]
    assert rig.pipeline.stats().ocr_status == "unavailable: install tesseract-ocr"


def test_ocr_disabled_records_are_skipped() -> None:
    rig = Rig(ocr_enabled=False, thumbnails=False)
    rig.tick_screen(1)
    (record,) = rig.finish()
    assert (record.ocr_status, record.thumbnail, record.mean_conf) == ("skipped", None, None)
    assert rig.ocr.calls == []


def test_locked_and_idle_screens_are_not_grabbed() -> None:
    rig = Rig(idle_after_seconds=60)
    rig.probe.locked = True
    rig.tick_screen(1)
    assert rig.pipeline.stats().state == "locked"
    rig.probe.locked, rig.probe.idle = False, 61.0
    rig.tick_screen(2)
    assert rig.pipeline.stats().state == "idle" and rig.grabber.grabs == 0
    rig.probe.idle = 3.0
    rig.tick_screen(3)
    assert rig.pipeline.stats().state == "recording"
    assert [r.text for r in rig.finish()] == ["screen 3"]


def test_switching_apps_records_even_when_the_pixels_barely_change() -> None:
    rig = Rig()
    rig.tick_screen(1)
    rig.pipeline.tick()
    rig.probe.window = WindowInfo("Slack", "general - Slack")
    rig.pipeline.tick()
    rig.probe.window = WindowInfo("Slack", "random - Slack")  # a title change alone does not count
    rig.pipeline.tick()
    assert [r.app for r in rig.finish()] == ["Code", "Slack"]


def test_capture_once_forces_a_record_and_ignores_a_pause() -> None:
    rig = Rig()
    rig.tick_screen(1)
    rig.pipeline.pause(None)
    (record,) = rig.pipeline.capture_once()
    assert record.text == "screen 1" and record.ocr_status == "ok"
    assert len(rig.finish()) == 2


def test_capture_once_respects_exclusions_and_raises_without_a_display() -> None:
    rig = Rig()
    rig.probe.window = WindowInfo("Bitwarden", "Vault")
    assert rig.pipeline.capture_once() == []
    rig.probe.window = WindowInfo("Code", "x")
    rig.grabber.error = CaptureUnavailable("no display: set DISPLAY or run under X11")
    with pytest.raises(CaptureUnavailable):
        rig.pipeline.capture_once()
    rig.pipeline.tick()  # a scheduled tick does not raise: the state says why
    assert rig.pipeline.stats().state == "unavailable: no display: set DISPLAY or run under X11"
    rig.finish()


def test_a_failing_sink_loses_one_record_not_the_worker() -> None:
    rig = Rig()
    calls: list[CapturedFrame] = []

    def flaky(record: CapturedFrame) -> None:
        calls.append(record)
        if len(calls) == 1:
            raise OSError("disk full")
        rig.records.append(record)

    rig.pipeline.sink = flaky
    rig.tick_screen(1)
    rig.tick_screen(2)
    assert [r.text for r in rig.finish()] == ["screen 2"]
    assert rig.pipeline.stats().record_errors == 1


def test_stop_records_waiting_frames_without_ocr_and_joins_the_worker() -> None:
    rig = Rig()
    rig.ocr.gate.clear()
    rig.tick_screen(1)
    assert rig.ocr.started.wait(10)
    rig.tick_screen(2)
    worker = rig.pipeline._worker
    threading.Timer(0.2, rig.ocr.gate.set).start()
    rig.pipeline.stop(timeout=10)  # finishes frame 1, records frame 2 as metadata only
    assert worker is not None and not worker.is_alive()
    assert [(r.ocr_status, r.text) for r in rig.records] == [("ok", "screen 1"), ("dropped", "")]
    rig.tick_screen(3)
    assert rig.grabber.grabs == 2 and rig.pipeline.stats().state == "stopped"
    rig.pipeline.stop()  # twice is fine
