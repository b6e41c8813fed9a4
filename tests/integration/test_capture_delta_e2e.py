"""Delta storage end to end on a real X window read by tesseract: the second capture of a window stores
only its new lines, naming its keyframe; both phrases are found by search, and the secret that appears
in the new lines goes only to the vault."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from assistant.api import Assistant
from tests import xdisplay
from tests.conftest import PASSPHRASE
from tests.unit.test_canary import assert_no_plaintext
from tests.xdisplay import TextWindow

pytestmark = pytest.mark.integration
xvfb_display = xdisplay.xvfb_display

FIRST = "Wombat tuba 4822 quince"
SECOND = "Marmoset kazoo 9135 damson"
TOKEN = "AKIAQ7XK3PLM4RTVHWEC"


@pytest.fixture(autouse=True)
def _needs_tesseract() -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract-ocr not installed (scripts/setup.sh installs it on Debian/Ubuntu)")


def test_a_second_capture_stores_only_the_new_lines(
    xvfb_display: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPLAY", xvfb_display)
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    app.settings.current.capture.keep_thumbnails = False
    lines = [FIRST, "budget review on friday", "the harbour lantern is lit"]
    with TextWindow(
        xvfb_display, "\n".join(lines), title="Notes - Scratchpad", wm_class="scratchpad", font_size=40
    ) as win:
        assert app.capture.once() == 1
        win.set_text("\n".join([*lines, SECOND, f"aws key {TOKEN}"]))
        assert app.capture.once() == 1
    keyframe_hit = app.search.find("wombat tuba quince")[0]
    delta_hit = app.search.find("marmoset kazoo damson")[0]
    keyframe, delta = app.memories.event(keyframe_hit.id), app.memories.event(delta_hit.id)
    assert FIRST in keyframe.text and "keyframe" not in keyframe.meta
    assert delta.meta["keyframe"] == keyframe.id and delta.meta["lines"] >= 5
    assert SECOND in delta.text and "[REDACTED:aws_key]" in delta.text
    assert FIRST not in delta.text and "harbour" not in delta.text  # the lines it shared are not stored again
    (block,) = app.timeline.between(keyframe.occurred_at, delta.occurred_at + timedelta(seconds=1)).blocks
    assert block.event_ids == [keyframe.id, delta.id]
    assert app.search.find(TOKEN) == []
    vault = app.memories.latest("vault")
    assert len(vault) == 1 and vault[0].sources[0].event_id == delta.id
    app.close()
    for marker in (FIRST, SECOND, TOKEN):
        assert_no_plaintext(data_dir, marker)
