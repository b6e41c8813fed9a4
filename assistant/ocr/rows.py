"""Putting tesseract's lines back into the rows the screen shows.

Tesseract segments a table column by column: the labels of a spreadsheet form one paragraph, each
column of figures another (often cut in pieces), so a row's label and its figures end up many lines
apart in the text. Here paragraphs starting at the same x are taken as one column; two columns whose
lines share baselines (most of the shorter one's lines) are a table, read row by row, left to right,
so "Trade show stand Lyon 5,000 690 4,310" stays one line.

Two columns of prose also share baselines when set in the same type: reading them across would
interleave two texts line by line, so two prose columns are never merged, and prose is merged with
a column of short lines only when they match line for line where they meet (a mail list's subjects
beside its senders and dates), not with a sidebar that lines up here and there."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

from assistant.ocr.engine import Word

Key = tuple[int, int, int]  # tesseract's block, paragraph, line numbers

PROSE_WORDS = 5  # a paragraph whose lines have this many words (median) reads as prose
MIN_OVERLAP = 0.5  # two lines share a baseline when they overlap this much of the shorter one's height
MAX_HEIGHT_RATIO = 1.8  # a heading beside two lines of small type is not one row with them
SHARE = 0.6  # columns make a table when this share of the shorter one's lines line up with the other


@dataclass
class Line:
    """One line as tesseract found it: its words left to right and the box around them. Its height
    is that of its word of median height (the lower one of two): a word's box is sometimes two rows
    tall, which would make its line share a baseline with the rows above and below."""

    key: Key
    words: list[Word]
    top: int = field(init=False)
    bottom: int = field(init=False)
    left: int = field(init=False)
    right: int = field(init=False)

    def __post_init__(self) -> None:
        typical = sorted(self.words, key=lambda w: w.height)[(len(self.words) - 1) // 2]
        self.top, self.bottom = typical.top, typical.top + typical.height
        self.left = min(w.left for w in self.words)
        self.right = max(w.left + w.width for w in self.words)


def _aligned(a: Line, b: Line) -> float:
    """How much two lines side by side share a baseline (0 = not at all), as a share of the shorter."""
    if a.right > b.left and b.right > a.left:
        return 0.0  # they cover the same columns: one is above the other
    ha, hb = a.bottom - a.top, b.bottom - b.top
    if min(ha, hb) <= 0 or max(ha, hb) > MAX_HEIGHT_RATIO * min(ha, hb):
        return 0.0
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    share = overlap / min(ha, hb)
    return share if share >= MIN_OVERLAP else 0.0


class _Sets:
    """Union-find over indices."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


class _Column:
    """A column's lines sorted by top, to find the few that can share a baseline with a line."""

    def __init__(self, members: list[int], lines: list[Line]) -> None:
        self.members = members
        self.by_top = sorted(members, key=lambda i: lines[i].top)
        self.tops = [lines[i].top for i in self.by_top]
        self.tallest = max(lines[i].bottom - lines[i].top for i in members)
        self.top = self.tops[0]
        self.bottom = max(lines[i].bottom for i in members)

    def near(self, line: Line) -> list[int]:
        """The lines whose box can overlap `line`'s rows."""
        lo = bisect_left(self.tops, line.top - self.tallest)
        return self.by_top[lo : bisect_left(self.tops, line.bottom)]


def _matches(a: _Column, b: _Column, lines: list[Line]) -> list[tuple[int, int]]:
    """Each line of `a` with the line of `b` it shares a baseline with best, if any."""
    pairs = []
    for i in a.members:
        near = b.near(lines[i])
        if not near:
            continue
        best = max(near, key=lambda j: _aligned(lines[i], lines[j]))
        if _aligned(lines[i], lines[best]) > 0:
            pairs.append((i, best))
    return pairs


def _within(a: _Column, b: _Column, lines: list[Line]) -> int:
    """How many lines of `b` have their middle within the rows `a` spans."""
    return sum(a.top <= (lines[j].top + lines[j].bottom) / 2 <= a.bottom for j in b.members)


