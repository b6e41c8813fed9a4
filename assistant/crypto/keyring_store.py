"""Optional unlock from the OS keyring: the data key is kept there, never on disk beside the store."""

from __future__ import annotations

import base64

from assistant.errors import AssistantError

SERVICE = "memory-assistant"


def save_data_key(account: str, data_key: bytes) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, account, base64.b64encode(data_key).decode("ascii"))
    except KeyringError as exc:
        raise AssistantError(f"the OS keyring refused to store the key: {exc}") from exc


def load_data_key(account: str) -> bytes | None:
    import keyring
    from keyring.errors import KeyringError

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
