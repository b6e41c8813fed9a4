"""Seconds since the last input on this display, for the lock watcher's idle trigger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.locking.watcher import IdleSource

if TYPE_CHECKING:
    from assistant.capture.window import WindowProbe


def display_idle() -> IdleSource:
    """Seconds since the last input on this display (X11, Windows, macOS); raises where it cannot tell."""
    probe: WindowProbe | None = None

    def idle() -> float | None:
        nonlocal probe
        if probe is None:
            from assistant.capture.window import probe_for_session

            probe = probe_for_session()
        return probe.idle_seconds()

    return idle
