"""The installed app: build the Linux release once, install it from its tarball into a private HOME,
and run the frozen programs as a user would.

The build (PyInstaller over the whole app, then the tarball) takes several minutes; it happens once per
session, into a temporary directory, never into the checkout.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant import __version__
from tests import xdisplay
from tests.procs import stop
from tests.xdisplay import TextWindow

xvfb_display = xdisplay.xvfb_display  # the private-Xvfb fixture, under the name the tests ask for
ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "packaging" / "linux" / "build.sh"
BUILD_TIMEOUT = 40 * 60
RUN_TIMEOUT = 300
STEP_ORDER = ["store", "embedder", "import", "search", "model", "capture"]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(BUILD_TIMEOUT),  # whichever test comes first also waits for the build
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PyInstaller bundles are built on Linux in CI"),
]


@dataclass(frozen=True)
class Release:
    tarball: Path
    home: Path  # the private HOME the tarball was installed into
    app_dir: Path  # HOME/.local/opt/memory-assistant
    build_seconds: float
    install_output: str

    def env(self, **extra: str) -> dict[str, str]:
        """A user's environment: PATH and HOME only (no DISPLAY unless given, no test switches)."""
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home), "LANG": "C.UTF-8", **extra}

    def run(self, program: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.app_dir / program), *args],
            capture_output=True,
            text=True,
            env=env or self.env(),
            timeout=RUN_TIMEOUT,
            check=False,
        )


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is not installed: pip install -e '.[dev]'")
    base = tmp_path_factory.mktemp("release")
    dist, work, log = base / "dist", base / "work", base / "build.log"
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        built = subprocess.run(
            ["bash", str(BUILD_SCRIPT), "--dist", str(dist), "--work", str(work)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHON": sys.executable},
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    build_seconds = time.monotonic() - started
    if built.returncode != 0:
        pytest.fail(f"build.sh failed ({built.returncode}):\n" + log.read_text(encoding="utf-8")[-4000:])
    tarball = dist / f"memory-assistant-{__version__}-linux-{os.uname().machine}.tar.gz"
    unpacked = base / "unpacked"
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="tar")
    home = base / "home"
    home.mkdir()
    installer = unpacked / tarball.name.removesuffix(".tar.gz") / "install.sh"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)}
    installed = subprocess.run(
        ["sh", str(installer)], capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT, check=False
    )
    assert installed.returncode == 0, installed.stderr
    shutil.rmtree(unpacked)  # the installed copy must stand on its own
    shutil.rmtree(work)
    print(f"\n[packaging] build + tarball: {build_seconds:.0f} s; tarball {tarball.stat().st_size / 1e6:.0f} MB")
    return Release(tarball, home, home / ".local" / "opt" / "memory-assistant", build_seconds, installed.stdout)


def _step_lines(stdout: str) -> dict[str, str]:
    return {m.group(1): line for line in stdout.splitlines() if (m := re.match(r"(\w+): ", line))}


