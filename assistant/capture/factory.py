"""Building the real capture pipeline from the user's settings (config.toml's [capture] table)."""

from __future__ import annotations

from typing import cast

from assistant.capture.filters import ExclusionRules
from assistant.capture.pipeline import CapturePipeline, Sink
from assistant.capture.record import PipelineSettings
from assistant.capture.screen import MonitorChoice, ScreenGrabber
from assistant.capture.window import probe_for_session
from assistant.config import CaptureSettings
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


def build_pipeline(config: CaptureSettings, sink: Sink) -> CapturePipeline:
    """The pipeline for this machine's display. Raises CaptureUnavailable (no display, Wayland...)
    before anything starts; a missing tesseract does not raise: records then say "unavailable".

    The exclusion lists in the settings add to the built-in ones (password managers, private
    browsing), which always apply.
    """
    if config.monitors not in ("primary", "all"):
        raise ValueError(f"capture.monitors must be 'primary' or 'all', not {config.monitors!r}")
    probe = probe_for_session()
    grabber = ScreenGrabber(monitors=cast(MonitorChoice, config.monitors))
    ocr = TesseractOcr(tesseract_cmd=config.tesseract_path or "tesseract", min_conf=config.ocr_min_confidence)
    rules = exclusion_rules(config)
    return CapturePipeline(grabber, probe, ocr, rules, sink, pipeline_settings(config))
