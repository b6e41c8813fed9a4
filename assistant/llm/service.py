"""The models the app runs: the registry, the active chat model and embedder, loaded once and shared."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import ModelSettings
from assistant.errors import ModelError, NotFound
from assistant.llm.gguf_info import Role
from assistant.llm.manager import RECOMMENDED, ModelEntry, ModelManager
from assistant.values import Progress, SearchMode

if TYPE_CHECKING:
    from assistant.llm.embedder import LlamaEmbedder
    from assistant.llm.runtime import LlamaChatModel

log = logging.getLogger(__name__)
DEFAULT_EMBEDDING_NAME = "all-MiniLM-L6-v2"
TEST_MODEL_NAME = "gemma3-270m-test"


class ModelService:
    def __init__(self, models_dir: Path, settings: ModelSettings) -> None:
        self.manager = ModelManager(models_dir)
        self._settings = settings
        self._lock = threading.Lock()
        self._chat: LlamaChatModel | None = None
        self._embedder: LlamaEmbedder | None = None

    # -- the loaded models ------------------------------------------------------------------------
    def chat_model(self) -> LlamaChatModel | None:
        """The active chat model, loaded on first use; None when the user has not chosen one."""
        with self._lock:
            if self._chat is None:
                entry = self.manager.active("chat")
                if entry is None:
                    return None
                from assistant.llm.runtime import LlamaChatModel

                self._chat = LlamaChatModel(
                    entry.path, n_ctx=self._settings.n_ctx, n_threads=self._settings.n_threads or None
                )
                log.info("chat model loaded")
            return self._chat

    def embedder(self) -> LlamaEmbedder | None:
        with self._lock:
            if self._embedder is None:
                entry = self.manager.active("embedding")
                if entry is None:
                    return None
                from assistant.llm.embedder import LlamaEmbedder

                self._embedder = LlamaEmbedder(entry.path, n_threads=self._settings.n_threads or None)
                log.info("embedding model loaded")
            return self._embedder

    def unload(self) -> None:
        with self._lock:
            if self._chat is not None:
                self._chat.close()
            if self._embedder is not None:
                self._embedder.close()
            self._chat = self._embedder = None

    # -- the registry -----------------------------------------------------------------------------
    def list(self) -> list[ModelEntry]:
        return self.manager.list()

    def active(self, role: Role) -> ModelEntry | None:
        return self.manager.active(role)

    def use(self, name: str, role: Role) -> ModelEntry:
        entry = self.manager.use(name, role)
        self.unload()
        return entry

    def add(self, path: Path, role: Role | None = None, name: str | None = None) -> ModelEntry:
        return self.manager.add_local(path, role=role, name=name)

    def remove(self, name: str) -> bool:
        self.unload()
        return self.manager.remove(name)

    def download(self, name: str, progress: Progress | None = None, *, endpoint: str | None = None) -> ModelEntry:
        """Download a recommended model by name (or "repo_id/filename.gguf") and make it the chat model."""
        choice = next((r for r in RECOMMENDED if r.name == name), None)
        if choice is not None:
            repo_id, filename = choice.repo_id, choice.filename
        elif name.endswith(".gguf") and name.count("/") >= 2:
            repo_id, _, filename = name.rpartition("/")
        else:
            names = ", ".join(r.name for r in RECOMMENDED)
            raise NotFound(f"unknown model {name!r}; choose one of {names}, or give repo_id/file.gguf")
        entry = self.manager.download(
            repo_id, filename, endpoint=endpoint, progress=progress, name=choice.name if choice else None
        )
        if entry.role == "chat":
            self.use(entry.name, "chat")
        return entry

    def convert(self, model_dir: Path, name: str | None = None) -> ModelEntry:
        """Convert a sentence-transformers (BERT-family) model on disk to GGUF and register it."""
        from assistant.llm.convert_bert import convert_bert_to_gguf

        label = name or model_dir.name
        out = convert_bert_to_gguf(model_dir, self.manager.models_dir / f"{label}.gguf", name=label)
        return self.manager.add_local(out, role="embedding", name=label)

    def prepare_default_embedder(self) -> ModelEntry:
        """Convert the packaged all-MiniLM-L6-v2 (offline) and make it the active embedder if none is."""
        from assistant.llm.convert_bert import prepare_default_embedding_model

        path = prepare_default_embedding_model(self.manager.models_dir)
        entry = self.manager.add_local(path, role="embedding", name=DEFAULT_EMBEDDING_NAME, source="bundled")
        if self.manager.active("embedding") is None:
            self.use(entry.name, "embedding")
        return entry

    def search_mode(self) -> SearchMode:
        """Hybrid when an embedding model is active and its file is there; otherwise why not."""
        entry = self.manager.active("embedding")
        fix = "run `assistant models prepare-default`"
        if entry is None:
            return SearchMode(None, f"no embedding model; {fix}")
        if not Path(entry.path).is_file():
            return SearchMode(None, f"the embedding model file {entry.path} is missing; {fix}")
        return SearchMode(entry.name)

    def prepare_search(self) -> SearchMode:
        """A new store searches by meaning from its first minute: the bundled embedder is prepared (offline)
        unless one is active. A failure leaves full-text search working and says why."""
        if self.manager.active("embedding") is None:
            try:
                self.prepare_default_embedder()
            except (ModelError, OSError) as exc:
                log.warning("the default embedding model could not be prepared: %s", exc)
                return SearchMode(None, str(exc))
        return self.search_mode()

    def install_test_model(self) -> ModelEntry:
        """The bundled 270M base model: proves the runtime, but cannot follow instructions."""
        from assistant.llm.manager import test_model_path

        path = test_model_path(self.manager.models_dir)
        entry = self.manager.add_local(path, role="chat", name=TEST_MODEL_NAME, source="bundled")
        return self.use(entry.name, "chat")
