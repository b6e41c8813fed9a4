"""Change detection: cheap, ignores a blinking cursor, notices text, and compares with the last KEPT frame."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from assistant.capture.frames import Frame
from assistant.capture.screen import ChangeDetector

W, H = 1920, 1080


def screen() -> npt.NDArray[np.uint8]:
    pixels = np.full((H, W, 4), 255, dtype=np.uint8)
    pixels[:40, :, :3] = 60  # a dark title bar
    return pixels


def draw_text(pixels: npt.NDArray[np.uint8], x: int, y: int, chars: int, seed: int) -> None:
    """Glyph-like strokes: 12x20 px per character, dark pixels in a pattern that depends on `seed`."""
    rng = np.random.default_rng(seed)
    for i in range(chars):
        glyph = rng.random((20, 12)) < 0.3
        pixels[y : y + 20, x + i * 12 : x + (i + 1) * 12, :3][glyph] = 20


def frame(pixels: npt.NDArray[np.uint8], monitor: int = 1) -> Frame:
    h, w = pixels.shape[:2]
    return Frame(monitor, w, h, pixels.tobytes(), datetime.now(UTC))


def test_first_frame_is_kept_and_an_identical_one_is_not() -> None:
    det = ChangeDetector()
    assert det.observe(frame(screen()))
    assert not det.observe(frame(screen()))


def test_blinking_cursor_and_clock_digit_are_ignored() -> None:
    det = ChangeDetector()
    base = screen()
    assert det.observe(frame(base))
    blink = base.copy()
    blink[500:518, 300:302, :3] = 0  # a 2x18 text cursor
    blink[10:30, 1800:1812, :3] = 250  # one clock digit in the title bar changes
    assert not det.observe(frame(blink))


def test_a_line_of_new_text_is_noticed() -> None:
    det = ChangeDetector()
    base = screen()
    assert det.observe(frame(base))
    typed = base.copy()
    draw_text(typed, 100, 300, chars=30, seed=1)  # about 360 px of text
    assert det.observe(frame(typed))


def test_slow_typing_adds_up_against_the_last_kept_frame() -> None:
    det = ChangeDetector()
    pixels = screen()
    assert det.observe(frame(pixels))
    kept_at = []
    for step in range(12):  # two characters per tick: each tick alone is below the threshold
        draw_text(pixels, 100 + step * 24, 300, chars=2, seed=step)
        if det.observe(frame(pixels)):
            kept_at.append(step)
    assert kept_at, "accumulated typing never counted as a change"
    assert kept_at[0] > 0, "a two-character change alone should not count"


def test_references_are_per_monitor() -> None:
    det = ChangeDetector()
    assert det.observe(frame(screen(), monitor=1))
    assert det.observe(frame(screen(), monitor=2))  # first frame of monitor 2
    assert not det.observe(frame(screen(), monitor=2))


def test_force_reset_and_resolution_change() -> None:
    det = ChangeDetector()
    assert det.observe(frame(screen()))
    assert det.observe(frame(screen()), force=True)
    det.reset()
    assert det.observe(frame(screen()))
    small = np.full((768, 1366, 4), 255, dtype=np.uint8)
    assert det.observe(frame(small))


def test_threshold_is_a_fraction_of_the_screen() -> None:
    strict, lax = ChangeDetector(threshold=0.0), ChangeDetector(threshold=0.5)
    base, changed = screen(), screen()
    draw_text(changed, 100, 300, chars=30, seed=3)
    for det in (strict, lax):
        det.observe(frame(base))
    fraction = lax.changed_fraction(frame(changed))
    assert 0.002 < fraction < 0.5  # 30 characters: a few dozen of the 3600 cells
    assert lax.changed_fraction(frame(changed)) == fraction  # measuring keeps nothing
    assert strict.observe(frame(changed))
    assert not lax.observe(frame(changed))


def test_an_unchanged_1080p_frame_costs_a_few_milliseconds_at_most() -> None:
    det = ChangeDetector()
    f = frame(screen())
    det.observe(f)
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        det.observe(f)
        times.append(time.perf_counter() - t0)
    # About 1 ms measured on a 2-core VM; 25 ms would mean the comparison stopped being cheap.
    assert statistics.median(times) < 0.025
