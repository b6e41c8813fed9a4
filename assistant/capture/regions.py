"""Rectangle arithmetic for masking: the part of a window that is really visible on a frame.

Boxes are Pillow boxes (left, upper, right, lower), right and lower exclusive.
"""

from __future__ import annotations

from collections.abc import Iterable

Box = tuple[int, int, int, int]


def _cut(box: Box, cutter: Box) -> list[Box]:
    """`box` minus `cutter`: at most four boxes (the bands above and below, then left and right)."""
    left, top, right, bottom = box
    c_left, c_top, c_right, c_bottom = cutter
    if c_left >= right or c_right <= left or c_top >= bottom or c_bottom <= top:
        return [box]
    parts = []
    if c_top > top:
        parts.append((left, top, right, c_top))
    if c_bottom < bottom:
        parts.append((left, c_bottom, right, bottom))
    mid_top, mid_bottom = max(top, c_top), min(bottom, c_bottom)
    if c_left > left:
        parts.append((left, mid_top, c_left, mid_bottom))
    if c_right < right:
        parts.append((c_right, mid_top, right, mid_bottom))
    return parts


def subtract(box: Box, cutters: Iterable[Box]) -> list[Box]:
    """The parts of `box` that none of `cutters` covers (empty when it is hidden entirely)."""
    parts = [box]
    for cutter in cutters:
        parts = [piece for part in parts for piece in _cut(part, cutter)]
        if not parts:
            break
    return parts


def area(boxes: Iterable[Box]) -> int:
    return sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