def _side_by_side(a: _Column, b: _Column, lines: list[Line], prose: tuple[bool, bool]) -> list[tuple[int, int]]:
    """The line pairs that make rows of columns `a` and `b` (the shorter first), or none when they
    are not a table: most of `a` must line up, and with prose, most of `b` beside it too."""
    if all(prose) or a.bottom <= b.top or b.bottom <= a.top:
        return []
    pairs = _matches(a, b, lines)
    if len(pairs) < SHARE * len(a.members):
        return []
    if any(prose) and len(pairs) < SHARE * _within(a, b, lines):
        return []
    return pairs


def _columns(lines: list[Line]) -> list[list[int]]:
    """Tesseract's paragraphs, joined when they start at the same x (a column it cut in pieces)."""
    units: dict[tuple[int, int], list[int]] = {}
    for i, line in enumerate(lines):
        units.setdefault(line.key[:2], []).append(i)
    parts = list(units.values())
    lefts = [min(lines[i].left for i in part) for part in parts]
    tol = median(line.bottom - line.top for line in lines)
    same = _Sets(len(parts))
    by_left = sorted(range(len(parts)), key=lambda x: lefts[x])
    for x, y in pairwise(by_left):  # within tol of each other, directly or along a chain
        if lefts[y] - lefts[x] <= tol:
            same.union(x, y)
    columns: dict[int, list[int]] = {}
    for x, part in enumerate(parts):
        columns.setdefault(same.find(x), []).extend(part)
    return [sorted(c) for c in columns.values()]


def arrange(lines: list[Line]) -> list[list[list[Line]]]:
    """Tesseract's lines (in its reading order) as blocks of rows, each row's lines left to right.

    A block is a tesseract block, or the columns merged as a table (in the place of the first line
    of theirs tesseract read); rows in a table go top to bottom.
    """
    if not lines:
        return []
    columns = _columns(lines)
    boxes = [_Column(c, lines) for c in columns]
    prose = [median(len(lines[i].words) for i in c) >= PROSE_WORDS for c in columns]
    rows = _Sets(len(lines))
    groups = _Sets(len(columns))
    for x in range(len(columns)):
        for y in range(x + 1, len(columns)):
            a, b = (x, y) if len(columns[x]) <= len(columns[y]) else (y, x)
            pairs = _side_by_side(boxes[a], boxes[b], lines, (prose[a], prose[b]))
            if pairs:
                groups.union(a, b)
                for i, j in pairs:
                    rows.union(i, j)
    tables: dict[int, list[list[int]]] = {}
    for x, column in enumerate(columns):
        tables.setdefault(groups.find(x), []).append(column)
    table_of = _absorb([[i for c in t for i in c] for t in tables.values() if len(t) > 1], lines)
    blocks: list[list[list[Line]]] = []
    last_block: int | None = None
    done: set[int] = set()
    for i, line in enumerate(lines):
        t = table_of.get(i)
        if t is None:
            if line.key[0] != last_block:
                blocks.append([])
            blocks[-1].append([line])
            last_block = line.key[0]
        elif t not in done:
            done.add(t)
            blocks.append(_table([j for j, u in table_of.items() if u == t], lines, rows))
            last_block = None
    return blocks


def _absorb(tables: list[list[int]], lines: list[Line]) -> dict[int, int]:
    """Which table each line belongs to: its columns' lines, and any other line within the table's
    box (a line tesseract put in another block, such as code at a lesser indent between the rows)."""
    table_of = {i: t for t, members in enumerate(tables) for i in members}
    for t, members in enumerate(tables):
        top, bottom = min(lines[i].top for i in members), max(lines[i].bottom for i in members)
        left, right = min(lines[i].left for i in members), max(lines[i].right for i in members)
        for i, line in enumerate(lines):
            middle = (line.top + line.bottom) / 2
            if i not in table_of and top <= middle <= bottom and line.left < right and line.right > left:
                table_of[i] = t
    return table_of


def _table(members: list[int], lines: list[Line], rows: _Sets) -> list[list[Line]]:
    found: dict[int, list[Line]] = {}
    for i in members:
        found.setdefault(rows.find(i), []).append(lines[i])
    ordered = sorted(found.values(), key=lambda row: min(line.top for line in row))
    return [sorted(row, key=lambda line: line.left) for row in ordered]
