"""OCR fidelity on small screens drawn here with PIL and read by the real tesseract: table rows come
out as one line in order, unsure words are kept, two columns of prose are not read across."""

from __future__ import annotations

import itertools
import random
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from assistant.config import CaptureSettings
from assistant.ocr.tesseract import TesseractOcr
from tests.ocr_screens import FONTS, MONO, SERIF, font, prose_columns, table

pytestmark = [
    pytest.mark.skipif(
        shutil.which("tesseract") is None, reason="tesseract not installed (Linux CI installs tesseract-ocr)"
    ),
    pytest.mark.skipif(
        not Path(FONTS, MONO).exists(), reason="DejaVu fonts not installed (Linux CI installs fonts-dejavu-core)"
    ),
]


def app_ocr() -> TesseractOcr:
    """The OCR as capture builds it (capture/factory.py), with the default confidence setting."""
    return TesseractOcr(min_conf=CaptureSettings().ocr_min_confidence)


ROWS = [
    ["Item", "Budget", "Spent", "Left"],
    ["Trade show stand Lyon", "5,000", "690", "4,310"],
    ["Printed flyers Oslo", "1,200", "1,150", "50"],
    ["Catering spring gala", "8,750", "3,020", "5,730"],
    ["Courier to Porto office", "340", "95", "245"],
]


def test_a_table_row_reads_as_one_line_with_its_figures_in_order() -> None:
    screen = table(ROWS, [400, 140, 140, 140], 15, canvas=(900, 220), origin=(10, 20))
    result = app_ocr().recognize(screen.image)
    lines = result.text.splitlines()
    for row in ROWS:
        assert " ".join(row) in lines, result.text
    # The words come in the text's order, so a secret's box can still be found by scanning (thumbnails).
    assert [w.text for w in result.words] == result.text.split()


def test_a_word_read_with_low_confidence_is_kept() -> None:
    image = Image.new("RGB", (300, 26), "white")
    # Fonts of fonts-dejavu-core only (scripts/setup.sh): 8 px monospace reads "rental" at ~20.
    ImageDraw.Draw(image).text((8, 7), "Quarry rental Tarvik 4,310", font=font(MONO, 8), fill=(120,) * 3)
    words = {w.text: w.conf for w in TesseractOcr(min_conf=0).recognize(image).words}
    assert words.get("rental", 100) < 60, f"the drawing no longer gives an unsure word: {words}"
    assert "rental" in app_ocr().recognize(image).text.split()


def test_two_columns_of_prose_are_read_column_by_column() -> None:
    screen = prose_columns(random.Random(3), size=16)
    text = app_ocr().recognize(screen.image).text
    for paragraph in screen.paragraphs:
        for above, below in itertools.pairwise(paragraph):
            assert f"{above}\n{below}" in text


def test_a_label_far_from_its_value_stays_on_its_line() -> None:
    pairs = [["Invoice number", "INV-40213"], ["Tracking id", "TRK551902347"], ["Build host", "build-runner-12"]]
    screen = table(pairs, [520, 420], 16, grid=False, canvas=(1000, 160), origin=(20, 20))
    lines = app_ocr().recognize(screen.image).text.splitlines()
    for pair in pairs:
        assert " ".join(pair) in lines


def test_a_sidebar_beside_prose_is_not_merged_into_its_lines() -> None:
    image = Image.new("RGB", (1200, 320), "white")
    draw = ImageDraw.Draw(image)
    for i, name in enumerate(["Inbox", "Drafts", "Archive", "Harbour", "Orchard"]):
        draw.text((20, 20 + i * 37), name, font=font(SERIF, 15), fill="black")
    body = [
        "The ferry to Ostrand island leaves at nine in the evening from",
        "the north quay, and the freight service keeps its early slot on",
        "weekdays; on Sundays both crossings move to the south berth so",
        "that the new footbridge over the Merrow canal can be finished",
        "before the orchard cooperative ships its pears to the coast.",
        "The reading room on Corlen street stays open until ten at night.",
        "Residents asked the council for more benches along the quay.",
        "The harbour committee meets again on the first Tuesday of May.",
    ]
    for i, line in enumerate(body):
        draw.text((220, 20 + i * 24), line, font=font(SERIF, 15), fill="black")
    lines = app_ocr().recognize(image).text.splitlines()
    for above, below in itertools.pairwise(body):
        assert above in lines and lines.index(below) == lines.index(above) + 1, lines
