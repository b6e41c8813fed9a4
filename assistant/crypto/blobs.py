"""Encrypted blob files (thumbnails): AES-GCM with a random nonce, the blob id as associated data.

Binding the id means a file swapped for another blob's file fails to decrypt instead of showing the wrong
picture. Writes are atomic, so a crash leaves the old blob or the new one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from assistant.errors import NotFound, StoreCorrupt
from assistant.paths import write_atomic

_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class BlobStore:
    def __init__(self, directory: Path, key: bytes) -> None:
        self._dir = directory
        self._aead = AESGCM(key)

    def _path(self, blob_id: str) -> Path:
        if not _ID.match(blob_id):
            raise ValueError(f"invalid blob id {blob_id!r}")
        return self._dir / f"{blob_id}.blob"

    def put(self, blob_id: str, data: bytes, *, suffix: str = "") -> None:
        """Write a blob; `suffix` writes it beside the current file (a key rotation's new copy)."""
        nonce = os.urandom(12)
        path = self._path(blob_id)
        write_atomic(path.with_name(path.name + suffix), nonce + self._aead.encrypt(nonce, data, blob_id.encode()))

    def get(self, blob_id: str) -> bytes:
        path = self._path(blob_id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"no blob {blob_id}") from None
        try:
            return self._aead.decrypt(raw[:12], raw[12:], blob_id.encode())
        except InvalidTag:
            raise StoreCorrupt(f"the blob file {path} is damaged or was tampered with") from None

    def delete(self, blob_id: str) -> None:
        self._path(blob_id).unlink(missing_ok=True)

    def listing(self) -> list[tuple[str, float]]:
        """(blob id, modification time) of every blob file."""
        found = []
        for path in self._dir.glob("*.blob"):
            try:
                found.append((path.stem, path.stat().st_mtime))
            except FileNotFoundError:
                continue  # deleted while we looked
        return found

    def size(self) -> int:
        return sum(p.stat().st_size for p in self._dir.glob("*.blob"))
