"""Optional unlock from the OS keyring: the data key is kept there, never on disk beside the store.

Only a real secret store is accepted (GNOME Keyring / KWallet over Secret Service, macOS Keychain,
Windows Credential Manager). keyrings.alt's file backends keep secrets in plain or weakly protected
files next to the user's home, and the fail/null backends keep nothing: the data key is never handed
to them, and nothing is read back from them.
"""

from __future__ import annotations

import base64
from typing import Any

from assistant.errors import AssistantError

SERVICE = "memory-assistant"
_UNSAFE_MODULES = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")


def _backend() -> Any:
    """The keyring backend that would store the key (the first of a chain)."""
    import keyring

    backend = keyring.get_keyring()
    chain = getattr(backend, "backends", None)
    return chain[0] if chain else backend


def unsafe_backend() -> str | None:
    """The backend's name when it is not a real secret store, else None."""
    backend = _backend()
    module = type(backend).__module__
    if module.startswith(_UNSAFE_MODULES) or "Plaintext" in type(backend).__name__:
        return f"{module}.{type(backend).__name__}"
    return None


def _require_safe() -> None:
    name = unsafe_backend()
    if name is not None:
        raise AssistantError(
            f"the OS keyring here is {name}, which keeps secrets in a plain file or not at all; keyring "
            "unlock was not turned on. Keep unlocking with the passphrase, or set up a real keyring "
            "(GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager)"
        )


def save_data_key(account: str, data_key: bytes) -> None:
    import keyring
    from keyring.errors import KeyringError

    _require_safe()
    try:
        keyring.set_password(SERVICE, account, base64.b64encode(data_key).decode("ascii"))
    except KeyringError as exc:
        raise AssistantError(f"the OS keyring refused to store the key: {exc}") from exc


def load_data_key(account: str) -> bytes | None:
    import keyring
    from keyring.errors import KeyringError

    if unsafe_backend() is not None:
        return None  # a key found there could have been put there by anyone: the passphrase it is
    try:
        value = keyring.get_password(SERVICE, account)
    except KeyringError:
        return None
    return base64.b64decode(value) if value else None


def forget_data_key(account: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, account)
    except (PasswordDeleteError, KeyringError):
        return
