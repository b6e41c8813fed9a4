"""config.toml keeps only what the user changed, so better defaults reach users who never chose a value."""

from __future__ import annotations

import tomllib
from pathlib import Path

from assistant.config import Settings, load_settings, save_settings


def test_the_file_holds_only_the_values_the_user_changed(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    settings = Settings()
    settings.capture.interval_seconds = 7
    settings.capture.excluded_apps = ["Signal"]
    settings.privacy.local_only = False
    save_settings(path, settings)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data == {
        "format": 2,
        "capture": {"interval_seconds": 7, "excluded_apps": ["Signal"]},
        "privacy": {"local_only": False},
    }
    again = load_settings(path)
    assert again == settings


def test_a_format_1_file_takes_the_new_defaults_where_it_held_the_old_ones(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    # What format 1 wrote: every value, defaults included (here the old OCR cutoff and interval).
    path.write_text(
        "[capture]\nocr_min_confidence = 60\ninterval_seconds = 7\n"
        "[consolidation]\ninterval_minutes = 10.0\nraw_retention_days = 30\n",
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert settings.capture.ocr_min_confidence == Settings().capture.ocr_min_confidence == 0
    assert settings.consolidation.interval_minutes == Settings().consolidation.interval_minutes
    assert settings.capture.interval_seconds == 7 and settings.consolidation.raw_retention_days == 30


def test_a_format_2_file_keeps_a_value_the_user_chose_even_if_it_was_an_old_default(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    settings = Settings()
    settings.capture.ocr_min_confidence = 60  # chosen in Settings after the upgrade
    save_settings(path, settings)
    assert load_settings(path).capture.ocr_min_confidence == 60
