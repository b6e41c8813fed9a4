from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.errors import ImportFormatError
from assistant.importers.registry import detect_format, read_export, read_messages
from tests.conftest import FIXTURES


def test_jsonl_reads_every_line_with_times_and_refs() -> None:
    msgs = read_messages(FIXTURES / "chat.jsonl", "jsonl")
    assert [m.speaker for m in msgs] == ["alice", "bob", "alice", "bob"]
    assert msgs[0].occurred_at == datetime(2024, 5, 2, 9, 15, tzinfo=UTC)
    assert msgs[2].occurred_at == datetime(2024, 5, 2, 7, 17, tzinfo=UTC)  # +02:00 normalised
    assert msgs[3].occurred_at == datetime.fromtimestamp(1714641480, UTC)
    assert [m.ref for m in msgs] == ["m1", "m2", "m3", None]
    assert {m.session for m in msgs} == {"trip"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"speaker": "a", "text": "x", "time": "2024-01-01"}\n{"speaker": "a", "text": "y"\n',
            "line 2: not valid JSON",
        ),
        ('{"speaker": "a", "text": "x"}\n', "line 1: missing time"),
        ('{"speaker": "a", "text": 5, "time": "2024-01-01"}\n', "'text' must be a string"),
        ('{"speaker": "a", "text": "x", "time": "yesterday-ish"}\n', "line 1: invalid time"),
        ("[1, 2]\n", "line 1: expected an object"),
    ],
)
def test_jsonl_errors_name_the_line(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFormatError, match=expected):
        read_messages(path, "jsonl")


def test_chatgpt_follows_the_current_thread_only() -> None:
    msgs = read_messages(FIXTURES / "chatgpt_conversations.json", "chatgpt")
    texts = [m.text for m in msgs]
    assert "You are ChatGPT." not in texts  # system prompt
    assert "(an answer the user regenerated away)" not in texts  # abandoned branch
    assert texts[0].startswith("My sourdough starter")
    assert texts[2] == "Here is a photo of the jar."  # image part dropped, text kept
    assert [m.speaker for m in msgs] == ["user", "assistant", "user", "user", "assistant"]
    assert msgs[0].session == "c0ffee00-0000-4000-8000-000000000001"
    assert msgs[3].session == "c0ffee00-0000-4000-8000-000000000002"
    assert msgs[0].meta == {"title": "Sourdough help"}
    assert [m.ref for m in msgs] == ["n2", "n3", "n4", "t1", "t2"]


def test_chatgpt_rejects_a_cycle(tmp_path: Path) -> None:
    doc = [{"current_node": "a", "mapping": {"a": {"id": "a", "parent": "b"}, "b": {"id": "b", "parent": "a"}}}]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ImportFormatError, match="conversation 0: the message tree has a cycle"):
        read_messages(path, "chatgpt")


def test_locomo_sample_uses_dia_ids_session_times_and_captions() -> None:
    msgs = read_messages(FIXTURES / "locomo_sample.json", "locomo")
    assert [m.ref for m in msgs] == ["D1:1", "D1:2", "D1:3", "D2:1", "D2:2"]
    assert msgs[0].occurred_at == datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    assert msgs[3].occurred_at == datetime(2023, 6, 27, 10, 37, tzinfo=UTC)
    assert msgs[2].text == "[shares a photo of a grey dog lying on a sofa]"
    assert msgs[4].text == "Amazing, what was your time? [shares a photo of a medal on a table]"
    assert msgs[0].session == "conv-test:session_1"
    assert all("Ana adopted a dog" not in m.text for m in msgs)  # summaries are not imported


def test_locomo_real_dev_file(locomo_path: Path) -> None:
    msgs = read_messages(locomo_path, "locomo")
    doc = json.loads(locomo_path.read_text(encoding="utf-8"))
    expected = sum(
        len(v) for s in doc for k, v in s["conversation"].items() if k.startswith("session_") and isinstance(v, list)
    )
    assert len(msgs) == expected
    assert all(m.ref and m.ref.startswith("D") for m in msgs)


