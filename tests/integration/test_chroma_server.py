"""Server mode against a real `chroma run` on 127.0.0.1 (the CLI ships with the chromadb package)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant import privacy
from assistant.api import Assistant
from assistant.retrieval.indexer import Indexer
from assistant.retrieval.recall import Recall
from assistant.retrieval.vector_index import VectorIndex
from assistant.retrieval.vector_retriever import EmbeddingRetriever
from assistant.values import RawEvent, SemanticMemory
from tests.fake_embedder import FakeEmbedder
from tests.procs import stop

pytestmark = pytest.mark.integration
T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _chroma_cli() -> str:
    beside = Path(sys.executable).with_name("chroma")
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        pytest.skip("the `chroma` command is not installed (it comes with the chromadb package)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [_chroma_cli(), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "chroma-data")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"chroma exited early: {(tmp_path / 'chroma.log').read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chroma did not answer its heartbeat within 60 s")
            time.sleep(0.3)
        yield url
    finally:
        stop(proc, 20)
        log.close()


def test_index_and_query_through_a_local_server(app: Assistant, chroma_server: str) -> None:
    privacy.set_local_only(True)  # loopback is allowed even in local-only mode
    refused_before = len(privacy.blocked_attempts())
    embedder = FakeEmbedder(synonyms={"automobile": "car"})
    memory = app.memories.add(SemanticMemory(name="car", summary="my automobile is a green estate", occurred_at=T0))
    events = [
        RawEvent(kind="chat", occurred_at=T0 + timedelta(days=d), text=f"weekly report number {d}") for d in range(5)
    ]
    app.memories.add_events(events)

    index = VectorIndex(embedder.model_id, mode="server", server_url=chroma_server, namespace="test-store")
    try:
        assert Indexer(app._core.store.db, embedder, index).run() == 6
        assert index.count() == 6
        recall = Recall(app._core.store.db, EmbeddingRetriever(embedder, index))
        assert recall.search("which car do I drive", now=T0 + timedelta(days=10))[0].id == memory.id
        window = index.query(
            embedder.embed(["weekly report"])[0], kinds=["chat"], since=T0 + timedelta(days=3), limit=10
        )
        assert {i for i, _ in window} == {events[3].id, events[4].id}
        index.delete([events[0].id])
        assert index.count() == 5
    finally:
        index.close()

    # The server keeps the vectors: a new session finds them healthy and does not rebuild.
    again = VectorIndex(embedder.model_id, mode="server", server_url=chroma_server, namespace="test-store")
    try:
        assert again.count() == 5
        assert again.sync_with_store(app._core.store.db.reader()) == 6  # one was missing: rebuilt from the store
        assert again.sync_with_store(app._core.store.db.reader()) == 0
    finally:
        again.close()
    assert len(privacy.blocked_attempts()) == refused_before  # nothing tried to leave the machine
