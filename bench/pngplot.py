"""A small line plot drawn with Pillow (matplotlib is not a dependency): log-scale x, linear y, legend."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COLORS = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
]


def _nice_step(span: float) -> float:
    raw = span / 6 if span > 0 else 1.0
    mag = 10.0 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)


def line_plot(
    series: dict[str, list[tuple[float, float]]],
    out: Path,
    *,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 900,
    height: int = 560,
    y_log: bool = False,
) -> Path:
    """Each series is a list of (x, y); x is drawn on a log10 scale, y too with `y_log`.
    Dashed lines for names ending 'p95'."""
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    left, right, top, bottom = 80, 220, 50, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [x for pts in series.values() for x, _ in pts if x > 0]
    ys = [y for pts in series.values() for _, y in pts]
    if not xs:
        raise ValueError("nothing to plot")
    lx_min, lx_max = math.log10(min(xs)), math.log10(max(xs))
    if lx_max - lx_min < 1e-9:
        lx_min, lx_max = lx_min - 0.5, lx_max + 0.5
    step = _nice_step(max(ys) if ys else 1.0)
    y_max = step * math.ceil((max(ys) if ys else 1.0) / step) or step
    positive = [y for y in ys if y > 0] or [1.0]
    ly_min, ly_max = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(positive)))
    ly_max = max(ly_max, ly_min + 1)

    def fy(y: float) -> float:
        if y_log:
            return (math.log10(max(y, 10.0**ly_min)) - ly_min) / (ly_max - ly_min)
        return y / y_max

    def px(x: float, y: float) -> tuple[float, float]:
        fx = (math.log10(x) - lx_min) / (lx_max - lx_min)
        return left + fx * plot_w, top + plot_h - fy(y) * plot_h

    draw.text((left, 15), title, fill="black", font=font)
    draw.rectangle([left, top, left + plot_w, top + plot_h], outline="black")
    if y_log:
        ticks = [m * 10.0**e for e in range(ly_min, ly_max + 1) for m in (1, 2, 5) if m * 10.0**e <= 10.0**ly_max]
    else:
        ticks = [i * step for i in range(round(y_max / step) + 1)]
    for y in ticks:  # horizontal grid and y labels
        _, gy = px(10**lx_min, y)
        draw.line([left, gy, left + plot_w, gy], fill=(225, 225, 225))
        draw.text((left - 45, gy - 6), f"{y:g}", fill="black", font=font)
    for decade in range(math.floor(lx_min), math.ceil(lx_max) + 1):  # vertical grid at powers of ten
        if lx_min - 1e-9 <= decade <= lx_max + 1e-9:
            gx, _ = px(10**decade, 0)
            draw.line([gx, top, gx, top + plot_h], fill=(225, 225, 225))
            draw.text((gx - 15, top + plot_h + 8), f"{10**decade:,.0f}", fill="black", font=font)
    draw.text((left + plot_w // 2 - 40, height - 30), x_label, fill="black", font=font)
    draw.text((10, top - 25), y_label, fill="black", font=font)
    for n, (name, pts) in enumerate(series.items()):
        color = COLORS[n // 2 % len(COLORS)] if len(series) > 1 else COLORS[0]
        points = [px(x, y) for x, y in sorted(pts) if x > 0]
        dashed = name.endswith("p95")
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if dashed:  # dashes: draw every other tenth of the segment
                for i in range(0, 10, 2):
                    a, b = i / 10, (i + 1) / 10
                    draw.line(
                        [x0 + (x1 - x0) * a, y0 + (y1 - y0) * a, x0 + (x1 - x0) * b, y0 + (y1 - y0) * b],
                        fill=color,
                        width=2,
                    )
            else:
                draw.line([x0, y0, x1, y1], fill=color, width=2)
        for x0, y0 in points:
            draw.ellipse([x0 - 3, y0 - 3, x0 + 3, y0 + 3], fill=color)
        ly = top + 10 + n * 18
        lx = left + plot_w + 15
        draw.line([lx, ly + 6, lx + 25, ly + 6], fill=color, width=2 if not dashed else 1)
        draw.text((lx + 32, ly), name, fill="black", font=font)
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out)
    return out
