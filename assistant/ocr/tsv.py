"""Tesseract's TSV (the `image_to_data` table) turned into an OcrResult: words kept, rows rebuilt."""

from __future__ import annotations

from assistant.ocr.engine import OcrResult, Word
from assistant.ocr.rows import Key, Line, arrange

_TSV_COLUMNS = 12  # level page block par line word left top width height conf text
_WORD_LEVEL = "5"
_SHORT_WORDS = frozenset("aAI&")

# Every word read is kept, however unsure: a word tesseract doubts is still evidence for search (a
# spreadsheet's first label word often reads at 50-70, a constant in code at 5). On the 63 screens of
# `assistant eval make-screens`, words read at 0-9 were right 35 times and wrong 65, at 10-59 right 268
# and wrong 145: a wrong word costs a few bytes and matches nothing, a lost one loses the screen
# (found@1 0.809 with 10 as the floor, 0.818 with none). The setting can still raise the floor.
MIN_CONF = 0.0
# Symbol-only words ("=", "-", "#", "=>") are code and empty cells when read with confidence (on those
# 63 screens: 201 right / 49 wrong at 60 and over, 42 of the wrong ones "|"; 7 right / 70 wrong below):
# a vertical border reads as "|".
SYMBOL_CONF = 60.0
_OPENING = "\u2018\u201c"  # ‘ “: tesseract puts one before the first word of many lines
_CLOSING = "\u2019\u201d"


def _is_noise(text: str, conf: float) -> bool:
    """Borders and icons read as text: unsure symbol-only words and "|"; lone letters need high confidence."""
    if not any(ch.isalnum() for ch in text):
        return conf < SYMBOL_CONF or set(text) == {"|"}
    return len(text) == 1 and not text.isdigit() and text not in _SHORT_WORDS and conf < 85


def _clean(text: str, first: bool) -> str:
    """A line's first word without the opening quote tesseract often reads into it (none on screen:
    no closing one in the word)."""
    if first and len(text) > 1 and text[0] in _OPENING and not any(ch in _CLOSING for ch in text):
        return text[1:]
    return text


def _lines(rows: list[tuple[Key, Word]]) -> list[Line]:
    grouped: list[tuple[Key, list[Word]]] = []
    for key, word in rows:
        if not grouped or grouped[-1][0] != key:
            grouped.append((key, []))
        grouped[-1][1].append(word)
    return [Line(key, words) for key, words in grouped]


def _text(rows: list[tuple[Key, Word]]) -> tuple[str, list[Word]]:
    """The words in screen order (rows rebuilt across columns), one line per row, a blank line between blocks."""
    parts: list[str] = []
    words: list[Word] = []
    for block in arrange(_lines(rows)):
        if parts:
            parts.append("")
        for row in block:
            row_words = [w for line in row for w in line.words]
            parts.append(" ".join(w.text for w in row_words))
            words += row_words
    return "\n".join(parts), words


def parse_tsv(tsv: str, min_conf: float = MIN_CONF) -> OcrResult:
    """Keep the non-noise words read with at least `min_conf`; `raw_*` hold every word read."""
    kept: list[tuple[Key, Word]] = []
    raw: list[tuple[Key, Word]] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < _TSV_COLUMNS or cols[0] != _WORD_LEVEL:
            continue
        text = "\t".join(cols[11:]).strip()
        try:
            conf = float(cols[10])
            key = (int(cols[2]), int(cols[3]), int(cols[4]))
            left, top, width, height = (int(v) for v in cols[6:10])
        except ValueError:
            continue
        if not text:
            continue
        word = Word(_clean(text, cols[5] == "1"), left, top, width, height, conf)
        raw.append((key, word))
        if conf >= min_conf and not _is_noise(text, conf):
            kept.append((key, word))
    text, words = _text(kept)
    raw_text, raw_words = _text(raw)
    mean = sum(w.conf for w in words) / len(words) if words else 0.0
    return OcrResult(text, words, mean, raw_text, raw_words)
