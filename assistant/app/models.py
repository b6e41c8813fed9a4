"""`app.models`: the chat and embedding models: installed, active, recommended, download, add, convert."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from assistant.app.core import Core
from assistant.llm.gguf_info import Role
from assistant.llm.manager import RECOMMENDED, ModelEntry, RecommendedModel
from assistant.values import Progress, SearchMode

if TYPE_CHECKING:
    from assistant.llm.embedder import LlamaEmbedder
    from assistant.llm.runtime import LlamaChatModel


class ModelsManager:
    def __init__(self, core: Core) -> None:
        self._core = core

    def installed(self) -> list[ModelEntry]:
        return self._core.models.list()

    def active(self, role: Role) -> ModelEntry | None:
        return self._core.models.active(role)

    def recommended(self) -> list[RecommendedModel]:
        return list(RECOMMENDED)

    def use(self, name: str, role: Role) -> ModelEntry:
        """Make an installed model the active one for its role."""
        return self._core.models.use(name, role)

    def download(self, name: str, progress: Progress | None = None) -> ModelEntry:
        """Download a recommended model by name (or "repo_id/file.gguf"); a chat model becomes the active one."""
        self._core.paths.ensure()
        return self._core.models.download(name, progress)

    def add(self, path: Path, role: Role | None = None, name: str | None = None) -> ModelEntry:
        """Register a GGUF file already on disk (no network)."""
        self._core.paths.ensure()
        return self._core.models.add(path, role=role, name=name)

    def convert(self, model_dir: Path, name: str | None = None) -> ModelEntry:
        """Convert a sentence-transformers (BERT) model dir to GGUF and register it as an embedder."""
        self._core.paths.ensure()
        return self._core.models.convert(model_dir, name)

    def remove(self, name: str) -> bool:
        """Unregister a model; True when its file was deleted too (it lived in the data dir)."""
        return self._core.models.remove(name)

    def prepare_default_embedder(self) -> ModelEntry:
        """The packaged all-MiniLM-L6-v2, converted offline; the active embedder if none is."""
        self._core.paths.ensure()
        return self._core.models.prepare_default_embedder()

    def prepare_search(self) -> SearchMode:
        """As a new store does: the bundled embedder prepared offline unless one is active (hybrid search
        from the first minute); a failure leaves full-text search working and says why."""
        self._core.paths.ensure()
        return self._core.models.prepare_search()

    def install_test_model(self) -> ModelEntry:
        """The bundled 270M base model as the chat model: proves the runtime, answers stay extractive."""
        self._core.paths.ensure()
        return self._core.models.install_test_model()

    def chat_model(self) -> LlamaChatModel | None:
        """The active chat model, loaded (for the self-test and evaluation); None when none is chosen."""
        return self._core.models.chat_model()

    def embedder(self) -> LlamaEmbedder | None:
        """The active embedding model, loaded (for evaluation); None when none is chosen."""
        return self._core.models.embedder()
