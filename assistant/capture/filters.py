"""Which windows are never recorded: password managers, private browsing, and whatever the user adds.

An excluded window is not captured at all: no grab is kept, no OCR runs and no metadata is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.capture.frames import WindowInfo
from assistant.config import DEFAULT_EXCLUDED_APPS, DEFAULT_EXCLUDED_TITLES

REGEX_PREFIX = "re:"
# Apps title their windows "Document - App" (or "App - Document"): the ends are checked against the
# app rules too, so a password manager is caught even when its process or class name is unusual.
_TITLE_SEPARATORS = re.compile(r"\s+[-—–|]\s+")


def _norm_app(name: str) -> str:
    """Compare app names loosely: case, ".exe"/".app", spaces, dashes and underscores don't matter."""
    name = name.strip().lower().removesuffix(".exe").removesuffix(".app")
    return re.sub(r"[\s_-]+", "", name)


@dataclass(frozen=True)
class ExclusionRules:
    """Excluded app names (exact, loosely compared) and title patterns (case-insensitive).

    A title pattern is a substring, or a regular expression when written "re:<regex>"; it is matched
    against the window title and the URL. Invalid regexes fail here, when the settings are loaded.
    """

    apps: tuple[str, ...] = DEFAULT_EXCLUDED_APPS
    title_patterns: tuple[str, ...] = DEFAULT_EXCLUDED_TITLES
    _apps: frozenset[str] = field(init=False, repr=False, compare=False)
    _patterns: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_apps", frozenset(_norm_app(a) for a in self.apps if a.strip()))
        compiled = []
        for pattern in self.title_patterns:
            if not pattern.strip():
                continue
            if pattern.startswith(REGEX_PREFIX):
                try:
                    regex = re.compile(pattern[len(REGEX_PREFIX) :], re.IGNORECASE)
                except re.error as exc:
                    raise ValueError(f"invalid window-title pattern {pattern!r}: {exc}") from exc
            else:
                regex = re.compile(re.escape(pattern), re.IGNORECASE)
            compiled.append((pattern, regex))
        object.__setattr__(self, "_patterns", tuple(compiled))

    @classmethod
    def with_defaults(cls, apps: Iterable[str] = (), title_patterns: Iterable[str] = ()) -> ExclusionRules:
        """The built-in rules plus the user's own."""
        return cls(
            apps=DEFAULT_EXCLUDED_APPS + tuple(apps),
            title_patterns=DEFAULT_EXCLUDED_TITLES + tuple(title_patterns),
        )

    def app_rule(self, app: str) -> bool:
        if not app:
            return False
        # Wayland and Flatpak name apps by reverse-DNS ids ("org.keepassxc.KeePassXC",
        # "com.bitwarden.desktop"): a rule naming any part of such an id matches it.
        parts = app.split(".") if app.count(".") >= 2 and " " not in app else []
        return any(_norm_app(name) in self._apps for name in (app, *parts))

    def title_rule(self, text: str) -> str | None:
        for pattern, regex in self._patterns:
            if regex.search(text):
                return pattern
        return None


def is_excluded(window: WindowInfo | None, rules: ExclusionRules) -> str | None:
    """The reason `window` must not be recorded, or None. The reason names the rule, never the title."""
    if window is None:
        return None
    if rules.app_rule(window.app):
        return f"excluded app: {window.app}"
    segments = _TITLE_SEPARATORS.split(window.title.strip())
    for end in {segments[0], segments[-1]}:
        if rules.app_rule(end):
            return f"excluded app (from the title): {end}"
    for text in (window.title, window.url or ""):
        pattern = rules.title_rule(text)
        if pattern is not None:
            return f"excluded title pattern: {pattern}"
    return None
