"""Capture on a REAL X server (our own Xvfb) with real grabs and tesseract: never the assistant's own
windows, only the parts of a never-record window that really show, and each window's text apart."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.capture.filters import ExclusionRules
from assistant.capture.pipeline import CapturePipeline, PipelineSettings
from assistant.capture.screen import ScreenGrabber
from assistant.capture.window_x11 import X11Probe
from assistant.store.events import list_events
from tests import xdisplay
from tests.conftest import PASSPHRASE
from tests.qt_window import QtTextWindow
from tests.xdisplay import TextWindow

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("needs_tesseract")]
xvfb_display, needs_tesseract = xdisplay.xvfb_display, xdisplay.needs_tesseract

OWN = "Revealed heliotrope 8817 walrus"
OTHER = "Quokka saxophone 7391 marmalade"


def stored_words(app: Assistant) -> set[str]:
    return set(
        re.findall(r"\w+", " ".join(f"{e.title} {e.text}" for e in list_events(app._core.store.db.reader())).lower())
    )


def focus(display: str, window_id: int) -> None:
    from Xlib import X
    from Xlib import display as xdisplay_mod

    d = xdisplay_mod.Display(display)
    try:
        d.create_resource_object("window", window_id).set_input_focus(X.RevertToParent, X.CurrentTime)
        d.sync()
    finally:
        d.close()


def test_the_apps_own_window_is_never_stored(
    xvfb_display: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPLAY", xvfb_display)
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    try:
        # The app's window (a Qt window in a child process that registers as ours, as the app's UI does),
        # with another window in front of its lower half.
        with QtTextWindow(xvfb_display, OWN, "Search - Memory assistant", (50, 50, 1800, 700)) as own:
            app.capture.register_own_window(own.window_id)
            with TextWindow(xvfb_display, OTHER, title="Zoo notes - Scratchpad", geometry=(100, 450, 1400, 500)):
                assert app.capture.once() == 1
                focus(xvfb_display, own.window_id)  # our window active: the frame is skipped whole
                assert app.capture.once() == 0
        words = stored_words(app)
        assert {"quokka", "saxophone", "marmalade", "scratchpad"} <= words
        assert not words & {"heliotrope", "8817", "walrus", "revealed"}
        assert app.search.find("heliotrope walrus") == []
    finally:
        app.close()


def test_excluded_window_behind_the_active_one_masks_only_what_shows(xvfb_display: str) -> None:
    """A password manager left open BEHIND the active window: the part of it that shows is blacked
    out, the active window in front of it is read (it used to be erased with it)."""
    from assistant.ocr.tesseract import TesseractOcr

    records: list = []  # type: ignore[type-arg]
    probe = X11Probe(xvfb_display)
    pipeline = CapturePipeline(
        ScreenGrabber("primary"),
        probe,
        TesseractOcr(),
        ExclusionRules.with_defaults(),
        records.append,
        PipelineSettings(thumbnails=False),
    )
    try:
        with (
            TextWindow(
                xvfb_display,
                "Vault entry Zanzibar 4412",
                title="vault.kdbx - KeePassXC",
                wm_class="keepassxc",
                geometry=(100, 100, 1700, 850),
                focus=False,
            ),
            TextWindow(xvfb_display, OTHER, title="Zoo notes - Scratchpad", geometry=(100, 300, 1400, 500)),
        ):
            (record,) = pipeline.capture_once()
    finally:
        pipeline.stop()
    words = set(record.text.lower().split())
    assert {"quokka", "saxophone", "7391", "marmalade"} <= words
    assert not words & {"vault", "entry", "zanzibar", "4412"}
    assert pipeline.stats().windows_masked == 1


INVOICE = "Invoice 4471 walnut 982 euros"
BANK = "Bank transfer pelican 3306 approved"


def test_side_by_side_windows_are_read_apart_and_stored_under_their_own_titles(
    xvfb_display: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two windows side by side, their lines at the same heights: whole-screen OCR merged them line by
    line under the active window's title. Each window's text now has its own event and title."""
    monkeypatch.setenv("DISPLAY", xvfb_display)
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    try:
        with (
            TextWindow(
                xvfb_display,
                INVOICE.replace("walnut", "\nwalnut"),
                title="Invoice 4471 - Ledger",
                wm_class="ledger",
                geometry=(0, 0, 950, 400),
                focus=False,
            ),
            TextWindow(
                xvfb_display,
                BANK.replace("pelican", "\npelican"),
                title="Bank login - Browser",
                wm_class="browser",
                geometry=(970, 0, 950, 400),
            ),
        ):
            assert app.capture.once() == 2
        events = {e.title: e for e in list_events(app._core.store.db.reader(), kind="screen")}
        assert set(events) == {"Invoice 4471 - Ledger", "Bank login - Browser"}
        ledger = set(re.findall(r"\w+", events["Invoice 4471 - Ledger"].text.lower()))
        bank = set(re.findall(r"\w+", events["Bank login - Browser"].text.lower()))
        assert {"walnut", "982", "euros"} <= ledger and not ledger & {"pelican", "3306", "approved", "transfer"}
        assert {"pelican", "3306", "approved"} <= bank and not bank & {"walnut", "982", "euros", "invoice"}
        (hit,) = [h for h in app.search.find("walnut euros") if h.type == "screen"]
        assert "Invoice 4471 - Ledger" in hit.text and "pelican" not in hit.text.lower()
        day = events["Bank login - Browser"].occurred_at
        blocks = app.timeline.between(day - timedelta(minutes=1), day + timedelta(minutes=1)).blocks
        assert [b.title for b in blocks] == ["Bank login - Browser"]  # the focused window is the activity
    finally:
        app.close()


def test_the_apps_own_menu_or_tooltip_is_blacked_out_too(xvfb_display: str) -> None:
    """A tooltip or menu of the app (override-redirect: no window manager lists it) over another window."""
    from Xlib import Xatom
    from Xlib import display as xdisplay_mod

    from assistant.capture.own_windows import OwnWindows
    from assistant.ocr.tesseract import TesseractOcr

    records: list = []  # type: ignore[type-arg]
    own = OwnWindows(pids=())
    pipeline = CapturePipeline(
        ScreenGrabber("primary"),
        X11Probe(xvfb_display),
        TesseractOcr(),
        ExclusionRules(),
        records.append,
        PipelineSettings(thumbnails=False),
        own=own,
    )
    d = xdisplay_mod.Display(xvfb_display)
    try:
        with (
            TextWindow(xvfb_display, OTHER, title="Zoo notes - Scratchpad", geometry=(100, 100, 1400, 700)) as notes,
            TextWindow(
                xvfb_display, OWN, title="", geometry=(150, 500, 1300, 200), focus=False, override_redirect=True
            ) as tooltip,
        ):
            # As a window manager would: it lists the managed window only.
            d.screen().root.change_property(d.intern_atom("_NET_CLIENT_LIST"), Xatom.WINDOW, 32, [notes.window_id])
            d.sync()
            own.register(tooltip.window_id)
            (record,) = pipeline.capture_once()
    finally:
        pipeline.stop()
        d.close()
    words = set(record.text.lower().split())
    assert {"quokka", "saxophone", "marmalade"} <= words
    assert not words & {"heliotrope", "8817", "walrus", "revealed"}
