"""The plaintext canary, for every capability: a marker the user imports, shows on screen (read by OCR),
has the model consolidate, searches for and asks about must never be on disk unencrypted: not in the
data dir, not in the log, not in any temp file made meanwhile, in UTF-8 or UTF-16, whole or word by word.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.conftest import INPUTS_DIR, InProcessRun
from tests.robustness.fullrun import MARKER
from tests.robustness.helpers import plaintext_hits

pytestmark = pytest.mark.integration
MAX_SCANNED = 64 * 1024 * 1024  # larger new files are model weights and other processes' builds


def test_the_marker_went_through_every_capability(inprocess_run: InProcessRun) -> None:
    """So the scans below look for something that was really there."""
    report = inprocess_run.report
    if inprocess_run.display:
        assert report["captured"] == 1
        assert any(MARKER in text for text in report["screen_texts"]), (report["screen_texts"], report["screen_ocr"])
    assert report["model_status"] == "model pass on" and report["model_calls"] >= 1  # in the model's prompts
    assert report["hits"] > 0 and report["answer"]
    assert report["memories"], "consolidation made memories of it"
    source = inprocess_run.inputs / "inprocess" / "chat.jsonl"
    assert plaintext_hits([source], MARKER), "the scanner finds the marker where it is plaintext"
    assert plaintext_hits([_utf16_copy(source)], MARKER), "in UTF-16 too"


def _utf16_copy(source: Path) -> Path:
    copy = source.with_suffix(".utf16")
    copy.write_bytes(source.read_text(encoding="utf-8").encode("utf-16"))
    return copy


def test_nothing_in_the_data_dir_or_the_log_is_plaintext(inprocess_run: InProcessRun) -> None:
    files = [p for p in inprocess_run.data_dir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"memory.db", "keys.json", "assistant.log"} <= names
    if inprocess_run.display:
        assert any(p.suffix == ".blob" for p in files), "the captured screen's thumbnail is on disk"
    assert plaintext_hits(files, MARKER) == []


def _user_input(path: Path) -> bool:
    """The files these tests hand the app, in this session or another one running beside it."""
    return any(part.startswith(INPUTS_DIR) for part in path.parts)


def test_no_temp_file_made_during_the_run_is_plaintext(inprocess_run: InProcessRun) -> None:
    assert inprocess_run.inputs.name.startswith(INPUTS_DIR)
    files = [
        p for p in inprocess_run.new_temp_files if not _user_input(p) and p.exists() and p.stat().st_size <= MAX_SCANNED
    ]
    assert any(p.resolve().is_relative_to(inprocess_run.data_dir.resolve()) for p in files), (
        "the listing must see the run's own new files"
    )
    assert plaintext_hits(files, MARKER) == []
