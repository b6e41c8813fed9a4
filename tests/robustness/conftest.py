"""Fixtures of the robustness tests: a small tmpfs we mount ourselves (root only), and the full runs
through the facade (in this process, and in a network namespace) that several test files check."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

Mount = Callable[[str], Path]
INPUTS_DIR = "user-inputs"


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Mount]:
    """`tmpfs("size=2M")` mounts a fresh tmpfs with those options and returns its path; all are unmounted
    after the test. Skips where mounting is not allowed (not root, no mount(8), a container without
    CAP_SYS_ADMIN)."""
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs Linux and root (CAP_SYS_ADMIN)")
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        target = tmp_path / f"tmpfs{len(mounted)}"
        target.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"{options},mode=0700", "tmpfs", str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        if subprocess.run(["umount", str(target)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


# -- the full runs (tests/robustness/fullrun.py), shared by the local-only and canary tests ---------------
@dataclass
class InProcessRun:
    report: dict[str, Any]
    violations: list[str]
    inet_sockets: int
    blocked: list[str]  # what the privacy guard refused during the run
    listening_after: list[tuple[str, str, int]]
    data_dir: Path
    inputs: Path
    display: bool
    new_temp_files: list[Path]  # under tempfile.gettempdir() (and /dev/shm): created or changed during the run


@dataclass
class NamespaceRun:
    report: dict[str, Any]
    xvfb: bool


def _files(root: str) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                found[path] = (st.st_mtime_ns, st.st_size)
    return found


def _display_tools() -> bool:
    return shutil.which("Xvfb") is not None and shutil.which("tesseract") is not None


@pytest.fixture(scope="session")
def gemma_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant.errors import ModelError
    from tests.integration.gemma_model import gemma_model_path

    try:
        return gemma_model_path(tmp_path_factory)
    except ModelError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def minilm_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.integration.embedding_model import converted_minilm

    return converted_minilm(tmp_path_factory)


@pytest.fixture(scope="session")
def inputs_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the user hands the app: plaintext by nature, so the canary scans skip it."""
    return tmp_path_factory.mktemp(INPUTS_DIR)


@pytest.fixture(scope="session")
def inprocess_run(
    tmp_path_factory: pytest.TempPathFactory, gemma_path: Path, minilm_path: Path, inputs_root: Path
) -> InProcessRun:
    from assistant import privacy
    from tests.robustness.fullrun import full_run
    from tests.robustness.netwatch import NetWatch, listening_sockets
    from tests.xdisplay import XvfbServer

    base = tmp_path_factory.mktemp("inprocess")
    server = XvfbServer() if _display_tools() else None
    roots = [tempfile.gettempdir(), *(["/dev/shm"] if os.path.isdir("/dev/shm") else [])]
    before = {root: _files(root) for root in roots}
    blocked_before = len(privacy.blocked_attempts())
    try:
        with NetWatch() as watch:
            report = full_run(
                base / "data",
                inputs_root / "inprocess",
                model=gemma_path,
                embedder=minilm_path,
                display=server.display if server else None,
                while_open=lambda _app: listening_sockets(),
            )
            listening_after = listening_sockets()
    finally:
        if server is not None:
            server.close()
    changed = [Path(p) for root in roots for p, st in _files(root).items() if before[root].get(p) != st]
    return InProcessRun(
        report,
        watch.violations(),
        watch.inet_sockets(),
        privacy.blocked_attempts()[blocked_before:],
        listening_after,
        base / "data",
        inputs_root,
        server is not None,
        changed,
    )


@pytest.fixture(scope="session")
def namespace_run(
    tmp_path_factory: pytest.TempPathFactory, gemma_path: Path, minilm_path: Path, inputs_root: Path
) -> NamespaceRun:
    """The same full run in a network namespace that has nothing but loopback, in a subprocess."""
    if sys.platform != "linux" or shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("network namespaces need Linux with unshare(1) and ip(8)")
    probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"cannot create a network namespace here (needs root or user namespaces): {probe.stderr.strip()}")
    base = tmp_path_factory.mktemp("namespace")
    root = Path(__file__).resolve().parents[2]
    command = [
        "unshare",
        "--net",
        "sh",
        "-c",
        'ip link set lo up && exec "$@"',
        "sh",
        sys.executable,
        "-m",
        "tests.robustness.fullrun",
        str(base / "data"),
        str(inputs_root / "namespace"),
        "--model",
        str(gemma_path),
        "--embedder",
        str(minilm_path),
        *(["--xvfb"] if _display_tools() else []),
    ]
    env = {**os.environ, "ASSISTANT_TESTING": "1", "PYTHONPATH": str(root)}
    done = subprocess.run(command, capture_output=True, text=True, cwd=root, env=env, timeout=600, check=False)
    assert done.returncode == 0, f"the run in the network namespace failed ({done.returncode}):\n{done.stderr[-4000:]}"
    return NamespaceRun(json.loads(done.stdout.strip().splitlines()[-1]), _display_tools())
