"""Bad files and a bad environment: each gets a clear, specific message, and nothing is changed.

Broken or wrong-kind GGUF models, a missing tesseract, no display or a Wayland session, a read-only data
dir, a store another process has open, and a damaged persistent vector index.
"""

from __future__ import annotations

import logging
import re
import shutil
import struct
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.api import Assistant
from assistant.capture.writer import FrameWriter
from assistant.errors import CaptureUnavailable, DataDirError, ModelError
from assistant.llm.runtime import LlamaChatModel
from assistant.ocr.tesseract import TesseractOcr
from assistant.store import opened
from assistant.store.lock import StoreInUse
from assistant.store.readonly import ReadOnlyStore
from assistant.values import RawEvent, SemanticMemory
from tests import xdisplay
from tests.conftest import FIXTURES, PASSPHRASE, run_cli
from tests.integration.gemma_model import write_tiny_gguf
from tests.robustness.conftest import Mount
from tests.robustness.fakes import fake_pipeline
from tests.robustness.helpers import Holder, snapshot

xvfb_display = xdisplay.xvfb_display
NOWHERE = "/nonexistent/bin/tesseract"


# -- models ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("empty", "is not a GGUF file"),
        ("not-gguf", "is not a GGUF file"),
        ("header-cut", "truncated GGUF file"),
        ("tensors-cut", "truncated GGUF file .*the tensors need"),
        ("bad-version", "corrupt GGUF file .*unsupported GGUF version 99"),
    ],
)
def test_a_broken_gguf_is_refused_by_name(app: Assistant, tmp_path: Path, damage: str, expected: str) -> None:
    path = write_tiny_gguf(tmp_path / "model.gguf", n_floats=4096)
    data = path.read_bytes()
    broken = {
        "empty": b"",
        "not-gguf": b"PK\x03\x04" + data[4:],
        "header-cut": data[:40],
        "tensors-cut": data[:-4000],
        "bad-version": data[:4] + struct.pack("<I", 99) + data[8:],
    }[damage]
    path.write_bytes(broken)
    before = snapshot(app.paths.root)
    with pytest.raises(ModelError, match=expected) as err:
        app.models.add(path, role="chat", name="broken")
    assert str(path) in str(err.value)
    with pytest.raises(ModelError, match=expected):
        LlamaChatModel(path)  # the runtime checks before llama.cpp sees the file
    assert app.models.installed() == [] and snapshot(app.paths.root) == before


def test_an_embedding_model_given_as_the_chat_model_is_refused(app: Assistant, tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "embedder.gguf", "bert", embedding=True)
    before = snapshot(app.paths.root)
    with pytest.raises(ModelError, match="is an embedding model; choose a chat model"):
        app.models.add(path, role="chat", name="embedder")
    assert snapshot(app.paths.root) == before
    app.models.add(path, role="embedding", name="embedder")
    with pytest.raises(ModelError, match="embedder is an embedding model; choose a chat model"):
        app.models.use("embedder", "chat")
    with pytest.raises(ModelError, match="is an embedding model; choose a chat model"):
        LlamaChatModel(path)
    assert app.models.active("chat") is None


def test_a_model_llama_cpp_cannot_load_leaves_consolidation_and_answers_working(app: Assistant, tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "hollow.gguf", "llama", chat_template="{{ messages }}")
    app.models.add(path, role="chat", name="hollow")  # its header is fine: only loading it shows the problem
    app.models.use("hollow", "chat")
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    report = app.consolidation.run()
    assert report.model_status.startswith("model unavailable (llama.cpp could not load")
    assert report.model_status.endswith("deterministic pass only")
    assert report.events == 4 and app.memories.latest("episodic")
    answer = app.answers.ask("where did the flight go?", record=False)
    assert answer.text and "llama.cpp could not load" in (app.status().notes.model or "")


# -- capture environment --------------------------------------------------------------------------------
def test_a_missing_tesseract_keeps_the_metadata_and_says_so(app: Assistant) -> None:
    writer = FrameWriter(
        app._core.store, thumbnail_budget_bytes=10**7, on_disk_full=lambda _m: None, on_recovered=lambda: None
    )
    pipeline = fake_pipeline(writer)
    pipeline.ocr = TesseractOcr(tesseract_cmd=NOWHERE)
    try:
        records = pipeline.capture_once()
        status = pipeline.stats().ocr_status
    finally:
        pipeline.stop()
    assert len(records) == 1 and records[0].ocr_status == "unavailable"
    assert status == "unavailable: install tesseract-ocr"
    event = app.memories.event(app.search.find("Editor plan.md")[0].id)
    assert (event.app, event.title, event.text) == ("Editor", "plan.md - Editor", "")
    assert event.meta["ocr"] == "unavailable"


def test_a_missing_tesseract_on_a_real_display(app: Assistant, xvfb_display: str) -> None:
    app.settings.current.capture.tesseract_path = NOWHERE
    app.settings.current.capture.interval_seconds = 0.2
    with xdisplay.TextWindow(xvfb_display, "Some words on screen", title="Report - Viewer", wm_class="viewer"):
        app.capture.start()
        app._core.background.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not app.status().events.get("screen"):
            time.sleep(0.1)
        stats = app.capture.status().stats
        app.capture.stop()
    assert stats is not None and stats.ocr_status == "unavailable: install tesseract-ocr", stats
    event = app.memories.event(app.search.find("Report Viewer")[0].id)
    assert event.title == "Report - Viewer" and event.text == "" and event.meta["ocr"] == "unavailable"


