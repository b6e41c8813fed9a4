"""A stand-in for the OS keyring: a JSON file named by TEST_KEYRING_FILE. A subprocess picks it with
PYTHON_KEYRING_BACKEND=tests.fakes.keyring_backend.FileKeyring, so keyring unlock is tested across
processes as a user's session keyring would serve it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV = "TEST_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    priority = 1  # above keyring's fail backend (0), so it is chosen

    def _path(self) -> Path:
        return Path(os.environ[ENV])

    def _load(self) -> dict[str, str]:
        path = self._path()
        return dict(json.loads(path.read_text())) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._path().write_text(json.dumps({**self._load(), f"{service}/{username}": password}))

    def delete_password(self, service: str, username: str) -> None:
        stored = self._load()
        if stored.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._path().write_text(json.dumps(stored))
