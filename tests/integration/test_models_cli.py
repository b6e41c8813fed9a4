"""`assistant models ...` as a user runs it: offline defaults, registering files, roles, removal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.integration.gemma_model import gemma_model_path, write_tiny_gguf

pytestmark = pytest.mark.integration


def test_prepare_default_and_bundled_test_model(data_dir: Path) -> None:
    r = run_cli(data_dir, "models", "prepare-default", "--json", passphrase=None)
    assert r.returncode == 0, r.stderr
    assert Path(json.loads(r.stdout)["path"]).name == "all-MiniLM-L6-v2.gguf"
    again = run_cli(data_dir, "models", "prepare-default", passphrase=None)  # idempotent
    assert again.returncode == 0
    assert run_cli(data_dir, "models", "install-test-model", passphrase=None).returncode == 0
    listed = json.loads(run_cli(data_dir, "models", "list", "--json", passphrase=None).stdout)
    assert sorted(listed["active"]) == ["all-MiniLM-L6-v2", "gemma3-270m-test"]
    assert {m["role"] for m in listed["models"]} == {"chat", "embedding"}


def test_wrong_role_and_corrupt_files_are_clear_errors(
    data_dir: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    gemma = gemma_model_path(tmp_path_factory)
    r = run_cli(data_dir, "models", "add", str(gemma), "--role", "embedding", passphrase=None)
    assert r.returncode == 1 and "is a chat model" in r.stderr
    emb = write_tiny_gguf(tmp_path / "tiny-bert.gguf", "bert", embedding=True)
    assert run_cli(data_dir, "models", "add", str(emb), "--name", "tiny", passphrase=None).returncode == 0
    r = run_cli(data_dir, "models", "use", "tiny", "--role", "chat", passphrase=None)
    assert r.returncode == 1 and "embedding model" in r.stderr
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(gemma.read_bytes()[:4096])
    r = run_cli(data_dir, "models", "add", str(broken), passphrase=None)
    assert r.returncode == 1 and "broken.gguf" in r.stderr and "Traceback" not in r.stderr
    r = run_cli(data_dir, "models", "download", "qwen2.5-0.5b-instruct", passphrase=None)
    assert r.returncode == 1 and "local-only mode is on" in r.stderr


def test_remove_keeps_files_outside_the_data_dir(data_dir: Path, tmp_path: Path) -> None:
    emb = write_tiny_gguf(tmp_path / "mine.gguf", "bert", embedding=True)
    run_cli(data_dir, "models", "add", str(emb), passphrase=None)
    r = run_cli(data_dir, "models", "remove", "mine", passphrase=None)
    assert r.returncode == 0 and "left in place" in r.stdout
    assert emb.exists()
