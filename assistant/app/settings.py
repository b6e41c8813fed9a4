"""`app.settings`: the user's settings (config.toml): read them, change one, save."""

from __future__ import annotations

from typing import Any

from assistant.app.core import Core
from assistant.config import Settings


class SettingsManager:
    def __init__(self, core: Core) -> None:
        self._core = core

    @property
    def current(self) -> Settings:
        """The settings in force. Read them here; change them with `set`, which also saves them."""
        return self._core.settings

    def get(self, dotted: str) -> Any:
        """One setting by its `section.key` name."""
        return self._core.settings.get(dotted)

    def set(self, dotted: str, value: Any) -> None:
        """Set `section.key` (text from the command line is converted to the setting's type), save, and
        apply it where it is not read afresh (the consolidation interval)."""
        self._core.set_setting(dotted, value)

    def save(self) -> None:
        self._core.save_settings()