NO_DISPLAY = "no display: set DISPLAY or run under X11"
RUNTIME = "/nonexistent-runtime-dir"
WAYLAND = (
    f"wayland: no compositor socket at {RUNTIME}/wayland-0 (check WAYLAND_DISPLAY and XDG_RUNTIME_DIR, "
    "or run the app inside the desktop session)"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DISPLAY": None, "WAYLAND_DISPLAY": None, "XDG_SESSION_TYPE": "tty"}, NO_DISPLAY),
        (
            {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": None, "XDG_RUNTIME_DIR": RUNTIME},
            WAYLAND,
        ),
        (
            {"DISPLAY": ":0", "WAYLAND_DISPLAY": None, "XDG_SESSION_TYPE": "wayland", "XDG_RUNTIME_DIR": RUNTIME},
            WAYLAND,
        ),
    ],
    ids=["no-display", "wayland-display", "wayland-session"],
)
def test_capture_refuses_an_unusable_display_and_keeps_consent_off(
    app: Assistant, data_dir: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str | None], expected: str
) -> None:
    for key, value in env.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    before = snapshot(data_dir)
    with pytest.raises(CaptureUnavailable, match=re.escape(expected)):
        app.capture.once()
    with pytest.raises(CaptureUnavailable, match=re.escape(expected)):
        app.capture.start()
    assert app.settings.current.capture.enabled is False and snapshot(data_dir) == before
    app.close()
    done = run_cli(data_dir, "capture", "once")
    assert done.returncode == 1 and done.stderr.strip() == f"assistant: {expected}"


# -- the data dir ------------------------------------------------------------------------------------------
def test_a_read_only_data_dir_is_named_with_what_to_do(tmpfs: Mount) -> None:
    made = tmpfs("size=4M")
    app = Assistant(made / "data")
    app.init(PASSPHRASE)
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app.close()
    disk = tmpfs("size=4M")  # a copy on a file system nothing holds open, so it can turn read-only
    shutil.copytree(made / "data", disk / "data")
    before = snapshot(disk / "data")
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    with pytest.raises(DataDirError, match=r"cannot write to the data dir .*Read-only file system.*--data-dir"):
        Assistant(disk / "data").unlock(PASSPHRASE)
    with pytest.raises(DataDirError, match="cannot write to the data dir"):
        Assistant(disk / "fresh").init(PASSPHRASE)
    done = run_cli(disk / "data", "status")
    assert done.returncode == 1 and "cannot write to the data dir" in done.stderr
    subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
    assert snapshot(disk / "data") == before


def test_a_store_another_process_has_open_is_refused_but_readable(app: Assistant, data_dir: Path) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app.close()
    holder = Holder(data_dir)
    try:
        before = snapshot(data_dir)
        with pytest.raises(StoreInUse, match=rf"in use by another process \(pid {holder.pid}\)"):
            Assistant(data_dir).unlock(PASSPHRASE)
        done = run_cli(data_dir, "import", str(FIXTURES / "chatgpt_conversations.json"), "--format", "chatgpt")
        assert done.returncode == 1 and f"in use by another process (pid {holder.pid})" in done.stderr
        reader = opened.open_existing(Assistant(data_dir).paths, PASSPHRASE, read_only=True)
        try:  # reading beside the holder works (WAL readers), writing through it is refused
            assert reader.db.reader().execute("SELECT count(*) FROM raw_events").fetchone()[0] == 4
            with pytest.raises(ReadOnlyStore, match=f"another process \\(pid {holder.pid}\\)"), reader.db.write():
                pass
        finally:
            reader.close()
        assert snapshot(data_dir) == before
    finally:
        holder.kill()  # even a holder that dies without closing frees the store
    again = Assistant(data_dir)
    again.unlock(PASSPHRASE)
    assert again.status().events == {"chat": 4}
    again.close()


# -- the vector index ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["deleted", "garbage"])
def test_a_damaged_vector_snapshot_is_rebuilt_from_the_store(
    app: Assistant, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    from assistant.retrieval.embedded_index import EmbeddedIndex

    def encrypted() -> EmbeddedIndex:
        return EmbeddedIndex("test-model", snapshot=app.paths.vector_snapshot, data_key=app._core.store.data_key)

    rng = np.random.default_rng(3)
    vectors = {}
    with app._core.store.db.write() as conn:
        for i in range(5):
            memory = SemanticMemory(name=f"fact {i}", summary=f"summary {i}")
            app.memories.add(memory)
            vec = rng.normal(size=16).astype(np.float32)
            vectors[memory.id] = vec / np.linalg.norm(vec)
            conn.execute(
                "INSERT INTO embeddings (owner_id, owner_kind, model, vector) VALUES (?, 'memory', ?, ?)",
                (memory.id, "test-model", vectors[memory.id].tobytes()),
            )
    app.memories.add_events([RawEvent(kind="chat", occurred_at=app.memories.latest()[0].created_at, text="no vector")])
    conn = app._core.store.db.reader()
    index = encrypted()
    assert index.sync_with_store(conn) == 5
    index.close()
    assert app.paths.vector_snapshot.is_file()
    store_before = snapshot(app.paths.root / "blobs"), app.paths.database.read_bytes()
    if damage == "deleted":
        shutil.rmtree(app.paths.vector_snapshot.parent)
    else:
        app.paths.vector_snapshot.write_bytes(b"\x00garbage" * 512)
    caplog.set_level(logging.INFO, logger="assistant.retrieval.index_sync")
    again = encrypted()
    try:
        assert again.sync_with_store(conn) == 5
        target = next(iter(vectors))
        assert again.query(vectors[target].tolist(), limit=1)[0][0] == target
    finally:
        again.close()
    assert "vector index filled from the store: 5 vectors" in caplog.text
    if damage == "garbage":
        assert "vector snapshot not used" in caplog.text, caplog.text
    assert (snapshot(app.paths.root / "blobs"), app.paths.database.read_bytes()) == store_before
