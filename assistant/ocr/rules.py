"""Erasing the rules of tables (grid lines, separators, underlines) before OCR.

A cell's border next to its first letter is read as part of the word: "Trade" beside a spreadsheet's
grid line comes out as "[Trade", "ITrade" or "fTrade", with a confidence low enough to be dropped, and
whole columns of figures between two rules go unread.

A rule is a straight run at least MIN_LENGTH long of pixels darker (or, on a dark theme, lighter)
than the pixels two away on either side: one or two pixels thick. Where a letter touches it, only
one side differs; such pixels continue a run but at most half of it. Letters never make such runs:
the background between them breaks any run within a line, and the space between lines any run
across them. Rule pixels are painted with the background beside them (the lighter side of a dark
rule: the darker side may be a letter).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

MIN_LENGTH = 40  # pixels: longer than the stems of type up to ~50 px, shorter than a table's rules
CONTRAST = 20  # grey levels between a rule and the background on either side of it


def _long_runs(loose: np.ndarray, strict: np.ndarray) -> np.ndarray:
    """The pixels of runs down the columns of `loose` at least MIN_LENGTH long and at least half `strict`."""
    import numpy as np

    height, width = loose.shape
    columns = np.zeros((width, height + 1), dtype=np.int8)  # a zero after each column ends its runs
    columns[:, :height] = loose.T
    flat = columns.ravel()
    edges = np.diff(flat, prepend=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    strict_flat = np.zeros(columns.shape, dtype=np.int32)
    strict_flat[:, :height] = strict.T
    counts = np.add.reduceat(strict_flat.ravel(), starts) if starts.size else np.zeros(0, dtype=np.int32)
    keep = (ends - starts >= MIN_LENGTH) & (2 * counts >= ends - starts)
    marks = np.zeros(flat.size + 1, dtype=np.int32)
    np.add.at(marks, starts[keep], 1)
    np.add.at(marks, ends[keep], -1)
    inside = np.cumsum(marks[:-1], dtype=np.int32).reshape(columns.shape) > 0
    return inside[:, :height].T


def _erase_vertical(grey: np.ndarray) -> np.ndarray:
    """`grey` (rows x columns, int16) with its vertical rules painted over; horizontal ones: transpose."""
    import numpy as np

    if grey.shape[1] < 5:
        return grey
    mid, left, right = grey[:, 2:-2], grey[:, :-4], grey[:, 4:]
    dl, dr = mid - left, mid - right
    out = grey.copy()
    for sign in (-1, 1):  # dark rules, then light ones
        beyond_l, beyond_r = sign * dl > CONTRAST, sign * dr > CONTRAST
        strict = beyond_l & beyond_r
        # Only columns with enough such pixels can hold a rule; most of a screen is blank.
        candidates = np.flatnonzero(np.count_nonzero(strict, axis=0) * 2 >= MIN_LENGTH)
        if not candidates.size:
            continue
        rule = _long_runs((beyond_l | beyond_r)[:, candidates], strict[:, candidates])
        rows, found = np.nonzero(rule)
        cols = candidates[found] + 2
        before, after = grey[rows, cols - 2], grey[rows, cols + 2]
        out[rows, cols] = np.maximum(before, after) if sign < 0 else np.minimum(before, after)
    return out


def erase_rules(image: Image.Image) -> Image.Image:
    """A greyscale copy of `image` without its long thin lines."""
    import numpy as np
    from PIL import Image

    grey = np.asarray(image.convert("L"), dtype=np.int16)
    # Rules cut each other where they cross, and rows are often shorter than MIN_LENGTH while columns
    # are wider: horizontal rules first, so the vertical ones are whole when their turn comes.
    grey = _erase_vertical(np.ascontiguousarray(grey.T)).T
    grey = _erase_vertical(np.ascontiguousarray(grey))
    return Image.fromarray(grey.astype(np.uint8), mode="L")