def _git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def test_the_tarball_installs_the_programs_menu_entry_and_icon(release: Release) -> None:
    home = release.home
    for name in ("assistant", "assistant-ui"):
        assert os.access(release.app_dir / name, os.X_OK)
    for link, target in (
        ("assistant", "assistant"),
        ("assistant-ui", "assistant-ui"),
        ("memory-assistant-ui", "assistant-ui"),
    ):
        assert (home / ".local" / "bin" / link).resolve() == (release.app_dir / target).resolve()
    desktop = (home / ".local/share/applications/memory-assistant.desktop").read_text(encoding="utf-8")
    assert f"Exec={release.app_dir}/assistant-ui\n" in desktop
    assert "Icon=memory-assistant\n" in desktop and "Categories=Utility;\n" in desktop
    icons = home / ".local/share/icons/hicolor"
    svg = (icons / "scalable/apps/memory-assistant.svg").read_bytes()
    assert svg == (ROOT / "resources/icons/app.svg").read_bytes()
    assert (icons / "48x48/apps/memory-assistant.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"Installed Memory Assistant {__version__}" in release.install_output
    assert not (ROOT / "assistant" / "_build_info.py").exists(), "the build left its generated file in the checkout"


def test_the_version_names_the_commit_it_was_built_from(release: Release) -> None:
    r = release.run("assistant", "--version")
    assert r.returncode == 0, r.stderr
    commit = _git_commit()
    expected = f"assistant {__version__} (commit {commit}" if commit else f"assistant {__version__} (no git commit"
    assert r.stdout.startswith(expected), r.stdout
    assert re.search(r", built \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$", r.stdout.strip())


def test_the_frozen_self_test_passes_with_capture_under_x(release: Release, xvfb_display: str) -> None:
    words = "Frozen bundle capture check\nthe quick brown fox jumps"
    with TextWindow(xvfb_display, words, title="Self-test window"):
        r = release.run("assistant", "self-test", "--require-capture", env=release.env(DISPLAY=xvfb_display))
    assert r.returncode == 0, r.stdout + r.stderr
    lines = _step_lines(r.stdout)
    assert list(lines) == STEP_ORDER, r.stdout
    assert r.stdout.splitlines()[0].startswith(f"memory assistant {__version__} (commit ")
    assert "installed bundle on Linux" in r.stdout.splitlines()[0]
    for step in STEP_ORDER:
        assert lines[step].startswith(f"{step}: ok ("), r.stdout
    assert lines["store"].startswith("store: ok (encrypted store created, schema ")
    assert lines["embedder"].startswith("embedder: ok (all-MiniLM-L6-v2 ready, 384-dimensional vectors")
    assert lines["search"].startswith("search: ok (found the imported message")
    assert lines["model"].startswith("model: ok (gemma3-270m-test installed in ")
    # OCR ran: tesseract (from PATH, outside the bundle) read the window's words
    capture = re.match(r"capture: ok \((\d+) frames? stored, OCR ok, (\d+) words", lines["capture"])
    assert capture and int(capture.group(1)) >= 1 and int(capture.group(2)) >= 5, lines["capture"]
    assert r.stdout.splitlines()[-1] == "self-test passed"


def test_the_frozen_self_test_names_the_failed_step(release: Release) -> None:
    r = release.run("assistant", "self-test", "--require-capture")  # no DISPLAY
    assert r.returncode == 1, r.stdout + r.stderr
    lines = _step_lines(r.stdout)
    assert lines["capture"] == "capture: FAILED (no display; capture was required)"
    assert all(lines[s].startswith(f"{s}: ok (") for s in STEP_ORDER[:-1]), r.stdout
    assert r.stdout.splitlines()[-1] == "self-test FAILED at step: capture"


def test_the_desktop_app_runs_its_self_test(release: Release) -> None:
    r = release.run("assistant-ui", "--self-test")
    assert r.returncode == 0, r.stdout + r.stderr
    assert _step_lines(r.stdout)["capture"] == "capture: skipped (no display)"
    assert r.stdout.splitlines()[-1] == "self-test passed"


@pytest.fixture
def ui_process(release: Release, xvfb_display: str, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [str(release.app_dir / "assistant-ui"), "--data-dir", str(tmp_path / "data")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=release.env(DISPLAY=xvfb_display),
    )
    yield proc
    stop(proc, 20)
    assert proc.stdout is not None
    proc.stdout.close()


def test_the_desktop_app_opens_its_first_run_window_under_x(
    ui_process: subprocess.Popen[str], xvfb_display: str
) -> None:
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool not installed (Linux only)")
    found = subprocess.run(
        ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Set up your memory"],
        capture_output=True,
        text=True,
        env={**os.environ, "DISPLAY": xvfb_display},
        timeout=120,
        check=False,
    )
    assert ui_process.poll() is None, "the desktop app exited instead of showing its window"
    assert found.returncode == 0 and found.stdout.strip(), found.stderr
