"""Fictional screens drawn with PIL, each with the text it shows: for the OCR tests and bench/bench_ocr.py.

`rows` are lines whose parts must come out on one line, left to right (a table row, a form field,
a code line); `paragraphs` are prose whose consecutive lines must follow each other in the text
(two columns read line by line across would break that). Every word is made up here.
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

FONTS = "/usr/share/fonts/truetype/dejavu/"
SANS, SERIF, MONO = "DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf"
LIGHT = {"bg": (255, 255, 255), "fg": (20, 20, 20), "grid": (205, 205, 205), "dim": (110, 110, 110)}
DARK = {"bg": (30, 31, 34), "fg": (212, 212, 212), "grid": (70, 70, 74), "dim": (140, 140, 140)}

PLACES = "Lyon Oslo Porto Velmora Ostrand Brisk Halden Tarvik Quillon Merrow Ashby Corlen Dunmere Eskval".split()
THINGS = (
    "stand flyers catering courier banners badges lanyards shuttle venue projector brochures samples"
    " booth signage posters lighting staging tickets"
).split()
EVENTS = "Trade show|Spring gala|Partner summit|Product launch|Board retreat|Press day|Roadshow".split("|")
PEOPLE = "Mira Sandal|Tobin Achter|Lene Voskuijl|Ravi Ostrander|Cato Brilmayer|Ines Halvorsen|Pim Delacorte".split("|")
PROSE = (
    "The harbour committee of Velmora met on Tuesday to discuss the winter schedule for the ferry to Ostrand"
    " island. Members agreed that the late crossing would move to nine in the evening, while the freight"
    " service keeps its early slot. The orchard cooperative in Brisk Hollow reported a record pear harvest,"
    " with forty tonnes shipped to the coast. Its chair thanked the volunteers and asked the council for a"
    " larger cold store before next autumn. A new footbridge over the Merrow canal opens in March, built by"
    " apprentices from the Tarvik workshop under the guidance of two retired engineers. Residents of Corlen"
    " street asked for more benches along the quay and a longer opening time for the reading room."
).split(". ")


@dataclass
class Screen:
    name: str
    image: Image.Image
    rows: list[list[str]] = field(default_factory=list)
    paragraphs: list[list[str]] = field(default_factory=list)

    def words(self) -> list[str]:
        return [w for r in self.rows for c in r for w in c.split()] + [
            w for p in self.paragraphs for line in p for w in line.split()
        ]


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS + name, size)


def _money(rng: random.Random) -> str:
    return f"{rng.randrange(1, 99) * 10 ** rng.choice((1, 2)):,}"


def table(
    rows: list[list[str]],
    widths: list[int],
    size: int = 15,
    theme: dict[str, tuple[int, int, int]] = LIGHT,
    grid: bool = True,
    canvas: tuple[int, int] = (1920, 1080),
    origin: tuple[int, int] = (40, 80),
    name: str = "table",
    pad: int = 6,
    stripes: tuple[int, int, int] | None = None,
) -> Screen:
    """A spreadsheet-like grid: each row drawn cell by cell at fixed column positions."""
    image = Image.new("RGB", canvas, theme["bg"])
    draw = ImageDraw.Draw(image)
    face = font(SANS, size)
    pitch = size * 2
    x0, y0 = origin
    for i, cells in enumerate(rows):
        y = y0 + i * pitch
        x = x0
        if stripes is not None and i % 2:
            draw.rectangle((x0, y, x0 + sum(widths), y + pitch), fill=stripes)
        for cell, width in zip(cells, widths, strict=True):
            draw.text((x + pad, y + pitch // 4), cell, font=face, fill=theme["fg"])
            if grid:
                draw.rectangle((x, y, x + width, y + pitch), outline=theme["grid"])
            x += width
    return Screen(name, image, rows=[list(r) for r in rows])


def _budget_rows(rng: random.Random, n: int) -> list[list[str]]:
    rows = [["Item", "Budget", "Spent", "Left", "Owner"]]
    for _ in range(n):
        budget, spent = rng.randrange(20, 900) * 10, rng.randrange(1, 19) * 10
        label = f"{rng.choice(EVENTS)} {rng.choice(THINGS)} {rng.choice(PLACES)}"
        rows.append([label, f"{budget:,}", f"{spent:,}", f"{budget - spent:,}", rng.choice(PEOPLE).split()[0]])
    return rows


def sheet(rng: random.Random, dark: bool = False) -> Screen:
    rows = _budget_rows(rng, 22)
    theme = DARK if dark else LIGHT
    return table(rows, [420, 140, 140, 140, 200], 15, theme, grid=not dark, name="sheet_dark" if dark else "sheet")


def sheet_tight(rng: random.Random) -> Screen:
    """Small type, cells padded by two pixels, striped rows: words close to the grid lines."""
    rows = _budget_rows(rng, 26)
    return table(rows, [330, 90, 90, 90, 120], 12, LIGHT, True, name="sheet_tight", pad=2, stripes=(226, 236, 250))


def prose_columns(rng: random.Random, size: int = 16) -> Screen:
    """An article in two columns with a shared baseline grid (the case a row merge must not touch)."""
    image = Image.new("RGB", (1920, 1080), LIGHT["bg"])
    draw = ImageDraw.Draw(image)
    face = font(SERIF, size)
    sentences = PROSE[:]
    paragraphs: list[list[str]] = []
    for column in range(2):
        rng.shuffle(sentences)
        y = 60
        for p in range(3):
            text = ". ".join(sentences[p * 2 : p * 2 + 3]) + "."
            lines = textwrap.wrap(text, 62)
            for line in lines:
                draw.text((60 + column * 720, y), line, font=face, fill=LIGHT["fg"])
                y += int(size * 1.5)
            y += int(size * 1.5)
            paragraphs.append(lines)
    return Screen("prose_columns", image, paragraphs=paragraphs)


CODE = """def settle(ledger, rate):
    total = 0
    for entry in ledger.entries:
        if entry.kind == "refund":
            total -= entry.amount
        else:
            total += entry.amount * rate
    return round(total, 2)

