"""Version and build information: a source checkout says so; a bundle names its commit and build time."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import types
from pathlib import Path

import pytest

from assistant import __version__
from assistant.diagnostics.build_info import GENERATED_MODULE, build_info, version_line

ROOT = Path(__file__).resolve().parents[2]


def _writer() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("write_build_info", ROOT / "packaging" / "write_build_info.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _generated(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    module = types.ModuleType(GENERATED_MODULE)
    for name, value in values.items():
        setattr(module, name, value)
    monkeypatch.setitem(sys.modules, GENERATED_MODULE, module)


def test_a_source_checkout_says_so() -> None:
    assert not (ROOT / "assistant" / "_build_info.py").exists(), "a build left its generated file behind"
    info = build_info()
    assert (info.commit, info.built_at, info.frozen) == (None, None, False)
    assert version_line() == f"{__version__} (source checkout)"


def test_a_bundle_names_its_commit_and_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    _generated(monkeypatch, COMMIT="1a2b3c4d5e6f", BUILT_AT="2025-01-31T12:00:00Z")
    assert version_line() == f"{__version__} (commit 1a2b3c4d5e6f, built 2025-01-31T12:00:00Z)"
    _generated(monkeypatch, COMMIT="", BUILT_AT="2025-01-31T12:00:00Z")
    assert version_line() == f"{__version__} (no git commit, built 2025-01-31T12:00:00Z)"


def test_the_cli_prints_the_version_line() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "--version"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == f"assistant {version_line()}"


def test_the_writer_records_the_commit_and_removes_its_file(tmp_path: Path) -> None:
    writer = _writer()
    (tmp_path / "assistant").mkdir()
    target = writer.write(tmp_path)
    assert target == tmp_path / "assistant" / "_build_info.py"
    namespace: dict[str, object] = {}
    exec(target.read_text(encoding="utf-8"), namespace)
    assert namespace["COMMIT"] == ""  # not a git checkout
    assert str(namespace["BUILT_AT"]).endswith("Z")
    writer.remove(tmp_path)
    assert not target.exists()


def test_the_writer_names_this_checkout_commit() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (a source tarball)")
    head = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert _writer().git_commit(ROOT).removesuffix("-dirty") == head
