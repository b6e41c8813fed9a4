"""Sealed vault secrets: anyone holding the public key can seal, only the passphrase-wrapped private key opens.

So consolidation can file a credential into the vault while the store is unlocked, but listing the vault
never decrypts a value, and revealing one needs the passphrase again (X25519 + HKDF + AES-GCM).
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from assistant.errors import StoreCorrupt

_INFO = b"memory-assistant:vault-secret:v1"
_RAW = serialization.Encoding.Raw


def new_keypair() -> tuple[bytes, bytes]:
    """(public, private) raw 32-byte X25519 keys."""
    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    secret = private.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return public, secret


def public_of(private: bytes) -> bytes:
    """The raw public key of a raw X25519 private key."""
    key = X25519PrivateKey.from_private_bytes(private)
    return key.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)


def _derive(shared: bytes, ephemeral_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public, info=_INFO).derive(shared)


def seal(public: bytes, plaintext: str, entry_id: str) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    eph_pub = ephemeral.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    key = _derive(ephemeral.exchange(X25519PublicKey.from_public_bytes(public)), eph_pub)
    nonce = os.urandom(12)
    return eph_pub + nonce + AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), entry_id.encode())


def unseal(private: bytes, sealed: bytes, entry_id: str) -> str:
    eph_pub, nonce, ct = sealed[:32], sealed[32:44], sealed[44:]
    key = _derive(
        X25519PrivateKey.from_private_bytes(private).exchange(X25519PublicKey.from_public_bytes(eph_pub)), eph_pub
    )
    try:
        return AESGCM(key).decrypt(nonce, ct, entry_id.encode()).decode("utf-8")
    except InvalidTag:
        raise StoreCorrupt(f"the vault secret of {entry_id} is damaged or was tampered with") from None
