"""Capture on a REAL Wayland session: our own headless sway, Wayland-native Qt windows, grim's screencopy,
sway's IPC for the window, real tesseract; then `assistant capture once` and `assistant search` as a user
runs them."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.capture import wayland
from assistant.capture.filters import ExclusionRules
from assistant.capture.frames import CapturedFrame, WindowInfo
from assistant.capture.own_windows import OwnWindows
from assistant.capture.pipeline import CapturePipeline, PipelineSettings
from assistant.capture.wayland_grab import GrimGrabber
from assistant.capture.window_atspi import AtspiProbe
from assistant.capture.window_sway import SwayIpc, SwayProbe
from assistant.ocr.tesseract import TesseractOcr
from tests import wayland_portal, wayland_session
from tests.conftest import PASSPHRASE, run_cli
from tests.unit.test_canary import assert_no_plaintext
from tests.wayland_portal import PortalStack
from tests.wayland_session import SwaySession, WaylandTextWindow

pytestmark = pytest.mark.integration
sway_session = wayland_session.sway_session  # the fixtures, under the names the tests ask for
portal = wayland_portal.portal
accessibility = wayland_portal.accessibility

PHRASE = "Quokka saxophone 7391 marmalade"
TITLE = "Zoo notes - Scratchpad"


@pytest.fixture(autouse=True)
def _needs_tesseract() -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract-ocr not installed (scripts/setup.sh installs it on Debian/Ubuntu)")


def words(text: str) -> set[str]:
    return set(text.lower().split())


def test_capture_once_under_sway_then_search_finds_the_phrase(sway_session: SwaySession, data_dir: Path) -> None:
    assert run_cli(data_dir, "init").returncode == 0
    with WaylandTextWindow(sway_session, PHRASE, title=TITLE, app_id="scratchpad") as win:
        done = run_cli(data_dir, "capture", "once", "--json")
        status = run_cli(data_dir, "status")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stored"] == 1
    assert json.loads(done.stdout)["backend"] == "wayland: screen via screencopy (grim); windows via sway IPC"
    assert "dialog" not in done.stderr  # screencopy asks nobody: no consent notice
    assert "capture backend: wayland: screen via screencopy (grim); windows via sway IPC" in status.stdout
    hits = json.loads(run_cli(data_dir, "search", "quokka saxophone marmalade", "--json").stdout)
    assert hits and hits[0]["type"] == "screen"
    app = Assistant(data_dir)
    app.unlock(PASSPHRASE, access="read")
    event = app.memories.event(hits[0]["id"])
    app.close()
    assert (event.app, event.title) == ("scratchpad", TITLE)
    assert {"quokka", "saxophone", "7391", "marmalade"} <= words(event.text)
    assert win.proc.pid  # the window was ours, still up when captured
    assert_no_plaintext(data_dir, "Quokka saxophone")


def test_capture_once_through_the_real_portal_explains_the_dialog_first(
    portal: PortalStack, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(wayland.FORCE_ENV, "portal")  # sway also has screencopy, which is preferred
    assert run_cli(data_dir, "init").returncode == 0
    with WaylandTextWindow(portal.session, PHRASE, title=TITLE, app_id="scratchpad"):
        first = run_cli(data_dir, "capture", "once", "--json")
        second = run_cli(data_dir, "capture", "once", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["stored"] == 1
    assert (
        json.loads(first.stdout)["backend"]
        == "wayland: screen via xdg-desktop-portal (Screenshot); windows via sway IPC"
    )
    assert wayland.DIALOG_NOTICE in first.stderr  # told before the portal could ask
    assert wayland.DIALOG_NOTICE not in second.stderr  # once is enough
    hits = json.loads(run_cli(data_dir, "search", "quokka saxophone marmalade", "--json").stdout)
    assert hits and hits[0]["type"] == "screen" and "Scratchpad" in hits[0]["text"]
    assert not Path("/tmp/out.png").exists()  # where xdg-desktop-portal-wlr leaves its screenshot
    assert_no_plaintext(data_dir, "Quokka saxophone")


def make_pipeline(
    rules: ExclusionRules | None = None, own: OwnWindows | None = None
) -> tuple[CapturePipeline, list[CapturedFrame]]:
    records: list[CapturedFrame] = []
    grabber, probe, _ = wayland.build("primary")
    rules = rules or ExclusionRules.with_defaults()
    pipeline = CapturePipeline(
        grabber, probe, TesseractOcr(), rules, records.append, PipelineSettings(), own=own or OwnWindows()
    )
    return pipeline, records


def test_a_private_browsing_window_is_not_captured(sway_session: SwaySession) -> None:
    pipeline, records = make_pipeline()
    try:
        with WaylandTextWindow(sway_session, PHRASE, title="Secret stuff — Private Browsing", app_id="firefox"):
            assert pipeline.capture_once() == []
            assert pipeline.stats().frames_excluded == 1
        with WaylandTextWindow(sway_session, PHRASE, title="vault.kdbx", app_id="org.keepassxc.KeePassXC"):
            assert pipeline.capture_once() == []
            assert pipeline.stats().last_skip_reason == "excluded app: org.keepassxc.KeePassXC"
    finally:
        pipeline.stop()
    assert records == []


def test_an_unfocused_excluded_window_beside_is_blacked_out(sway_session: SwaySession) -> None:
    rules = ExclusionRules.with_defaults(apps=["ledgerapp"])
    pipeline, _ = make_pipeline(rules)
    try:
        # sway tiles the second window beside the first and focuses it: the ledger stays visible, unfocused.
        with (
            WaylandTextWindow(sway_session, "Zanzibar treasury 4412", title="Accounts", app_id="ledgerapp"),
            WaylandTextWindow(sway_session, "Pelican accordion", title=TITLE, app_id="scratchpad"),
        ):
            (record,) = pipeline.capture_once()
    finally:
        pipeline.stop()
    assert record.title == TITLE and {"pelican", "accordion"} <= words(record.text)
    assert "zanzibar" not in record.text.lower() and "4412" not in record.text
    assert pipeline.stats().windows_masked == 1


def test_the_assistants_own_window_is_skipped_or_blacked_out(sway_session: SwaySession) -> None:
    """Own windows are known by their pid, which sway reports for Wayland clients too."""
    with WaylandTextWindow(sway_session, "Revealed Zanzibar 4412", title="Search - Memory assistant") as ours:
        pipeline, _ = make_pipeline(own=OwnWindows([ours.proc.pid]))
        try:
            assert pipeline.capture_once() == []  # focused: not captured at all
            assert pipeline.stats().last_skip_reason == "the assistant's own window"
            with WaylandTextWindow(sway_session, "Pelican accordion", title=TITLE, app_id="scratchpad"):
                (record,) = pipeline.capture_once()  # beside the focused window: blacked out
        finally:
            pipeline.stop()
    assert record.title == TITLE and {"pelican", "accordion"} <= words(record.text)
    assert "zanzibar" not in record.text.lower() and pipeline.stats().windows_masked == 1


def test_each_output_is_its_own_frame_placed_in_the_layout(sway_session: SwaySession) -> None:
    sway_session.swaymsg("create_output")
    sway_session.swaymsg("output HEADLESS-2 resolution 1280x720 position 1920 0 scale 2")
    sway_session.swaymsg("focus output HEADLESS-2")
    probe = SwayProbe(SwayIpc(sway_session.env["SWAYSOCK"]))
    try:
        every = GrimGrabber("all", outputs=probe.outputs).grab()
        primary = GrimGrabber("primary", outputs=probe.outputs).grab()
    finally:
        probe.close()
    placed = [(f.monitor, f.width, f.height, f.left, f.top, f.scale) for f in every]
    assert placed == [(1, 1920, 1080, 0, 0, 1.0), (2, 1280, 720, 1920, 0, 2.0)]  # a HiDPI output: 2 px a unit
    assert [(f.monitor, f.left) for f in primary] == [(2, 1920)]  # "primary" is the focused output


def test_without_sway_ipc_the_active_window_comes_from_the_accessibility_bus(
    sway_session: SwaySession, accessibility: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What GNOME and KDE offer: no compositor IPC, but the AT-SPI bus knows the active window."""
    monkeypatch.delenv("SWAYSOCK")
    _, probe, picked = wayland.build("primary")
    assert picked.windows == wayland.ATSPI and isinstance(probe, AtspiProbe)
    pipeline, records = make_pipeline()
    assert isinstance(pipeline.probe, AtspiProbe)
    try:
        with WaylandTextWindow(sway_session, PHRASE, title=TITLE, app_id="scratchpad") as win:
            info = _poll(probe.active_window)
            assert info == WindowInfo("scratchpad", TITLE, None, win.proc.pid, None)
            (record,) = pipeline.capture_once()
        with WaylandTextWindow(sway_session, PHRASE, title="vault.kdbx", app_id="KeePassXC"):
            _poll(probe.active_window)
            assert pipeline.capture_once() == []  # excluded by the app the accessibility bus names
    finally:
        pipeline.stop()
        probe.close()
    assert (record.app, record.title) == ("scratchpad", TITLE) and {"quokka", "marmalade"} <= words(record.text)
    assert records == [record]


def _poll(ask: Callable[[], WindowInfo | None], timeout: float = 10.0) -> WindowInfo | None:
    """The toolkit publishes a new window to the accessibility bus a moment after showing it."""
    deadline = time.monotonic() + timeout
    while (found := ask()) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    return found