def test_unknown_format_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="unknown format 'csv'"):
        read_messages(FIXTURES / "chat.jsonl", "csv")
    with pytest.raises(ImportFormatError, match="no such file"):
        read_messages(tmp_path / "nope.jsonl", "jsonl")
    with pytest.raises(ImportFormatError, match="is a folder: choose the export file in it"):
        read_messages(tmp_path, "auto")
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes('{"speaker": "a", "text": "caf\xe9", "time": "2024-01-01"}'.encode("latin-1"))
    with pytest.raises(ImportFormatError, match="not UTF-8"):
        read_messages(bad, "jsonl")


@pytest.mark.parametrize(
    ("fixture", "fmt"),
    [("chat.jsonl", "jsonl"), ("chatgpt_conversations.json", "chatgpt"), ("locomo_sample.json", "locomo")],
)
def test_auto_tells_each_format_from_its_content(tmp_path: Path, fixture: str, fmt: str) -> None:
    renamed = tmp_path / "export.txt"  # the name says nothing
    renamed.write_bytes((FIXTURES / fixture).read_bytes())
    found, messages = read_export(renamed, "auto")
    assert found == fmt and messages == read_messages(FIXTURES / fixture, fmt)


def test_auto_reads_a_one_line_jsonl_and_a_single_locomo_sample(tmp_path: Path) -> None:
    one = tmp_path / "one.jsonl"
    one.write_text('{"speaker": "me", "text": "hello", "time": "2024-01-01T10:00:00Z"}\n')
    assert read_export(one, "auto")[0] == "jsonl"
    sample = json.loads((FIXTURES / "locomo_sample.json").read_text())
    single = tmp_path / "sample.json"
    single.write_text(json.dumps(sample[0] if isinstance(sample, list) else sample))
    assert read_export(single, "auto")[0] == "locomo"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("speaker,text\nme,hello\n", "it is not JSON"),
        ('[{"speaker": "me", "text": ', "it is not valid JSON"),
        ('{"rows": [1, 2]}', "it is JSON, but not a chat export this app reads"),
        ("[]", "it is JSON, but not a chat export this app reads"),
        ("", "it is not JSON"),
    ],
)
def test_auto_says_what_it_found_and_what_it_reads(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "mystery.json"
    path.write_text(content)
    with pytest.raises(ImportFormatError) as caught:
        read_export(path, "auto")
    assert str(caught.value).startswith(f"mystery.json: cannot tell its format: {says}; expected a ChatGPT")
    assert "JSON Lines" in str(caught.value) and "LoCoMo" in str(caught.value)


def test_json_lines_of_another_shape_are_read_as_json_lines_and_say_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "other.jsonl"
    path.write_text('{"a": 1}\n{"b": 2}\n')
    with pytest.raises(ImportFormatError, match=r"other.jsonl, line 1: missing speaker, text, time"):
        read_export(path, "auto")


def test_detection_is_by_shape_not_by_name() -> None:
    assert detect_format('[{"mapping": {}}]', "x") == "chatgpt"
    assert detect_format('{"conversation": {}, "qa": []}', "x") == "locomo"
    assert (
        detect_format('{"speaker": "a", "text": "b", "time": 1}\n{"speaker": "b", "text": "c", "time": 2}', "x")
        == "jsonl"
    )


def test_a_chatgpt_export_zip_is_read_without_unpacking(tmp_path: Path) -> None:
    export = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(export, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("chat.html", "<html></html>")
        archive.writestr("export/conversations.json", (FIXTURES / "chatgpt_conversations.json").read_text())
    fmt, messages = read_export(export, "auto")
    assert fmt == "chatgpt" and messages == read_messages(FIXTURES / "chatgpt_conversations.json", "chatgpt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chatgpt-export.zip"]  # nothing unpacked


def test_a_zip_without_conversations_or_a_damaged_one_says_so(tmp_path: Path) -> None:
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("a.txt", "hello")
    with pytest.raises(ImportFormatError, match="photos.zip: a ZIP without conversations.json"):
        read_export(other, "auto")
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("conversations.json", (FIXTURES / "chatgpt_conversations.json").read_text() * 3)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[:-60])  # the central directory is gone
    with pytest.raises(ImportFormatError, match="cut.zip: a damaged or unreadable ZIP"):
        read_export(cut, "auto")


def test_errors_inside_a_zip_name_the_member(tmp_path: Path) -> None:
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("conversations.json", '[{"mapping": 3}]')
    with pytest.raises(ImportFormatError, match=r"export.zip/conversations.json"):
        read_export(export, "auto")
