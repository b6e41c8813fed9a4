"""Tesseract output parsing, rows rebuilt from its boxes and the missing-binary path (no tesseract
needed for these)."""

from __future__ import annotations

import pytest
from PIL import Image

from assistant.errors import CaptureUnavailable
from assistant.ocr.engine import OcrUnavailable
from assistant.ocr.tesseract import TesseractOcr, parse_tsv

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def row(
    block: int, par: int, line: int, word: int, text: str, conf: float, left: int = 10, top: int = 20, height: int = 18
) -> str:
    return f"5\t1\t{block}\t{par}\t{line}\t{word}\t{left}\t{top}\t40\t{height}\t{conf}\t{text}"


def test_lines_are_rebuilt_and_low_confidence_and_noise_dropped() -> None:
    tsv = "\n".join(
        [
            HEADER,
            "1\t1\t0\t0\t0\t0\t0\t0\t1920\t1080\t-1\t",
            "4\t1\t1\t1\t1\t0\t10\t20\t400\t18\t-1\t",
            row(1, 1, 1, 1, "Quarterly", 96.1),
            row(1, 1, 1, 2, "report", 91.0),
            row(1, 1, 1, 3, "|", 88.0),  # a border read as a glyph
            row(1, 1, 2, 1, "revenue", 93.0),
            row(1, 1, 2, 2, "rn~", 31.0),  # below the confidence threshold
            row(1, 1, 2, 3, "e", 62.0),  # lone letter without high confidence
            row(2, 1, 1, 1, "Sidebar", 90.0),
            row(2, 1, 1, 2, " ", 95.0),
            row(2, 1, 1, 3, "7", 70.0),
        ]
    )
    result = parse_tsv(tsv, min_conf=60)
    assert result.text == "Quarterly report\nrevenue\n\nSidebar 7"
    assert [w.text for w in result.words] == ["Quarterly", "report", "revenue", "Sidebar", "7"]
    assert result.mean_conf == pytest.approx((96.1 + 91.0 + 93.0 + 90.0 + 70.0) / 5)
    assert result.words[0].left == 10 and result.words[0].height == 18


def test_every_word_read_is_kept_by_default_however_unsure() -> None:
    tsv = "\n".join(
        [
            HEADER,
            row(1, 1, 1, 1, "Trade", 31.0, left=10),
            row(1, 1, 1, 2, "show", 96.0, left=60),
            row(1, 1, 1, 3, "MAX_RETRIES", 5.0, left=110),  # read right, yet at confidence 5
        ]
    )
    assert parse_tsv(tsv).text == "Trade show MAX_RETRIES"


def test_code_symbols_read_with_confidence_are_kept_but_borders_and_unsure_ones_are_not() -> None:
    words = [("MAX_RETRIES", 93.0), ("=", 91.0), ("7", 95.0), ("|", 90.0), ("~", 31.0), ("=>", 70.0)]
    tsv = "\n".join([HEADER, *(row(1, 1, 1, i + 1, w, c, left=10 + 60 * i) for i, (w, c) in enumerate(words))])
    assert parse_tsv(tsv).text == "MAX_RETRIES = 7 =>"


def test_the_opening_quote_tesseract_reads_into_a_lines_first_word_is_dropped() -> None:
    words = ["\u2018Trade", "show", "\u2018stand", "\u201cLyon\u201d"]
    first = [row(1, 1, 1, i + 1, w, 90.0, left=10 + 60 * i) for i, w in enumerate(words)]
    quoted = row(1, 1, 2, 1, "\u2018Porto\u2019", 90.0, top=60)  # a quote that closes is on screen
    assert parse_tsv("\n".join([HEADER, *first, quoted])).text == (
        "Trade show \u2018stand \u201cLyon\u201d\n\u2018Porto\u2019"
    )


def test_threshold_is_a_setting_and_empty_output_is_empty() -> None:
    tsv = "\n".join([HEADER, row(1, 1, 1, 1, "maybe", 55.0)])
    assert parse_tsv(tsv, min_conf=60).text == ""
    assert parse_tsv(tsv, min_conf=50).text == "maybe"
    assert parse_tsv("", 60).mean_conf == 0.0


def test_missing_binary_is_unavailable_with_a_clear_message() -> None:
    ocr = TesseractOcr(tesseract_cmd="/nonexistent/tesseract")
    assert not ocr.available()
    with pytest.raises(OcrUnavailable, match="^OCR unavailable: install tesseract-ocr$") as err:
        ocr.recognize(Image.new("RGB", (10, 10)))
    assert isinstance(err.value, CaptureUnavailable)


def table_tsv() -> str:
    """Tesseract's reading of a 3-row table: the labels as one paragraph, each column of figures as
    its own block (a row's words are 25 px apart, as on screen)."""
    rows = [HEADER]
    labels = [["Trade", "show", "stand", "Lyon"], ["Printed", "flyers", "Oslo"], ["Courier", "to", "Porto"]]
    for n, words in enumerate(labels):
        rows += [row(1, 1, n + 1, i + 1, w, 95.0, left=10 + 45 * i, top=40 + 25 * n) for i, w in enumerate(words)]
    for b, column in enumerate([["5,000", "1,200", "340"], ["690", "1,150", "95"]]):
        rows += [row(2 + b, 1, n + 1, 1, v, 93.0, left=400 + 140 * b, top=41 + 25 * n) for n, v in enumerate(column)]
    return "\n".join(rows)


def test_columns_tesseract_read_apart_are_put_back_into_rows() -> None:
    result = parse_tsv(table_tsv())
    assert result.text.splitlines() == [
        "Trade show stand Lyon 5,000 690",
        "Printed flyers Oslo 1,200 1,150",
        "Courier to Porto 340 95",
    ]
    assert [w.text for w in result.words] == result.text.split()  # words follow the text (thumbnail masking)


def test_a_word_box_two_rows_tall_does_not_break_its_row() -> None:
    tall = table_tsv().replace("\t55\t65\t40\t18\t", "\t55\t50\t40\t42\t")  # "flyers" read 42 px tall
    assert tall != table_tsv()
    assert parse_tsv(tall).text.splitlines() == parse_tsv(table_tsv()).text.splitlines()


def test_prose_side_by_side_and_a_sidebar_with_its_own_spacing_are_not_read_across() -> None:
    prose = [f"word{i} " * 7 for i in range(6)]
    rows = [HEADER]
    for col in range(2):  # two columns of prose on the same baselines
        for n, text in enumerate(prose):
            rows += [
                row(1 + col, 1, n + 1, i + 1, w, 95.0, left=20 + 700 * col + 50 * i, top=20 + 24 * n)
                for i, w in enumerate(text.split())
            ]
    for n, name in enumerate(["Inbox", "Drafts", "Archive", "Sent"]):  # a sidebar: 37 px apart
        rows.append(row(3, 1, n + 1, 1, name, 95.0, left=1500, top=20 + 37 * n))
    lines = parse_tsv("\n".join(rows)).text.splitlines()
    assert lines[:6] == [p.strip() for p in prose]
    assert lines[7:13] == [p.strip() for p in prose]
    assert lines[14:] == ["Inbox", "Drafts", "Archive", "Sent"]
