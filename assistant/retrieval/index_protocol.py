"""What the indexer, the retriever and the vector service need of a vector index. Two implementations:
EmbeddedIndex (in process, encrypted snapshots; the default) and VectorIndex (a Chroma server)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from assistant.values import Progress


@dataclass(frozen=True)
class IndexItem:
    owner_id: str
    kind: str  # a memory type or an event kind
    vector: Sequence[float] | np.ndarray[Any, Any]
    occurred_at: float  # unix ts: memories without occurred_at use created_at, as full text does
    key: int = 0  # the stored row's generation key (embeddings.gen); 0 when it has none


class VectorSearch(Protocol):
    model: str
    mode: str

    def add_many(self, items: Iterable[IndexItem]) -> int: ...
    def delete(self, ids: Iterable[str]) -> None: ...
    def count(self) -> int: ...
    def ids(self) -> Iterable[str]: ...
    def estimate(self, kinds: Sequence[str] | None, since: datetime | None, until: datetime | None) -> int: ...
    def overfetch_size(
        self, kinds: Sequence[str] | None, since: datetime | None, until: datetime | None, limit: int
    ) -> int | None: ...
    def query(
        self,
        vector: Sequence[float],
        kinds: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 10,
    ) -> list[tuple[str, float]]: ...
    def sync_with_store(self, conn: Any, *, progress: Progress | None = None) -> int: ...
    def close(self) -> None: ...
