"""Shared fixtures. Every test gets its own data dir; the testing profile makes key derivation cheap."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["ASSISTANT_TESTING"] = "1"  # scrypt 2**12 instead of 2**17: same code path, faster tests
os.environ.pop("ASSISTANT_HOME", None)
os.environ.pop("ASSISTANT_PASSPHRASE", None)

from assistant import privacy
from assistant.api import Assistant

PASSPHRASE = "correct horse battery staple"
FIXTURES = Path(__file__).parent / "fixtures"
DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
LOCOMO = DATASETS / "locomo" / "locomo-dev.json"


@pytest.fixture(autouse=True)
def _restore_privacy_guard() -> Iterator[None]:
    before = privacy.local_only()
    yield
    privacy.set_local_only(before)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(data_dir: Path) -> Iterator[Assistant]:
    assistant = Assistant(data_dir)
    assistant.init(PASSPHRASE)
    yield assistant
    assistant.close()


@pytest.fixture
def locomo_path() -> Path:
    if not LOCOMO.exists():
        pytest.skip(f"the LoCoMo data set is not beside this checkout ({LOCOMO}); CI provides ../shared")
    return LOCOMO


def run_cli(
    data_dir: Path,
    *args: str,
    passphrase: str | None = PASSPHRASE,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real `assistant` command in a subprocess, as a user would."""
    full_env = {**os.environ, "ASSISTANT_TESTING": "1", **(env or {})}
    if passphrase is not None:
        full_env["ASSISTANT_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "assistant", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=300,
        check=False,
    )
