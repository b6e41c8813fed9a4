"""What capture blacks out or skips: the assistant's own windows, and never-record windows only where
they show (fake grabber, probe and OCR from test_pipeline)."""

from __future__ import annotations

import os

from assistant.capture.frames import WindowInfo
from assistant.capture.own_windows import OwnWindows
from assistant.capture.regions import area, subtract
from tests.unit.test_pipeline import FakeProbe, Rig

BLACK = (0, 0, 0)


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
    rig = Rig()
    active = WindowInfo("Code", "notes.md - Code", pid=42, geometry=(100, 100, 300, 200), window_id=1)
    keepass = WindowInfo("KeePassXC", "db - KeePassXC", pid=43, geometry=(0, 0, 640, 400), window_id=2)
    ours = WindowInfo("qt", "Ask - Memory assistant", pid=44, geometry=(450, 0, 190, 90), window_id=3)
    rig.pipeline.own.register(3)  # the default registry of this process: the id is made up, harmless
    rig.pipeline.probe = StackProbe(active, [keepass, active, ours])  # bottom to top: KeePassXC behind
    rig.tick_screen(1)
    rig.finish()
    seen = rig.ocr.last_image
    assert seen is not None

    def screen(x: int, y: int) -> tuple[int, ...]:
        return tuple(int(v) for v in rig.grabber.pixels[y, x, 2::-1])

    assert seen.getpixel((10, 390)) == BLACK  # KeePassXC where it shows
    assert seen.getpixel((620, 200)) == BLACK
    assert seen.getpixel((460, 10)) == BLACK  # our window, on top
    assert seen.getpixel((200, 150)) == screen(200, 150)  # the editor in front of KeePassXC: untouched
    assert seen.getpixel((399, 299)) == screen(399, 299)
    assert seen.getpixel((100, 100)) == screen(100, 100)
    assert rig.pipeline.stats().windows_masked == 2
