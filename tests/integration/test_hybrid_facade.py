"""Hybrid recall through the facade with the real converted MiniLM: a paraphrase with no shared word is
found by meaning, forgetting removes it from the vector side too, and a restart rebuilds the index."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.api import Assistant
from tests.conftest import FIXTURES, PASSPHRASE
from tests.integration.embedding_model import converted_minilm

pytestmark = pytest.mark.integration


@pytest.fixture
def hybrid_app(app: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    entry = app.models.add(converted_minilm(tmp_path_factory), role="embedding", name="minilm")
    app.models.use(entry.name, "embedding")
    return app


def test_paraphrase_is_found_by_meaning_only_after_indexing(hybrid_app: Assistant) -> None:
    app = hybrid_app
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    assert app.search.find("lodging") == []  # not embedded yet, and no shared word
    assert app.search.index_pending() == 4
    hits = app.search.find("lodging", limit=1)
    assert any("Pestana" in h.text for h in hits)
    assert app.search.index_pending() == 0  # nothing left to embed


def test_forget_removes_the_vector_and_a_restart_rebuilds_the_index(hybrid_app: Assistant, data_dir: Path) -> None:
    app = hybrid_app
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app.search.index_pending()
    hotel = next(h for h in app.search.find("lodging", limit=3) if "Pestana" in h.text)
    app.close()
    again = Assistant(data_dir)
    again.unlock(PASSPHRASE)  # the in-memory index is rebuilt from the vectors kept in the store
    assert hotel.id in {h.id for h in again.search.find("lodging", limit=3)}
    assert again.search.index_pending() == 0  # no re-embedding needed
    again.memories.forget(hotel.id)
    assert hotel.id not in {h.id for h in again.search.find("lodging", limit=5)}
    again.close()


def test_without_an_embedding_model_search_is_full_text_and_says_so(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    assert app.search.find("Pestana")
    assert app.search.index_pending() == 0
    assert "full text only" in (app.status().notes.search or "")
