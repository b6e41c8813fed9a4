"""Exclusion rules: password managers, private browsing and user rules keep a window out of capture."""

from __future__ import annotations

import pytest

from assistant.capture.filters import ExclusionRules, is_excluded
from assistant.capture.frames import WindowInfo
from assistant.config import DEFAULT_EXCLUDED_APPS


def win(app: str, title: str = "Untitled", url: str | None = None) -> WindowInfo:
    return WindowInfo(app=app, title=title, url=url)


@pytest.mark.parametrize(
    "app",
    [
        "KeePassXC",
        "keepassxc",
        "1Password",
        "1password.exe",
        "Bitwarden",
        "LastPass",
        "Dashlane",
        "Keychain Access",
        "keychain-access",
        "Enpass",
        "pass",
    ],
)
def test_password_managers_are_excluded_by_default(app: str) -> None:
    reason = is_excluded(win(app), ExclusionRules())
    assert reason is not None and reason.startswith("excluded app")


@pytest.mark.parametrize(
    "title",
    [
        "Bank login — Mozilla Firefox Private Browsing",
        "New Tab - Google Chrome (Incognito)",
        "Start page - InPrivate - Microsoft Edge",
        "new incognito tab",
    ],
)
def test_private_browsing_titles_are_excluded_by_default(title: str) -> None:
    assert is_excluded(win("firefox", title), ExclusionRules()) is not None


@pytest.mark.parametrize("app", ["org.keepassxc.KeePassXC", "com.bitwarden.desktop", "org.gnome.seahorse.Application"])
def test_reverse_dns_app_ids_of_password_managers_are_excluded(app: str) -> None:
    # Wayland's app_id and Flatpak ids: the vault is the same app under a longer name.
    assert is_excluded(win(app), ExclusionRules()) == f"excluded app: {app}"


def test_reverse_dns_ids_match_by_whole_parts_only() -> None:
    rules = ExclusionRules()
    assert is_excluded(win("org.example.Compass"), rules) is None
    assert is_excluded(win("org.gnome.TextEditor"), rules) is None
    assert is_excluded(win("python3.11"), rules) is None


def test_password_manager_recognised_from_its_title_when_the_app_name_is_odd() -> None:
    assert is_excluded(win("python3", "Passwords.kdbx [Locked] - KeePassXC"), ExclusionRules()) is not None


def test_ordinary_windows_are_not_excluded() -> None:
    rules = ExclusionRules()
    assert is_excluded(win("firefox", "Passing the ball - Wikipedia — Mozilla Firefox"), rules) is None
    assert is_excluded(win("Code", "compass.py - project - Visual Studio Code"), rules) is None
    assert is_excluded(win("xterm", "pass show email - bash"), rules) is None  # "pass" is matched whole
    assert is_excluded(None, rules) is None


def test_user_rules_add_to_the_defaults_and_support_regexes() -> None:
    rules = ExclusionRules.with_defaults(apps=["Signal"], title_patterns=["Payroll", r"re:^Chase\b.*bank"])
    assert is_excluded(win("signal"), rules) == "excluded app: signal"
    assert is_excluded(win("libreoffice", "payroll-2024.ods - LibreOffice Calc"), rules) == (
        "excluded title pattern: Payroll"
    )
    assert is_excluded(win("firefox", "Chase Online Banking"), rules) is not None
    assert is_excluded(win("firefox", "Paper chase bank"), rules) is None  # the regex is anchored
    assert is_excluded(win("KeePassXC"), rules) is not None  # defaults still apply


def test_title_patterns_also_match_the_url() -> None:
    rules = ExclusionRules(apps=(), title_patterns=("mybank.example",))
    assert is_excluded(win("firefox", "Accounts", url="https://mybank.example/login"), rules) is not None


def test_rules_can_replace_the_defaults() -> None:
    rules = ExclusionRules(apps=("Slack",), title_patterns=())
    assert is_excluded(win("KeePassXC"), rules) is None
    assert is_excluded(win("Slack"), rules) is not None
    assert "KeePassXC" in DEFAULT_EXCLUDED_APPS


def test_invalid_regex_fails_when_the_rules_are_built() -> None:
    with pytest.raises(ValueError, match="invalid window-title pattern"):
        ExclusionRules(title_patterns=("re:([unclosed",))


def test_reason_never_contains_the_title() -> None:
    title = "Secret project: acquisition of Example Corp - Incognito"
    reason = is_excluded(win("chrome", title), ExclusionRules())
    assert reason == "excluded title pattern: Incognito"


@pytest.mark.parametrize(
    ("app", "title"),
    [
        ("Brave-browser", "Account settings - Brave (Private)"),  # Brave private window
        ("Tor Browser", "Search — Tor Browser"),  # WM_CLASS
        ("firefox", "Onion news — Tor Browser"),  # the title's end names it
        ("Safari", "Bank statement — Private"),  # Safari private window
        ("Safari", "Bank statement - Private"),
    ],
)
def test_brave_tor_and_safari_private_windows_are_excluded_by_default(app: str, title: str) -> None:
    assert is_excluded(win(app, title), ExclusionRules.with_defaults()) is not None


@pytest.mark.parametrize(
    ("app", "title"),
    [("Brave-browser", "Private equity primer - Brave"), ("Safari", "Private lessons — pricing")],
)
def test_ordinary_brave_and_safari_windows_are_recorded(app: str, title: str) -> None:
    assert is_excluded(win(app, title), ExclusionRules.with_defaults()) is None


def test_user_exclusions_add_to_the_defaults() -> None:
    from assistant.capture.factory import exclusion_rules
    from assistant.config import CaptureSettings

    settings = CaptureSettings(excluded_apps=["Signal"], excluded_titles=["Payroll"])
    rules = exclusion_rules(settings)
    assert is_excluded(win("Signal"), rules) is not None
    assert is_excluded(win("gedit", "Payroll 2026 - gedit"), rules) is not None
    assert is_excluded(win("KeePassXC"), rules) is not None  # a default the user's list does not name
    assert is_excluded(win("firefox", "Docs — Private Browsing"), rules) is not None
    assert CaptureSettings().excluded_apps == []  # the user's own list starts empty
