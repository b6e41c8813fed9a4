"""Where in a long text the question's words come together: the best window of a screen capture.

BM25 scores a whole screen as one bag of words: a question's words scattered over a busy screen (a
mail that says "water damage" twice and "claim" four times) outscore the one spreadsheet row that
holds them all ("Harbour Mutual claim payout, water damage +1,904.00"). A capture's best window, the
stretch of `WINDOW_CHARS` characters holding the most weight of distinct question words, is what a person
scanning the screen would point at.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping

# Characters per window, about 16 words: a table row or two, a sentence. The screen benchmark scored the
# same for windows of 8, 16 and 32 words.
WINDOW_CHARS = 100


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


_TAIL = re.compile(r"\w*")
_WORD_CHAR = re.compile(r"\w")


class Window:
    """A question's words, weighted (stemmed word -> weight), ready to find the best window of many texts."""

    def __init__(self, weights: Mapping[str, float], width: int = WINDOW_CHARS) -> None:
        self.weights = dict(weights)
        self.width = width
        # A stem is a prefix of its word: only words beginning with a key's first three letters may
        # match, and str.find skips to them (tokenising whole screens cost 3 ms a search, a regex 0.5).
        self._heads = {key[:3] for key in self.weights if key}

    def _words(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, stem) of the words of `text` that are question words, in order."""
        low = text.lower()
        found: list[tuple[int, int, str]] = []
        for head in self._heads:
            at = low.find(head)
            while at >= 0:
                if at == 0 or not (low[at - 1].isalnum() or low[at - 1] == "_"):  # a word starts here
                    word = _TAIL.match(low, at)
                    stemmed = stem(word.group()) if word else ""
                    if word and stemmed in self.weights:
                        found.append((at, word.end(), stemmed))
                at = low.find(head, at + 1)
        found.sort()
        return found

    def score(self, text: str) -> float:
        """The largest sum of weights of distinct question words found within `width` characters of
        each other in `text`; 0.0 when none is there."""
        return self.scores(text)[0]

    def scores(self, text: str, pairs: frozenset[tuple[str, str]] = frozenset()) -> tuple[float, float]:
        """The best window's score, and the weight of the distinct `pairs` (stemmed question words that
        follow each other in the question) found next to each other in `text`, nothing but spaces and
        punctuation between them."""
        hits = self._words(text)
        low = text.lower() if pairs else ""
        together = {
            (a, b)
            for (_, end, a), (start, _, b) in itertools.pairwise(hits)
            if (a, b) in pairs and not _WORD_CHAR.search(low, end, start)
        }
        paired = sum(self.weights[a] + self.weights[b] for a, b in together)
        best = 0.0
        for start, (first, _, _) in enumerate(hits):
            seen: set[str] = set()
            for position, _, word in hits[start:]:
                if position - first >= self.width:
                    break
                seen.add(word)
            best = max(best, sum(self.weights[w] for w in seen))
        return best, paired
