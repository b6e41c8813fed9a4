"""Tesseract output parsing and the missing-binary path (no tesseract needed for these)."""

from __future__ import annotations

import pytest
from PIL import Image

from assistant.errors import CaptureUnavailable
from assistant.ocr.engine import OcrUnavailable
from assistant.ocr.tesseract import TesseractOcr, parse_tsv

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def row(block: int, par: int, line: int, word: int, text: str, conf: float, left: int = 10) -> str:
    return f"5\t1\t{block}\t{par}\t{line}\t{word}\t{left}\t20\t40\t18\t{conf}\t{text}"


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
