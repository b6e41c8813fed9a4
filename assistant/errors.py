"""Errors a user can act on. Each says what happened and what to do; `exit_code` is what the CLI returns."""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error the facade raises on purpose."""

    exit_code = 1


class WrongPassphrase(AssistantError):
    exit_code = 2

    def __init__(self, message: str = "wrong passphrase: the store was not unlocked and nothing was changed") -> None:
        super().__init__(message)


class NotInitialized(AssistantError):
    def __init__(self, data_dir: str) -> None:
        super().__init__(f"no memory store in {data_dir}: run `assistant init` first")


class AlreadyInitialized(AssistantError):
    def __init__(self, data_dir: str) -> None:
        super().__init__(f"a memory store already exists in {data_dir}")


class Locked(AssistantError):
    def __init__(self) -> None:
        super().__init__("the store is locked: unlock it with your passphrase first")


class StoreCorrupt(AssistantError):
    """A file that is not ours, was tampered with, or is damaged."""


class KeyFileTampered(StoreCorrupt):
    """keys.json fails its authentication: a field was swapped, added or removed outside the app."""


class ImportFormatError(AssistantError):
    """A malformed import file; the message names the line or object that failed."""


class NotFound(AssistantError):
    pass


class DataDirError(AssistantError):
    """The data directory cannot be created or written."""


class ModelError(AssistantError):
    """A model file is missing, corrupt, of the wrong kind, or too big for this machine."""


class ModelInterrupted(ModelError):
    """A model call ended early because its caller asked (the background model pass when the user is back)."""


class PrivacyBlocked(AssistantError):
    """A network action refused because local-only mode is on."""


class CaptureUnavailable(AssistantError):
    """Screen capture cannot run here (no display, unsupported display server...)."""