class Ferry:
    def __init__(self, name, berth):
        self.name = name
        self.berth = berth

    def depart(self, hour):
        log.info("ferry %s leaves berth %s", self.name, self.berth)
        return schedule.book(self.name, hour)""".splitlines()


def code_editor(rng: random.Random) -> Screen:
    """A dark editor: a file tree on the left (its own spacing), line numbers, the code."""
    image = Image.new("RGB", (1920, 1080), DARK["bg"])
    draw = ImageDraw.Draw(image)
    mono, sans = font(MONO, 14), font(SANS, 13)
    files = ["ledger.py", "ferry.py", "schedule.py", "harbour_rates.toml", "README.md", "tests", "docs"]
    for i, name in enumerate(files):
        draw.text((20, 60 + i * 31), name, font=sans, fill=DARK["dim"])
    rows = []
    for i, line in enumerate(CODE):
        y = 60 + i * 21
        draw.text((300, y), f"{i + 1:>3}", font=mono, fill=DARK["dim"])
        draw.text((360, y), line, font=mono, fill=(156, 220, 254) if "def " in line else DARK["fg"])
        if line.strip():
            rows.append([line.strip()])
    return Screen("code_dark", image, rows=[*rows, *[[f] for f in files]])


def mail_list(rng: random.Random, size: int = 11) -> Screen:
    """A small-font inbox: sender | subject | date rows, then a message in a preview pane."""
    subjects = [
        f"{rng.choice(EVENTS)} in {rng.choice(PLACES)}: {rng.choice(THINGS)} quote {rng.randrange(100, 999)}"
        for _ in range(14)
    ]
    rows = [[rng.choice(PEOPLE), s, f"{rng.randrange(1, 28)} Mar"] for s in subjects]
    screen = table(rows, [220, 560, 90], size, LIGHT, grid=False, origin=(30, 40), name="mail_small")
    draw = ImageDraw.Draw(screen.image)
    face = font(SANS, size)
    lines = textwrap.wrap(". ".join(PROSE[:4]) + ".", 110)
    for i, line in enumerate(lines):
        draw.text((36, 560 + i * int(size * 1.6)), line, font=face, fill=LIGHT["fg"])
    screen.paragraphs = [lines]
    return screen


def settings_form(rng: random.Random) -> Screen:
    """Label / value pairs far apart, as in a settings page or an order form."""
    pairs = [
        ["Invoice number", f"INV-{rng.randrange(10000, 99999)}"],
        ["Customer", rng.choice(PEOPLE)],
        ["Delivery address", f"{rng.randrange(1, 200)} Quay Road, {rng.choice(PLACES)}"],
        ["Tracking id", f"TRK{rng.randrange(10**8, 10**9)}"],
        ["Amount due", f"{_money(rng)}.00 EUR"],
        ["Payment terms", "30 days net"],
        ["Build host", f"build-runner-{rng.randrange(2, 40)}"],
        ["Support plan", "Harbour Gold"],
    ]
    return table(pairs, [520, 520], 16, LIGHT, grid=False, origin=(200, 120), name="form")


def terminal(rng: random.Random) -> Screen:
    """A dark terminal with a process table (monospace columns made of spaces)."""
    image = Image.new("RGB", (1920, 1080), (12, 12, 12))
    draw = ImageDraw.Draw(image)
    mono = font(MONO, 14)
    names = ["ferryd", "ledger-sync", "harbour-api", "pear-report", "quay-cache", "tarvik-worker", "rates-cron"]
    rows = [["PID", "USER", "CPU%", "MEM", "COMMAND"]]
    for name in names:
        rows.append(
            [
                str(rng.randrange(1000, 40000)),
                "mira",
                f"{rng.randrange(0, 90)}.{rng.randrange(10)}",
                f"{rng.randrange(20, 900)}M",
                name,
            ]
        )
    for i, r in enumerate(rows):
        line = f"{r[0]:>7}  {r[1]:<8} {r[2]:>6} {r[3]:>7}    {r[4]}"
        draw.text((20, 40 + i * 19), line, font=mono, fill=(200, 200, 200))
    return Screen("terminal", image, rows=rows)


SCREENS: dict[str, Callable[[random.Random], Screen]] = {
    "sheet": sheet,
    "sheet_dark": lambda rng: sheet(rng, dark=True),
    "sheet_tight": sheet_tight,
    "prose_columns": prose_columns,
    "code_dark": code_editor,
    "mail_small": mail_list,
    "form": settings_form,
    "terminal": terminal,
}


def render_all(seed: int = 15) -> list[Screen]:
    return [make(random.Random(f"{seed}:{name}")) for name, make in SCREENS.items()]
