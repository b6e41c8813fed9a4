"""keys.json is authenticated: any field swapped, added or removed refuses to unlock and changes nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.crypto import keyring_store, vault
from assistant.crypto.keys import KeyFile
from assistant.errors import AssistantError, KeyFileTampered, StoreCorrupt
from tests.conftest import PASSPHRASE

Edit = Callable[[dict[str, Any], dict[str, Any]], None]


def _other_keyfile() -> dict[str, Any]:
    public, private = vault.new_keypair()
    made = KeyFile.create(PASSPHRASE, os.urandom(32), public, private)
    return dict(json.loads(made.to_json()))


def _set(name: str, value: Any) -> Edit:
    def edit(doc: dict[str, Any], other: dict[str, Any]) -> None:
        doc[name] = value

    return edit


def _swap(name: str) -> Edit:
    def edit(doc: dict[str, Any], other: dict[str, Any]) -> None:
        doc[name] = other[name]

    return edit


def _remove(name: str) -> Edit:
    def edit(doc: dict[str, Any], other: dict[str, Any]) -> None:
        del doc[name]

    return edit


EDITS: dict[str, Edit] = {
    "vault_public swapped": _swap("vault_public"),
    "wrapped_vault_private swapped": _swap("wrapped_vault_private"),
    "keyring turned on": _set("keyring", True),
    "a field added": _set("escrow", "attacker"),
    "keyring removed": _remove("keyring"),
}


def _snapshot(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file() and p.name != "store.lock"}


@pytest.fixture
def store_dir(app: Assistant, data_dir: Path) -> Path:
    app.close()
    return data_dir


@pytest.mark.parametrize("name", list(EDITS))
def test_a_changed_field_refuses_to_unlock_and_changes_nothing(store_dir: Path, name: str) -> None:
    path = store_dir / "keys.json"
    doc = json.loads(path.read_text())
    EDITS[name](doc, _other_keyfile())
    path.write_text(json.dumps(doc))
    before = _snapshot(store_dir)
    app = Assistant(store_dir)
    with pytest.raises(KeyFileTampered, match="changed outside the app.*nothing was changed"):
        app.unlock(PASSPHRASE)
    assert not app.unlocked
    assert _snapshot(store_dir) == before


def test_a_swapped_vault_key_is_refused_from_the_keyring_too(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = Assistant(store_dir)
    app.unlock(PASSPHRASE)
    data_key = app._core.store.data_key
    app.close()
    monkeypatch.setattr(keyring_store, "load_data_key", lambda account: data_key)
    path = store_dir / "keys.json"
    doc = json.loads(path.read_text())
    doc["keyring"] = True  # the MAC is wrong now, whatever else changes
    doc["vault_public"] = _other_keyfile()["vault_public"]
    path.write_text(json.dumps(doc))
    with pytest.raises(KeyFileTampered):
        Assistant(store_dir).unlock(None)


def test_kdf_parameters_are_bounded_before_any_derivation(store_dir: Path) -> None:
    path = store_dir / "keys.json"
    for field, value in (("log2_n", 40), ("r", 10_000), ("p", 0), ("log2_n", 1), ("salt", "")):
        doc = json.loads(path.read_text())
        doc["kdf"][field] = value
        bad = store_dir / "bad.json"
        bad.write_text(json.dumps(doc))
        with pytest.raises(StoreCorrupt, match="damaged or not ours"):
            KeyFile.load(bad)


def test_a_duplicated_field_is_refused(store_dir: Path) -> None:
    text = (store_dir / "keys.json").read_text()
    bad = store_dir / "bad.json"
    bad.write_text(text.replace('"keyring": false', '"keyring": false, "keyring": true'))
    with pytest.raises(StoreCorrupt, match="appears twice"):
        KeyFile.load(bad)


def _make_legacy(path: Path) -> dict[str, Any]:
    doc = json.loads(path.read_text())
    del doc["mac"]
    doc["format"] = 1
    path.write_text(json.dumps(doc))
    return dict(doc)


def test_a_legacy_key_file_opens_with_the_passphrase_and_gets_its_mac(store_dir: Path) -> None:
    path = store_dir / "keys.json"
    _make_legacy(path)
    app = Assistant(store_dir)
    app.unlock(PASSPHRASE)
    app.close()
    upgraded = json.loads(path.read_text())
    assert upgraded["format"] == 2 and "mac" in upgraded
    app = Assistant(store_dir)
    app.unlock(PASSPHRASE)  # and the upgraded file opens
    app.close()


def test_a_legacy_key_file_with_a_swapped_vault_key_is_refused(store_dir: Path) -> None:
    path = store_dir / "keys.json"
    doc = _make_legacy(path)
    doc["vault_public"] = _other_keyfile()["vault_public"]
    path.write_text(json.dumps(doc))
    before = path.read_bytes()
    with pytest.raises(KeyFileTampered, match="vault public key"):
        Assistant(store_dir).unlock(PASSPHRASE)
    assert path.read_bytes() == before


def test_a_legacy_key_file_needs_the_passphrase_once(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = Assistant(store_dir)
    app.unlock(PASSPHRASE)
    data_key = app._core.store.data_key
    app.close()
    monkeypatch.setattr(keyring_store, "load_data_key", lambda account: data_key)
    path = store_dir / "keys.json"
    doc = _make_legacy(path)
    doc["keyring"] = True
    path.write_text(json.dumps(doc))
    with pytest.raises(AssistantError, match="unlock it once with your passphrase"):
        Assistant(store_dir).unlock(None)
