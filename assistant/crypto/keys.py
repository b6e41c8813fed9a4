"""The key file: a random data key wrapped by a passphrase-derived key, plus the vault key pair.

The data key encrypts the database and blobs. It is wrapped with AES-GCM under a key derived from the
passphrase with scrypt; the scrypt parameters live beside it, so a passphrase change re-wraps one small
value and re-encrypts no data. The vault's private key is wrapped the same way, so revealing a vault secret
needs the passphrase even when the store was unlocked from the OS keyring.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from assistant.errors import StoreCorrupt, WrongPassphrase
from assistant.paths import write_atomic

KEY_BYTES = 32
FORMAT_VERSION = 1
_DATA_KEY_AAD = b"memory-assistant:data-key:v1"
_VAULT_KEY_AAD = b"memory-assistant:vault-private-key:v1"
# scrypt cost: 2**17 is OWASP's recommendation (~0.3 s, 128 MiB). The testing profile lowers it.
DEFAULT_LOG2_N = 17
TESTING_LOG2_N = 12


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def scrypt_cost() -> int:
    return TESTING_LOG2_N if os.environ.get("ASSISTANT_TESTING") == "1" else DEFAULT_LOG2_N


def derive_kek(passphrase: str, salt: bytes, log2_n: int, r: int = 8, p: int = 1) -> bytes:
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=2**log2_n, r=r, p=p)
    return kdf.derive(passphrase.encode("utf-8"))


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> dict[str, str]:
    nonce = os.urandom(12)
    return {"nonce": _b64(nonce), "ct": _b64(AESGCM(key).encrypt(nonce, plaintext, aad))}


def _open(key: bytes, box: dict[str, str], aad: bytes) -> bytes:
    return AESGCM(key).decrypt(_unb64(box["nonce"]), _unb64(box["ct"]), aad)


@dataclass
class KeyFile:
    """The parsed keys.json. Nothing in it is usable without the passphrase (or the keyring copy)."""

    kdf: dict[str, Any]
    wrapped_data_key: dict[str, str]
    vault_public: bytes
    wrapped_vault_private: dict[str, str]
    keyring: bool = False

    @classmethod
    def create(cls, passphrase: str, data_key: bytes, vault_public: bytes, vault_private: bytes) -> KeyFile:
        salt = os.urandom(16)
        kdf: dict[str, Any] = {"name": "scrypt", "log2_n": scrypt_cost(), "r": 8, "p": 1, "salt": _b64(salt)}
        kek = derive_kek(passphrase, salt, kdf["log2_n"])
        return cls(
            kdf=kdf,
            wrapped_data_key=_seal(kek, data_key, _DATA_KEY_AAD),
            vault_public=vault_public,
            wrapped_vault_private=_seal(kek, vault_private, _VAULT_KEY_AAD),
        )

    def _kek(self, passphrase: str) -> bytes:
        k = self.kdf
        return derive_kek(passphrase, _unb64(k["salt"]), int(k["log2_n"]), int(k["r"]), int(k["p"]))

    def unwrap_data_key(self, passphrase: str) -> bytes:
        try:
            return _open(self._kek(passphrase), self.wrapped_data_key, _DATA_KEY_AAD)
        except InvalidTag:
            raise WrongPassphrase() from None

    def unwrap_vault_private(self, passphrase: str) -> bytes:
        try:
            return _open(self._kek(passphrase), self.wrapped_vault_private, _VAULT_KEY_AAD)
        except InvalidTag:
            raise WrongPassphrase() from None

    def rewrap(self, old: str, new: str) -> KeyFile:
        """The same keys under a new passphrase (raises WrongPassphrase if `old` is wrong)."""
        data_key = self.unwrap_data_key(old)
        vault_private = self.unwrap_vault_private(old)
        fresh = KeyFile.create(new, data_key, self.vault_public, vault_private)
        fresh.keyring = self.keyring
        return fresh

    def to_json(self) -> bytes:
        doc = {
            "format": FORMAT_VERSION,
            "kdf": self.kdf,
            "wrapped_data_key": self.wrapped_data_key,
            "vault_public": _b64(self.vault_public),
            "wrapped_vault_private": self.wrapped_vault_private,
            "keyring": self.keyring,
        }
        return json.dumps(doc, indent=2).encode("utf-8")

    def save(self, path: Path) -> None:
        write_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            doc = json.loads(path.read_bytes())
            if doc.get("format") != FORMAT_VERSION or doc["kdf"].get("name") != "scrypt":
                raise ValueError("unknown key file format")
            return cls(
                kdf=doc["kdf"],
                wrapped_data_key=doc["wrapped_data_key"],
                vault_public=_unb64(doc["vault_public"]),
                wrapped_vault_private=doc["wrapped_vault_private"],
                keyring=bool(doc.get("keyring", False)),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreCorrupt(f"the key file {path} is damaged or not ours ({exc}); restore it from a backup") from exc
