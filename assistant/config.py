"""Typed settings with defaults, kept in config.toml in the data dir.

The file holds only what the user changed (format 2), so a better default reaches everyone who kept the
old one. Format-1 files held every value; at load, a value equal to the format-1 default of a setting
whose default has changed since is taken as never chosen. Unknown keys are ignored."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_type_hints

import tomli_w

from assistant.errors import AssistantError
from assistant.paths import write_atomic

# Never captured, whatever the user's lists say: capture adds these to the user's own rules
# (capture/factory.py), which therefore start empty and can only add.
DEFAULT_EXCLUDED_APPS: tuple[str, ...] = (
    "KeePassXC",
    "KeePass",
    "KeePassX",
    "1Password",
    "Bitwarden",
    "LastPass",
    "Dashlane",
    "Keychain Access",
    "Passwords",
    "Enpass",
    "pass",
    "QtPass",
    "Proton Pass",
    "Seahorse",
    "Tor Browser",  # every Tor Browser window is a private one
)
DEFAULT_EXCLUDED_TITLES: tuple[str, ...] = (
    "Private Browsing",  # Firefox
    "Incognito",  # Chrome, Chromium
    "InPrivate",  # Edge
    r"re:\(Private\)\s*$",  # Brave: "Page - Brave (Private)"
    r"re:\s[—–-]\s*Private\s*$",  # Safari: "Page — Private"
)


@dataclass
class CaptureSettings:
    enabled: bool = False  # off until the user consents
    interval_seconds: float = 3.0
    monitors: str = "all"  # "all" or "primary"
    ocr: bool = True
    ocr_active_window_only: bool = False
    ocr_min_confidence: int = 0  # see assistant/ocr/tsv.py: unsure words are still evidence
    ocr_queue_size: int = 4
    tesseract_path: str = ""
    excluded_apps: list[str] = field(default_factory=list)  # in addition to DEFAULT_EXCLUDED_APPS
    excluded_titles: list[str] = field(default_factory=list)  # in addition to DEFAULT_EXCLUDED_TITLES
    idle_seconds: float = 300.0
    keep_thumbnails: bool = False
    thumbnail_width: int = 480
    thumbnail_retention_days: int = 14
    storage_budget_mb: int = 2048
    notice_shown_for: str = ""  # the Wayland backends whose consent notice the user has seen


@dataclass
class PrivacySettings:
    local_only: bool = True
    lock_after_idle_minutes: float = 15.0  # lock (drop the keys) after this long without input; 0 = never


@dataclass
class ConsolidationSettings:
    interval_minutes: float = 1.0  # the deterministic pass: memories searchable a minute after capture
    batch_events: int = 200
    batch_tokens: int = 3000
    raw_retention_days: int = 90
    use_model: bool = True
    model_idle_seconds: float = 120.0  # the background model pass runs after this long without input...
    model_on_ac: bool = True  # ...or at any time on AC power, where the platform tells (one thread, niced)


@dataclass
class ModelSettings:
    # Which models are active is kept by the model manager's registry (models/registry.json).
    n_ctx: int = 4096
    n_threads: int = 0  # 0 = let llama.cpp decide


@dataclass
class RetrievalSettings:
    # "encrypted" (default: in-process index, encrypted snapshot in the data dir), "memory" (nothing on
    # disk: refilled from the store at each unlock), or "server" (a Chroma server, vectors unencrypted there)
    vector_mode: str = "encrypted"
    server_url: str = ""
    timezone: str = "UTC"


@dataclass
class UiSettings:
    hotkey: str = "<ctrl>+<shift>+<space>"
    start_on_login: bool = False


@dataclass
class BackupSettings:
    keep: int = 5


@dataclass
class Settings:
    capture: CaptureSettings = field(default_factory=CaptureSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    consolidation: ConsolidationSettings = field(default_factory=ConsolidationSettings)
    models: ModelSettings = field(default_factory=ModelSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)

    def get(self, dotted: str) -> Any:
        section, key = _split(dotted)
        return getattr(getattr(self, section), key)

    def set(self, dotted: str, raw: Any) -> None:
        """Set `section.key`, coercing strings from the command line to the field's type."""
        section, key = _split(dotted)
        target = getattr(self, section, None)
        if target is None or not hasattr(target, key):
            raise AssistantError(f"unknown setting {dotted!r}")
        hint = get_type_hints(type(target))[key]
        setattr(target, key, _coerce(dotted, hint, raw))


def _split(dotted: str) -> tuple[str, str]:
    section, _, key = dotted.partition(".")
    if not key:
        raise AssistantError(f"settings are named section.key, got {dotted!r}")
    return section, key


def _coerce(name: str, hint: Any, raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    try:
        if hint is bool:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if hint is int:
            return int(raw)
        if hint is float:
            return float(raw)
        if getattr(hint, "__origin__", None) is list:
            return [p.strip() for p in raw.split(",") if p.strip()]
    except ValueError as exc:
        raise AssistantError(f"{name}: {raw!r} is not a valid {getattr(hint, '__name__', hint)}") from exc
    return raw


def _fill(obj: Any, data: dict[str, Any]) -> None:
    hints = get_type_hints(type(obj))
    for f in fields(obj):
        if f.name not in data:
            continue
        current = getattr(obj, f.name)
        if is_dataclass(current) and isinstance(data[f.name], dict):
            _fill(current, data[f.name])
        else:
            setattr(obj, f.name, _coerce(f.name, hints[f.name], data[f.name]))


FORMAT = 2
# Defaults that changed after format 1 wrote every value down: (section, key) -> the format-1 default.
_FORMAT1_DEFAULTS: dict[tuple[str, str], Any] = {
    ("capture", "ocr_min_confidence"): 60,  # now 0: unsure words are still evidence for search
    ("consolidation", "interval_minutes"): 10.0,  # now 1: memories searchable a minute after capture
}


def load_settings(path: Path) -> Settings:
    settings = Settings()
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise AssistantError(f"the settings file {path} is not valid TOML ({exc}); fix or delete it") from exc
        if data.get("format", 1) == 1:
            for (section, key), old_default in _FORMAT1_DEFAULTS.items():
                values = data.get(section)
                if isinstance(values, dict) and values.get(key) == old_default:
                    del values[key]
        _fill(settings, data)
    return settings


def _changed(obj: Any, default: Any) -> dict[str, Any]:
    """What differs from the defaults, section by section (the mirror of `_fill`: a value that is not a
    settings section, a list say, is written whole)."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        value, default_value = getattr(obj, f.name), getattr(default, f.name)
        if is_dataclass(value):
            if section := _changed(value, default_value):
                out[f.name] = section
        elif value != default_value:
            out[f.name] = value
    return out


def save_settings(path: Path, settings: Settings) -> None:
    data = {"format": FORMAT, **_changed(settings, Settings())}
    write_atomic(path, tomli_w.dumps(data).encode("utf-8"))
