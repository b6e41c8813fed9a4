"""What capture blacks out or skips: the assistant's own windows, and never-record windows only where
they show (fake grabber, probe and OCR from test_pipeline)."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from assistant.api import Assistant
from assistant.capture.frames import Frame, WindowInfo
from assistant.capture.layout import plan
from assistant.capture.own_windows import OwnWindows
from assistant.capture.regions import area, subtract
from assistant.ocr.engine import Word
from tests.unit.test_pipeline import FakeProbe, Rig


class StackProbe(FakeProbe):
    def __init__(self, active: WindowInfo, stack: list[WindowInfo]) -> None:
        super().__init__()
        self.window, self.stack = active, stack

    def visible_windows(self) -> list[WindowInfo]:
        return self.stack


def test_subtract_keeps_only_the_uncovered_parts() -> None:
    assert subtract((0, 0, 100, 100), []) == [(0, 0, 100, 100)]
    assert subtract((0, 0, 100, 100), [(200, 200, 300, 300)]) == [(0, 0, 100, 100)]  # apart
    assert subtract((0, 0, 100, 100), [(-10, -10, 110, 110)]) == []  # covered whole
    ring = subtract((0, 0, 100, 100), [(20, 30, 70, 80)])
    assert area(ring) == 100 * 100 - 50 * 50
    assert sorted(ring) == [(0, 0, 100, 30), (0, 30, 20, 80), (0, 80, 100, 100), (70, 30, 100, 80)]
    assert subtract((0, 0, 100, 100), [(0, 0, 100, 60), (0, 50, 40, 100)]) == [(40, 60, 100, 100)]


def test_own_windows_by_pid_or_registered_id() -> None:
    own = OwnWindows()
    assert own.is_own(WindowInfo("python3", "Memory assistant", pid=os.getpid()))
    assert not own.is_own(WindowInfo("qt", "Memory assistant", pid=1, window_id=77))
    own.register(77)
    assert own.is_own(WindowInfo("qt", "Memory assistant", pid=1, window_id=77))
    assert not own.is_own(None)


def test_frames_whose_active_window_is_ours_are_skipped() -> None:
    rig = Rig()
    rig.probe.window = WindowInfo("python3", "Search - Memory assistant", pid=os.getpid())
    rig.tick_screen(1)
    stats = rig.pipeline.stats()
    assert (stats.frames_excluded, stats.last_skip_reason) == (1, "the assistant's own window")
    assert rig.finish() == [] and rig.grabber.grabs == 0


def test_excluded_and_own_windows_are_masked_only_where_they_show() -> None:
    rig = Rig(thumbnails=True)
    active = WindowInfo("Code", "notes.md - Code", pid=42, geometry=(100, 100, 300, 200), window_id=1)
    keepass = WindowInfo("KeePassXC", "db - KeePassXC", pid=43, geometry=(0, 0, 640, 400), window_id=2)
    ours = WindowInfo("qt", "Ask - Memory assistant", pid=44, geometry=(450, 0, 190, 90), window_id=3)
    rig.pipeline.own.register(3)  # the default registry of this process: the id is made up, harmless
    rig.pipeline.probe = StackProbe(active, [keepass, active, ours])  # bottom to top: KeePassXC behind
    rig.tick_screen(1)
    (record,) = rig.finish()
    (seen,) = rig.ocr.images  # only the editor is read, and all of it (nothing in front of it)
    assert seen.size == (300, 200)
    assert all(
        seen.getpixel((x, y)) == screen_pixel(rig, 100 + x, 100 + y) for x, y in [(0, 0), (150, 100), (299, 199)]
    )
    assert rig.pipeline.stats().windows_masked == 2
    assert record.thumbnail is not None
    thumb = Image.open(io.BytesIO(record.thumbnail)).convert("RGB").resize((640, 400))
    assert dark(thumb, 10, 390)  # KeePassXC where it shows
    assert dark(thumb, 620, 200)
    assert dark(thumb, 600, 40)  # our window, on top
    assert ImageStat.Stat(thumb.crop((110, 110, 390, 290))).mean[0] > 80  # the editor in front: not masked


def dark(image: Image.Image, x: int, y: int) -> bool:
    value = image.convert("L").getpixel((x, y))
    assert isinstance(value, int)
    return value < 40


def screen_pixel(rig: Rig, x: int, y: int) -> tuple[int, ...]:
    return tuple(int(v) for v in rig.grabber.pixels[y, x, 2::-1])


def test_the_layout_masks_what_shows_and_reads_the_rest_window_by_window() -> None:
    frame = Frame(1, 640, 400, bytes(640 * 400 * 4), datetime(2025, 1, 6, tzinfo=UTC))
    editor = WindowInfo("Code", "notes.md - Code", geometry=(100, 100, 300, 200), window_id=1)
    keepass = WindowInfo("KeePassXC", "db - KeePassXC", geometry=(0, 0, 640, 400), window_id=2)
    chat = WindowInfo("Slack", "general - Slack", geometry=(350, 250, 290, 150), window_id=3)
    tiny = WindowInfo("Clock", "12:00", geometry=(0, 390, 20, 10), window_id=4)
    layout = plan(frame, [keepass, editor, chat, tiny], editor, lambda w: w.app == "KeePassXC")
    assert area(layout.masks) == 640 * 400 - 300 * 200 - 290 * 150 + 50 * 50 - 20 * 10  # what shows of it
    assert layout.masked_windows == 1
    assert [(r.window.app, r.box, r.hidden, r.focused) for r in layout.regions] == [
        ("Code", (100, 100, 400, 300), ((350, 250, 400, 300),), True),  # under Slack's corner
        ("Slack", (350, 250, 640, 400), (), False),
    ]
    only_active = plan(frame, [keepass, editor, chat], editor, lambda w: False, active_only=True)
    assert [r.window.app for r in only_active.regions] == ["Code"]
    behind = WindowInfo("KeePassXC", "db - KeePassXC", geometry=(150, 150, 100, 100), window_id=5)
    hidden_behind = plan(frame, [behind, editor], editor, lambda w: w.app == "KeePassXC")
    assert (hidden_behind.masks, hidden_behind.masked_windows) == ([], 0)  # it does not show: nothing to mask


def test_a_secret_in_a_background_window_is_redacted_and_never_stored_in_plaintext(app: Assistant) -> None:
    """Canary for the per-window records: a token read in the window beside the active one."""
    from assistant.capture.writer import FrameWriter
    from tests.unit.test_canary import assert_no_plaintext
    from tests.unit.test_pipeline import TOKEN

    rig = Rig()
    editor = WindowInfo("Code", "notes.md - Code", geometry=(0, 0, 320, 400), window_id=1)
    chat = WindowInfo("Slack", "general - Slack", geometry=(320, 0, 320, 400), window_id=2)
    rig.pipeline.probe = StackProbe(editor, [chat, editor])
    rig.ocr.extra = lambda n: [Word(TOKEN, 10, 40, 300, 24, 91.0)]
    rig.pipeline.sink = FrameWriter(
        app._core.store, thumbnail_budget_bytes=10**6, on_disk_full=lambda _m: None, on_recovered=lambda: None
    )
    records = rig.pipeline.capture_once()
    rig.finish()
    assert [(r.app, r.focused) for r in records] == [("Code", True), ("Slack", False)]
    assert all(TOKEN not in r.text and "[REDACTED:github_token]" in r.text for r in records)
    assert [s.value for s in records[1].secrets] == [TOKEN]
    assert app.status().events == {"screen": 2}
    assert_no_plaintext(app.paths.root, TOKEN)


def test_the_running_desktop_apps_windows_are_ours_in_another_process_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`assistant capture run` in a terminal beside the app: the app's pid is in its lock file."""
    import subprocess
    import sys

    from assistant.paths import runtime_dir

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    app_proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (runtime_dir() / "0123456789abcdef.sock.lock").write_text(f"{app_proc.pid}\nassistant-ui\nhost\n")
        (runtime_dir() / "fedcba9876543210.sock.lock").write_text("999999999\nassistant-ui\nhost\n")  # stale
        own = OwnWindows()
        assert own.is_own(WindowInfo("Memory assistant", "Search", pid=app_proc.pid))
        assert not own.is_own(WindowInfo("firefox", "Docs", pid=999999999))
    finally:
        app_proc.kill()
        app_proc.wait()


def test_popups_are_masked_when_ours_and_otherwise_read_with_the_window_under_them() -> None:
    frame = Frame(1, 640, 400, bytes(640 * 400 * 4), datetime(2025, 1, 6, tzinfo=UTC))
    editor = WindowInfo("Code", "notes.md - Code", geometry=(0, 0, 640, 400), window_id=1)
    menu = WindowInfo("Code", "", geometry=(10, 10, 200, 300), window_id=2, popup=True)
    tooltip = WindowInfo("qt", "", geometry=(300, 300, 200, 40), window_id=3, popup=True)
    layout = plan(frame, [editor, menu, tooltip], editor, lambda w: w.window_id == 3)
    assert layout.masks == [(300, 300, 500, 340)] and layout.masked_windows == 1
    assert [(r.window.window_id, r.hidden) for r in layout.regions] == [(1, ((300, 300, 500, 340),))]
