"""The `assistant` command as a user runs it (subprocesses, real console entry point)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.store.migrations import MIGRATIONS
from tests.conftest import FIXTURES, run_cli


def test_init_import_list_search_status(data_dir: Path) -> None:
    assert run_cli(data_dir, "init").returncode == 0
    r = run_cli(data_dir, "import", str(FIXTURES / "locomo_sample.json"), "--format", "locomo", "--json")
    assert json.loads(r.stdout) == {
        "path": str(FIXTURES / "locomo_sample.json"),
        "format": "locomo",
        "read": 5,
        "added": 5,
    }
    r = run_cli(data_dir, "search", "greyhound", "--json")
    hits = json.loads(r.stdout)
    assert set(hits[0]) == {"id", "type", "text", "score", "occurred_at", "sources"}
    assert hits[0]["sources"] == [{"kind": "chat", "ref": "D1:1"}]
    st = json.loads(run_cli(data_dir, "status", "--json").stdout)
    assert st["events"] == {"chat": 5} and st["schema_version"] == len(MIGRATIONS)  # the newest
    assert run_cli(data_dir, "memory", "list", "--json").stdout.strip() == "[]"
    shown = json.loads(run_cli(data_dir, "memory", "show", hits[0]["id"], "--json").stdout)
    assert shown["meta"]["conversation"] == "conv-test"


def test_batch_search_prints_one_line_per_query(data_dir: Path) -> None:
    run_cli(data_dir, "init")
    r = run_cli(data_dir, "import", str(FIXTURES / "chat.jsonl"))  # no --format: told from the content
    assert r.returncode == 0 and r.stdout.strip().endswith("(0 already there) as jsonl")
    batch = '{"query": "Lisbon flights"}\n\n{"query": "hotel Pestana"}\n'
    r = run_cli(data_dir, "search", "--batch", "-", "--limit", "2", stdin=batch)
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["query"] for x in lines] == ["Lisbon flights", "hotel Pestana"]
    assert "Pestana" in lines[1]["hits"][0]["text"]
    bad = run_cli(data_dir, "search", "--batch", "-", stdin='{"q": 1}\n')
    assert bad.returncode == 1 and "line 1" in bad.stderr


def test_wrong_passphrase_exits_2(data_dir: Path) -> None:
    run_cli(data_dir, "init")
    r = run_cli(data_dir, "status", passphrase="nope")
    assert r.returncode == 2
    assert "wrong passphrase" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "/nonexistent/file.jsonl", "--format", "jsonl"], "no such file"),
        (["memory", "show", "mem_missing"], "no memory with id mem_missing"),
        (["search", "x", "--type", "gossip"], "unknown type 'gossip'"),
        (["config", "set", "capture.interval_seconds", "soon"], "not a valid float"),
    ],
)
def test_bad_input_is_one_clear_line(data_dir: Path, args: list[str], message: str) -> None:
    run_cli(data_dir, "init")
    r = run_cli(data_dir, *args)
    assert r.returncode == 1
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_commands_before_init_say_so(data_dir: Path) -> None:
    r = run_cli(data_dir, "search", "x")
    assert r.returncode == 1 and "run `assistant init` first" in r.stderr


def test_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    r = run_cli(blocker / "data", "init")
    assert r.returncode == 1 and "cannot write to the data dir" in r.stderr


def test_export_restore_and_passwd(data_dir: Path, tmp_path: Path) -> None:
    run_cli(data_dir, "init")
    run_cli(data_dir, "import", str(FIXTURES / "chat.jsonl"), "--format", "jsonl")
    assert run_cli(data_dir, "export", "--out", str(tmp_path / "b.zip")).returncode == 0
    r = run_cli(data_dir, "passwd", env={"ASSISTANT_NEW_PASSPHRASE": "second passphrase"})
    assert r.returncode == 0, r.stderr
    assert run_cli(data_dir, "status").returncode == 2
    other = tmp_path / "other"
    assert run_cli(other, "restore", str(tmp_path / "b.zip")).returncode == 0
    st = json.loads(run_cli(other, "status", "--json").stdout)
    assert st["events"] == {"chat": 4}


def test_config_roundtrip(data_dir: Path) -> None:
    run_cli(data_dir, "init")
    assert run_cli(data_dir, "config", "set", "capture.interval_seconds", "5").returncode == 0
    r = run_cli(data_dir, "config", "get", "capture.interval_seconds", "--json")
    assert json.loads(r.stdout) == {"capture.interval_seconds": 5.0}


def test_eval_locomo_consolidates_unless_told_not_to(data_dir: Path) -> None:
    sample = str(FIXTURES / "locomo_sample.json")
    r = run_cli(data_dir, "eval", "locomo", sample, "--bm25", "--qa", "0", "--json")
    report = json.loads(r.stdout)["retrieval"]
    assert report["memories"] > 0 and report["counts"] == {"4": 1}
    raw = json.loads(
        run_cli(data_dir, "eval", "locomo", sample, "--bm25", "--qa", "0", "--no-consolidate", "--json").stdout
    )["retrieval"]
    assert raw["memories"] == 0 and raw["counts"] == {"4": 1}
