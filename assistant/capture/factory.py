"""Building the real capture pipeline from the user's settings (config.toml's [capture] table)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

from assistant.capture import wayland
from assistant.capture.filters import ExclusionRules
from assistant.capture.pipeline import CapturePipeline, Grabber, Sink
from assistant.capture.record import PipelineSettings
from assistant.capture.screen import MonitorChoice, ScreenGrabber, check_display_session
from assistant.capture.window import WindowProbe, probe_for_session
from assistant.config import CaptureSettings
from assistant.errors import CaptureUnavailable
from assistant.ocr.tesseract import TesseractOcr


def pipeline_settings(config: CaptureSettings) -> PipelineSettings:
    return PipelineSettings(
        idle_after_seconds=config.idle_seconds,
        ocr_enabled=config.ocr,
        ocr_queue_size=config.ocr_queue_size,
        crop_to_window=config.ocr_active_window_only,
        thumbnails=config.keep_thumbnails,
        thumbnail_width=config.thumbnail_width,
    )


def exclusion_rules(config: CaptureSettings) -> ExclusionRules:
    """The built-in rules plus the user's: a user's list can add to the defaults, never drop one."""
    return ExclusionRules.with_defaults(config.excluded_apps, config.excluded_titles)


def _wall_clock() -> datetime:
    return datetime.now(UTC)


def build_pipeline(config: CaptureSettings, sink: Sink, clock: Callable[[], datetime] | None = None) -> CapturePipeline:
    """The pipeline for this machine's display. Raises CaptureUnavailable (no display, Wayland...)
    before anything starts; a missing tesseract does not raise: records then say "unavailable".

    The exclusion lists in the settings add to the built-in ones (password managers, private
    browsing), which always apply. `clock` stamps the frames instead of the wall clock (X11 only:
    `assistant eval screens` spreads its screens over days); None is the real time.
    """
    if config.monitors not in ("primary", "all"):
        raise ValueError(f"capture.monitors must be 'primary' or 'all', not {config.monitors!r}")
    monitors = cast(MonitorChoice, config.monitors)
    grabber: Grabber
    probe: WindowProbe
    if wayland.applies():
        grabber, probe, _ = wayland.build(monitors)
    else:
        probe = probe_for_session()
        grabber = ScreenGrabber(monitors=monitors, clock=clock or _wall_clock)
    ocr = TesseractOcr(tesseract_cmd=config.tesseract_path or "tesseract", min_conf=config.ocr_min_confidence)
    rules = exclusion_rules(config)
    return CapturePipeline(grabber, probe, ocr, rules, sink, pipeline_settings(config), clock=clock or _wall_clock)


_NATIVE = {
    "win32": "Windows: screen via mss; windows via the Win32 API",
    "darwin": "macOS: screen via mss; windows via Quartz",
}


def session_backend() -> str:
    """How capture reads this session (for `assistant status`): the backends, or why it cannot."""
    if wayland.applies():
        picked = wayland.describe()
        return f"unavailable: {picked}" if isinstance(picked, str) else picked.summary()
    if sys.platform in _NATIVE:
        return _NATIVE[sys.platform]
    try:
        check_display_session()
    except CaptureUnavailable as exc:
        return f"unavailable: {exc}"
    return "X11: screen via mss; windows via Xlib"
