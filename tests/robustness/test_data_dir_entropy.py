"""After an import with vectors, every file in the data dir other than settings, logs, the key file, the
lock and model files looks like ciphertext: its bytes are close to uniformly distributed."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

from assistant.api import Assistant
from assistant.retrieval.recall import Recall
from assistant.retrieval.vector_service import VectorService
from assistant.values import Notes, SemanticMemory
from tests.conftest import FIXTURES
from tests.fake_embedder import FakeEmbedder


class Models:
    def __init__(self) -> None:
        self.embedder_ = FakeEmbedder(dim=384)

    def embedder(self) -> FakeEmbedder:
        return self.embedder_


def entropy(data: bytes) -> float:
    """Shannon entropy in bits per byte."""
    counts = Counter(data)
    return -sum(c / len(data) * math.log2(c / len(data)) for c in counts.values())


def _exempt(path: Path, root: Path) -> bool:
    rel = path.relative_to(root)
    return rel.parts[0] in ("logs", "models") or rel.name in ("config.toml", "keys.json", "store.lock")


def test_every_data_file_but_settings_logs_keys_lock_and_models_is_ciphertext(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chatgpt_conversations.json")
    for n in range(300):  # enough rows and vectors that plaintext would show in the byte counts
        app.memories.add(
            SemanticMemory(name=f"fact {n}", summary=f"the landlord Dana said the heating number {n} works")
        )
    service = VectorService(
        app._core.store.db,
        app.paths,
        app.settings.current.retrieval,
        Models(),
        Recall(app._core.store.db),
        Notes(),
        app._core.store.data_key,
    )
    assert service.index_pending() > 300
    service.close()  # writes the encrypted snapshot
    app.close()
    root = app.paths.root
    files = [p for p in root.rglob("*") if p.is_file() and not _exempt(p, root)]
    assert app.paths.vector_snapshot in files and app.paths.database in files
    for path in files:
        data = path.read_bytes()
        if not data:
            continue
        # A file of n bytes cannot show more than log2(n) bits a byte; random bytes come close to either bound.
        floor = 0.9 * min(8.0, math.log2(len(data)))
        assert entropy(data) >= floor, f"{path.relative_to(root)} ({len(data)} bytes) looks like plaintext"
