"""Wallet recovery phrases: 12 or more consecutive words of the BIP-39 English list.

English prose cannot produce such a run: its commonest words (the, of, and, to, is, in, a) are not in
the list. Numbering between the words ("1. abandon 2. ability", as wallets show them) is allowed.
No checksum is required: OCR misreads one word now and then, and a phrase with a typo is still a key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from assistant.redaction.hits import P_SEED, Hit

MIN_WORDS = 12
_WORD = re.compile(r"[A-Za-z]+")
_GAP = re.compile(r"[\s,;|]*(?:\d{1,2}[.):]?[\s,;|]+)?")  # between words: spaces, separators, numbering


@cache
def wordlist() -> frozenset[str]:
    """The 2048 BIP-39 English words (shipped by the `mnemonic` package, read once)."""
    text = resources.files("mnemonic").joinpath("wordlist/english.txt").read_text("utf-8")
    return frozenset(word.strip() for word in text.split() if word.strip())


def seed_phrases(text: str) -> Iterator[Hit]:
    words = wordlist()
    run: list[re.Match[str]] = []
    for m in _WORD.finditer(text):
        joined = bool(run) and _GAP.fullmatch(text, run[-1].end(), m.start()) is not None
        if m.group(0).lower() in words and (joined or not run):
            run.append(m)
            continue
        if len(run) >= MIN_WORDS:
            yield Hit(run[0].start(), run[-1].end(), "seed_phrase", P_SEED)
        run = [m] if m.group(0).lower() in words else []
    if len(run) >= MIN_WORDS:
        yield Hit(run[0].start(), run[-1].end(), "seed_phrase", P_SEED)
