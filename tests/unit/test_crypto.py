from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.crypto import vault
from assistant.crypto.blobs import BlobStore
from assistant.crypto.keys import KeyFile
from assistant.errors import StoreCorrupt, WrongPassphrase


def _keyfile(passphrase: str = "pw") -> tuple[KeyFile, bytes, bytes]:
    data_key = os.urandom(32)
    public, private = vault.new_keypair()
    return KeyFile.create(passphrase, data_key, public, private), data_key, private


def test_data_key_unwraps_only_with_the_passphrase(tmp_path: Path) -> None:
    kf, data_key, _ = _keyfile()
    kf.save(tmp_path / "keys.json")
    loaded = KeyFile.load(tmp_path / "keys.json")
    assert loaded.unwrap_data_key("pw") == data_key
    with pytest.raises(WrongPassphrase):
        loaded.unwrap_data_key("PW")
    assert data_key.hex() not in (tmp_path / "keys.json").read_text()


def test_rewrap_keeps_the_keys_and_drops_the_old_passphrase() -> None:
    kf, data_key, private = _keyfile("old")
    fresh = kf.rewrap("old", "new")
    assert fresh.unwrap_data_key("new") == data_key
    assert fresh.unwrap_vault_private("new") == private
    with pytest.raises(WrongPassphrase):
        fresh.unwrap_data_key("old")
    with pytest.raises(WrongPassphrase):
        kf.rewrap("wrong", "new")


def test_damaged_key_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text("{not json")
    with pytest.raises(StoreCorrupt, match="keys.json is damaged"):
        KeyFile.load(path)


def test_vault_seal_needs_the_private_key_and_the_right_id() -> None:
    public, private = vault.new_keypair()
    sealed = vault.seal(public, "hunter2", "mem_1")
    assert b"hunter2" not in sealed
    assert vault.unseal(private, sealed, "mem_1") == "hunter2"
    with pytest.raises(StoreCorrupt):
        vault.unseal(private, sealed, "mem_2")
    _, other_private = vault.new_keypair()
    with pytest.raises(StoreCorrupt):
        vault.unseal(other_private, sealed, "mem_1")


def test_blobs_are_encrypted_bound_to_their_id_and_tamper_evident(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, os.urandom(32))
    store.put("thumb_a", b"PIXELS-A")
    store.put("thumb_b", b"PIXELS-B")
    assert store.get("thumb_a") == b"PIXELS-A"
    assert b"PIXELS" not in (tmp_path / "thumb_a.blob").read_bytes()
    (tmp_path / "thumb_b.blob").write_bytes((tmp_path / "thumb_a.blob").read_bytes())  # swapped file
    with pytest.raises(StoreCorrupt, match="thumb_b.blob"):
        store.get("thumb_b")
    with pytest.raises(ValueError, match="invalid blob id"):
        store.put("../escape", b"x")
    store.delete("thumb_a")
    assert not (tmp_path / "thumb_a.blob").exists()
