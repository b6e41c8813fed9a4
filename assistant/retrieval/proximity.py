"""Where in a long text the question's words come together: the best window of a screen capture.

BM25 scores a whole screen as one bag of words: a question's words scattered over a busy screen (a
mail that says "water damage" twice and "claim" four times) outscore the one spreadsheet row that
holds them all ("Harbour Mutual claim payout, water damage +1,904.00"). A capture's best window, the
`WINDOW_WORDS` consecutive words holding the most weight of distinct question words, is what a person
scanning the screen would point at.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from assistant.text import lower_words

# Words per window: a table row or two, a sentence. The screen benchmark scored the same at 8, 16 and 32.
WINDOW_WORDS = 16


def stem(word: str) -> str:
    """A light English stem, the same for the forms a question and a screen use of one word: "payments"
    and "payment", "closes", "closed", "closing" and "close", "nurseries" and "nursery"."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def idf(matching: int, total: int) -> float:
    """BM25's inverse document frequency of a word in `matching` of `total` rows (always positive)."""
    return math.log(1 + (total - matching + 0.5) / (matching + 0.5))


def best_window(weights: Mapping[str, float], text: str, width: int = WINDOW_WORDS) -> float:
    """The largest sum of `weights` (stemmed word -> weight) of distinct words found together within
    `width` consecutive words of `text`; 0.0 when none is there."""
    # A stem is a prefix of its word: only words sharing a key's first three letters are stemmed.
    heads = {key[:3] for key in weights}
    found = ((n, w) for n, w in enumerate(lower_words(text)) if w[:3] in heads)
    hits = [(n, s) for n, s in ((n, stem(w)) for n, w in found) if s in weights]
    best = 0.0
    for start, (first, _) in enumerate(hits):
        seen: set[str] = set()
        for position, word in hits[start:]:
            if position - first >= width:
                break
            seen.add(word)
        best = max(best, sum(weights[w] for w in seen))
    return best
