"""Capture end to end as a user runs it: a real X window on our own Xvfb, `assistant capture once`,
then `assistant search` finds the phrase, the secret on screen lands only in the vault, and nothing
of it is on disk in plaintext."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant.api import Assistant
from tests import xdisplay
from tests.conftest import PASSPHRASE, run_cli
from tests.unit.test_canary import assert_no_plaintext
from tests.xdisplay import TextWindow

pytestmark = pytest.mark.integration
xvfb_display = xdisplay.xvfb_display

PHRASE = "Wombat tuba 4822 quince"
TOKEN = "AKIAQ7XK3PLM4RTVHWEC"  # AWS-shaped: OCR reads capitals and digits reliably


@pytest.fixture(autouse=True)
def _needs_tesseract() -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract-ocr not installed (scripts/setup.sh installs it on Debian/Ubuntu)")


def test_capture_once_then_search_finds_the_phrase(xvfb_display: str, data_dir: Path) -> None:
    assert run_cli(data_dir, "init").returncode == 0
    with TextWindow(xvfb_display, f"{PHRASE}\naws key {TOKEN}", title="Notes - Scratchpad", wm_class="scratchpad"):
        r = run_cli(data_dir, "capture", "once", "--json", env={"DISPLAY": xvfb_display})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["stored"] == 1
    hits = json.loads(run_cli(data_dir, "search", "wombat tuba quince", "--json").stdout)
    assert hits and hits[0]["type"] == "screen"
    assert "Wombat" in hits[0]["text"] and "Scratchpad" in hits[0]["text"]
    assert TOKEN not in hits[0]["text"]
    assert json.loads(run_cli(data_dir, "search", TOKEN, "--json").stdout) == []
    vault = json.loads(run_cli(data_dir, "memory", "list", "--type", "vault", "--json").stdout)
    assert len(vault) == 1 and "“Notes - Scratchpad”" in vault[0]["fields"]["caption"], hits[0]["text"]
    revealed = run_cli(data_dir, "vault", "reveal", vault[0]["id"])
    secret = revealed.stdout.strip()  # as OCR read it: a glyph may differ, the shape may not
    assert secret.startswith("AKIA") and len(secret) == len(TOKEN)
    assert sum(a == b for a, b in zip(secret, TOKEN, strict=True)) >= len(TOKEN) - 2
    for marker in ("Wombat tuba", "quince", TOKEN, secret):
        assert_no_plaintext(data_dir, marker)


def test_excluded_window_is_never_stored(xvfb_display: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", xvfb_display)
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    with TextWindow(xvfb_display, PHRASE, title="Secret stuff — Private Browsing", wm_class="firefox"):
        assert app.capture.once() == 0
    assert app.status().events == {}
    assert app.search.find("wombat") == []
    app.close()


def test_capture_run_keeps_one_frame_of_a_static_screen(
    xvfb_display: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("DISPLAY", xvfb_display)
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    app.settings.current.capture.interval_seconds = 0.2
    with TextWindow(xvfb_display, PHRASE, title="Static - Viewer", wm_class="viewer"):
        app.capture.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and getattr(app.capture.status().stats, "frames_seen", 0) < 10:
            time.sleep(0.2)
        stats = app.capture.status().stats
        app.capture.stop()
    assert stats is not None and stats.frames_seen >= 10
    assert stats.frames_kept == 1
    assert app.status().events == {"screen": 1}
    assert not app.settings.current.capture.enabled
    app.close()
