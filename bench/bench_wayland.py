"""Capture cost on Wayland (a private headless sway, 1920x1080) against X11 (a private Xvfb) in one run.

Measures, each the median of `--frames` calls on a static screen showing the same text window:
  1. a grab: mss on Xvfb (the baseline), grim's screencopy, and the real screenshot portal when its
     programs are installed (xdg-desktop-portal, -wlr, -gtk, pipewire);
  2. a capture tick on a static screen (grab + window probe + change test) on each route;
  3. the window probe alone: python-xlib on Xvfb, sway's IPC on sway.

    .venv/bin/python bench/bench_wayland.py --frames 20

Run as root (sway runs as an unprivileged user, as in the tests). Times depend on the machine's load:
the ratios to the mss baseline measured in the same run hold better than the absolute figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.capture import wayland
from assistant.capture.filters import ExclusionRules
from assistant.capture.pipeline import CapturePipeline, PipelineSettings
from assistant.capture.portal import PortalGrabber
from assistant.capture.screen import ScreenGrabber
from assistant.capture.window_x11 import X11Probe
from tests.wayland_portal import PortalStack, portal_missing
from tests.wayland_session import SwaySession, WaylandTextWindow
from tests.xdisplay import TextWindow, XvfbServer

TEXT = "Quokka saxophone 7391 marmalade"


def median_ms(fn: Callable[[], Any], n: int) -> float:
    fn()  # the first call opens connections
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def static_tick(grabber: Any, probe: Any) -> Callable[[], None]:
    pipeline = CapturePipeline(grabber, probe, None, ExclusionRules(), lambda _r: None, PipelineSettings())
    pipeline.tick()  # keeps the first frame; later ticks see an unchanged screen
    return pipeline.tick


def x11_figures(n: int) -> dict[str, float]:
    server = XvfbServer()
    try:
        with TextWindow(server.display, TEXT, title="Bench - Viewer"):
            grabber, probe = ScreenGrabber("primary", display=server.display), X11Probe(server.display)
            try:
                return {
                    "grab": median_ms(grabber.grab, n),
                    "probe": median_ms(probe.active_window, n),
                    "tick": median_ms(static_tick(grabber, probe), n),
                }
            finally:
                grabber.close()
                probe.close()
    finally:
        server.close()


def wayland_figures(n: int) -> dict[str, float]:
    session = SwaySession()
    saved = dict(os.environ)
    os.environ.pop("DISPLAY", None)
    os.environ.update(session.env)
    try:
        with WaylandTextWindow(session, TEXT, title="Bench - Viewer"):
            grabber, probe, _ = wayland.build("primary")
            out = {
                "grab": median_ms(grabber.grab, n),
                "probe": median_ms(probe.active_window, n),
                "tick": median_ms(static_tick(grabber, probe), n),
            }
            if not portal_missing():
                stack = PortalStack(session)
                portal = PortalGrabber(stack.address)
                try:
                    out["portal grab"] = median_ms(portal.grab, n)
                    out["portal tick"] = median_ms(static_tick(portal, probe), n)
                finally:
                    portal.close()
                    stack.close()
            return out
    finally:
        os.environ.clear()
        os.environ.update(saved)
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=20)
    args = parser.parse_args()
    x11 = x11_figures(args.frames)
    way = wayland_figures(args.frames)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"X11 (mss, Xlib): grab {x11['grab']:.1f} ms, tick {x11['tick']:.1f} ms, probe {x11['probe']:.2f} ms")
    print(
        f"sway (grim): grab {way['grab']:.1f} ms ({way['grab'] / x11['grab']:.0f}x mss), "
        f"tick {way['tick']:.1f} ms ({way['tick'] / x11['tick']:.0f}x), probe {way['probe']:.2f} ms "
        f"({way['probe'] / x11['probe']:.2f}x Xlib)"
    )
    if "portal grab" in way:
        print(
            f"sway (portal): grab {way['portal grab']:.1f} ms ({way['portal grab'] / x11['grab']:.0f}x mss, "
            f"{way['portal grab'] / way['grab']:.1f}x grim), tick {way['portal tick']:.1f} ms"
        )


if __name__ == "__main__":
    main()
