"""A deterministic stand-in for the embedding model: bag of words hashed into a few dimensions.

Words listed as synonyms share one dimension, so "automobile" lands where "car" does - the one thing a
real model does that full-text search cannot, which is what the hybrid tests need.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence

_WORD = re.compile(r"\w+")


class FakeEmbedder:
    def __init__(self, dim: int = 64, synonyms: dict[str, str] | None = None, model_id: str = "fake-bow") -> None:
        self._dim = dim
        self._model_id = model_id
        self.synonyms = synonyms or {}
        self.calls = 0
        self.texts_embedded = 0

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def _slot(self, word: str) -> int:
        word = self.synonyms.get(word, word)
        return int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big") % self._dim

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = []
        for text in texts:
            vector = [0.0] * self._dim
            for word in _WORD.findall(text.lower()):
                vector[self._slot(word)] += 1.0
            norm = math.sqrt(sum(x * x for x in vector)) or 1.0
            out.append([x / norm for x in vector] if any(vector) else [1.0 / math.sqrt(self._dim)] * self._dim)
        return out
