"""The key file: a random data key wrapped by a passphrase-derived key, plus the vault key pair.

The data key encrypts the database and blobs. It is wrapped with AES-GCM under a key derived from the
passphrase with scrypt; the scrypt parameters live beside it, so a passphrase change re-wraps one small
value and re-encrypts no data. The vault's private key is wrapped the same way, so revealing a vault secret
needs the passphrase even when the store was unlocked from the OS keyring.

Every field is authenticated (format 2): an HMAC-SHA256 over the whole file under a key derived from the
data key, checked at each unlock before anything else is done. Without it an attacker could swap in their
own `vault_public` and receive every new secret. A format-1 file (no MAC) is checked the one way it can be
(its vault public key must belong to the passphrase-wrapped private key) and upgraded on the next write
open with the passphrase; the keyring alone does not open it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from assistant.crypto import vault
from assistant.errors import AssistantError, KeyFileTampered, StoreCorrupt, WrongPassphrase
from assistant.paths import write_atomic

KEY_BYTES = 32
FORMAT_VERSION = 2
LEGACY_FORMAT = 1
_DATA_KEY_AAD = b"memory-assistant:data-key:v1"
_VAULT_KEY_AAD = b"memory-assistant:vault-private-key:v1"
_MAC_INFO = b"memory-assistant:key-file-mac:v2"
# scrypt cost: 2**17 is OWASP's recommendation (~0.3 s, 128 MiB). The testing profile lowers it.
DEFAULT_LOG2_N = 17
TESTING_LOG2_N = 12
# A key file is input: its KDF parameters are bounded so a crafted one cannot make unlock eat the
# machine's memory or time (scrypt needs 128 * r * N bytes), nor weaken the derivation to nothing.
MAX_SCRYPT_BYTES = 1 << 30
LOG2_N_RANGE = (TESTING_LOG2_N, 20)
R_RANGE = (1, 32)
P_RANGE = (1, 16)
SALT_RANGE = (16, 64)
_WRAPPED_BYTES = KEY_BYTES + 16  # a 32-byte key plus the GCM tag


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def scrypt_cost() -> int:
    return TESTING_LOG2_N if os.environ.get("ASSISTANT_TESTING") == "1" else DEFAULT_LOG2_N


def derive_kek(passphrase: str, salt: bytes, log2_n: int, r: int = 8, p: int = 1) -> bytes:
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=2**log2_n, r=r, p=p)
    return kdf.derive(passphrase.encode("utf-8"))


def _mac_key(data_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_MAC_INFO).derive(data_key)


def _canonical(doc: dict[str, Any]) -> bytes:
    body = {k: v for k, v in doc.items() if k != "mac"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _mac(key: bytes, doc: dict[str, Any]) -> str:
    return _b64(hmac.new(key, _canonical(doc), hashlib.sha256).digest())


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> dict[str, str]:
    nonce = os.urandom(12)
    return {"nonce": _b64(nonce), "ct": _b64(AESGCM(key).encrypt(nonce, plaintext, aad))}


def _open(key: bytes, box: dict[str, str], aad: bytes) -> bytes:
    return AESGCM(key).decrypt(_unb64(box["nonce"]), _unb64(box["ct"]), aad)


def _bounded(kdf: Any) -> dict[str, Any]:
    """The scrypt parameters, or ValueError naming the one out of bounds."""
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise ValueError("unknown key derivation")
    for name, (low, high) in (("log2_n", LOG2_N_RANGE), ("r", R_RANGE), ("p", P_RANGE)):
        value = kdf.get(name)
        if type(value) is not int or not low <= value <= high:
            raise ValueError(f"scrypt {name}={value!r} is outside {low}..{high}")
    if 128 * kdf["r"] * 2 ** kdf["log2_n"] > MAX_SCRYPT_BYTES:
        raise ValueError("scrypt parameters need more than 1 GiB of memory")
    if not SALT_RANGE[0] <= len(_unb64(kdf["salt"])) <= SALT_RANGE[1]:
        raise ValueError("scrypt salt length is out of bounds")
    return kdf


def _box(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or len(_unb64(value["nonce"])) != 12:
        raise ValueError("a wrapped key has no valid nonce")
    if len(_unb64(value["ct"])) != _WRAPPED_BYTES:
        raise ValueError("a wrapped key has the wrong length")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    doc = dict(pairs)
    if len(doc) != len(pairs):
        raise ValueError("a field appears twice")
    return doc


@dataclass
class KeyFile:
    """The parsed keys.json. Nothing in it is usable without the passphrase (or the keyring copy)."""

    kdf: dict[str, Any]
    wrapped_data_key: dict[str, str]
    vault_public: bytes
    wrapped_vault_private: dict[str, str]
    keyring: bool = False
    format: int = FORMAT_VERSION
    path: Path | None = None
    _doc: dict[str, Any] | None = field(default=None, repr=False)  # the file as read, for the MAC check
    _mac_key: bytes | None = field(default=None, repr=False)  # set once the file is authenticated

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
            _mac_key=_mac_key(data_key),
        )

    @property
    def needs_upgrade(self) -> bool:
        """True for a format-1 file: it gets its MAC at the next write (after a passphrase unlock)."""
        return self.format < FORMAT_VERSION

    def _kek(self, passphrase: str) -> bytes:
        k = self.kdf
        return derive_kek(passphrase, _unb64(k["salt"]), int(k["log2_n"]), int(k["r"]), int(k["p"]))

    def _tampered(self, what: str) -> KeyFileTampered:
        name = self.path or "keys.json"
        return KeyFileTampered(
            f"the key file {name} was changed outside the app ({what}); the store was not unlocked and "
            "nothing was changed. If you did not expect this, restore keys.json from a backup"
        )

    def _authenticate(self, data_key: bytes, kek: bytes | None) -> None:
        """Check every field before the keys are used; a file made in this process needs no check."""
        mac_key = _mac_key(data_key)
        if self._doc is not None and self.format == LEGACY_FORMAT:
            if kek is None:
                raise AssistantError(
                    "this store's key file predates authenticated key files: unlock it once with your "
                    "passphrase (not the keyring) to upgrade it"
                )
            try:
                private = _open(kek, self.wrapped_vault_private, _VAULT_KEY_AAD)
            except InvalidTag:
                raise self._tampered("the wrapped vault key does not open with this passphrase") from None
            if not hmac.compare_digest(vault.public_of(private), self.vault_public):
                raise self._tampered("the vault public key does not belong to the vault private key")
        elif self._doc is not None:
            stored = self._doc.get("mac")
            if not isinstance(stored, str) or not hmac.compare_digest(stored, _mac(mac_key, self._doc)):
                raise self._tampered("a field was swapped, added or removed: its authentication code differs")
        self._mac_key = mac_key

    def unwrap_data_key(self, passphrase: str) -> bytes:
        """The data key, once the passphrase opened it and every field of the file checked out."""
        kek = self._kek(passphrase)
        try:
            data_key = _open(kek, self.wrapped_data_key, _DATA_KEY_AAD)
        except InvalidTag:
            raise WrongPassphrase() from None
        self._authenticate(data_key, kek)
        return data_key

    def accept_data_key(self, data_key: bytes) -> bytes:
        """Authenticate the file with a data key from elsewhere (the OS keyring); KeyFileTampered if not."""
        self._authenticate(data_key, None)
        return data_key

    def unwrap_vault_private(self, passphrase: str) -> bytes:
        try:
            return _open(self._kek(passphrase), self.wrapped_vault_private, _VAULT_KEY_AAD)
        except InvalidTag:
            raise WrongPassphrase() from None

    def rewrap(self, old: str, new: str) -> KeyFile:
        """The same keys under a new passphrase (raises WrongPassphrase if `old` is wrong)."""
        return self.rewrap_data_key(old, new, self.unwrap_data_key(old))

    def rewrap_data_key(self, old: str, new: str, data_key: bytes) -> KeyFile:
        """A key file holding `data_key` (new or the same) and this file's vault keys, under `new`."""
        vault_private = self.unwrap_vault_private(old)
        fresh = KeyFile.create(new, data_key, self.vault_public, vault_private)
        fresh.keyring = self.keyring
        fresh.path = self.path
        return fresh

    def to_json(self) -> bytes:
        if self._mac_key is None:
            raise AssistantError("the key file cannot be written before the store is unlocked")
        doc: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "kdf": self.kdf,
            "wrapped_data_key": self.wrapped_data_key,
            "vault_public": _b64(self.vault_public),
            "wrapped_vault_private": self.wrapped_vault_private,
            "keyring": self.keyring,
        }
        doc["mac"] = _mac(self._mac_key, doc)
        return json.dumps(doc, indent=2).encode("utf-8")

    def save(self, path: Path) -> None:
        data = self.to_json()
        write_atomic(path, data)
        self._doc, self.format, self.path = json.loads(data), FORMAT_VERSION, path

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            doc = json.loads(path.read_bytes(), object_pairs_hook=_no_duplicates)
            if not isinstance(doc, dict) or doc.get("format") not in (LEGACY_FORMAT, FORMAT_VERSION):
                raise ValueError("unknown key file format")
            keyring = doc.get("keyring", False)
            if type(keyring) is not bool:
                raise ValueError("keyring is not true or false")
            public = _unb64(doc["vault_public"])
            if len(public) != KEY_BYTES:
                raise ValueError("the vault public key has the wrong length")
            return cls(
                kdf=_bounded(doc["kdf"]),
                wrapped_data_key=_box(doc["wrapped_data_key"]),
                vault_public=public,
                wrapped_vault_private=_box(doc["wrapped_vault_private"]),
                keyring=keyring,
                format=doc["format"],
                path=path,
                _doc=doc,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreCorrupt(f"the key file {path} is damaged or not ours ({exc}); restore it from a backup") from exc
