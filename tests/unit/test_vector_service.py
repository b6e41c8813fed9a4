"""The vector index loads on a thread of its own: the app searches full text meanwhile, a command waits."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from assistant.api import Assistant
from assistant.models import RawEvent
from assistant.retrieval.recall import Recall
from assistant.vectors import VectorService
from tests.fake_embedder import FakeEmbedder


class SlowModels:
    """Hands out the embedder only once the test lets it (a large archive still loading)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.embedder_ = FakeEmbedder(synonyms={"automobile": "car"})

    def embedder(self) -> FakeEmbedder:
        assert self.release.wait(30)
        return self.embedder_


def test_search_goes_full_text_while_the_index_loads_then_hybrid(app: Assistant) -> None:
    app.add_events([RawEvent(kind="chat", occurred_at=datetime(2024, 3, 1, tzinfo=UTC), text="I sold my car",
                             speaker="me", session="s")])
    models, notes = SlowModels(), {}
    recall = Recall(app.store.db)
    service = VectorService(app.store.db, app.paths, app.settings.retrieval, models, recall, notes)  # type: ignore[arg-type]
    try:
        assert service.attach(wait=False) is False  # returns at once
        assert recall.vectors is None and recall.search("automobile") == []
        models.release.set()
        # Indexing embeds the stored event; a second attach neither reloads nor blocks.
        service.index_pending()
        assert service.attach() is True and "search" not in notes
        assert [h.text for h in recall.search("automobile")] == ["me: I sold my car"]
    finally:
        models.release.set()
        service.close()


def test_closing_while_the_index_loads_drops_it(app: Assistant) -> None:
    models, notes = SlowModels(), {}
    recall = Recall(app.store.db)
    service = VectorService(app.store.db, app.paths, app.settings.retrieval, models, recall, notes)  # type: ignore[arg-type]
    service.attach(wait=False)
    service.close()
    models.release.set()
    assert service.attach() is False  # waits for the loader, which saw the close
    assert recall.vectors is None
