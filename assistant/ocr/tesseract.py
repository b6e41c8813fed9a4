"""Tesseract OCR, run as a subprocess with the image on stdin and TSV (the `image_to_data` table) on stdout.

pytesseract is not used, on purpose: it writes every image to a temporary PNG file (an unencrypted
copy of the user's screen on disk) and runs tesseract with the process-wide environment, so limiting
tesseract's OpenMP threads would mean setting OMP_THREAD_LIMIT for this whole process, which would
also throttle in-process libraries (llama.cpp). Here the screen never touches the disk and the limit
applies to the tesseract child only: 1 thread takes ~1 s per 1080p frame, the default ~10 s.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
from typing import TYPE_CHECKING

from assistant.ocr.engine import OCR_UNAVAILABLE, OcrResult, OcrUnavailable, Word

if TYPE_CHECKING:
    from PIL import Image

_TSV_COLUMNS = 12  # level page block par line word left top width height conf text
_WORD_LEVEL = "5"
_SHORT_WORDS = frozenset("aAI&")


class OcrFailed(RuntimeError):
    """Tesseract ran but failed on this image (crash, timeout); the next frame may well succeed."""


def _is_noise(text: str, conf: float) -> bool:
    """Symbol-only "words" are icons and borders read as text; lone letters need high confidence."""
    if not any(ch.isalnum() for ch in text):
        return True
    return len(text) == 1 and not text.isdigit() and text not in _SHORT_WORDS and conf < 85


_Line = tuple[tuple[int, int, int], list[str]]


def _add(lines: list[_Line], key: tuple[int, int, int], text: str) -> None:
    if not lines or lines[-1][0] != key:
        lines.append((key, []))
    lines[-1][1].append(text)


def _join(lines: list[_Line]) -> str:
    parts: list[str] = []
    for i, (key, line_words) in enumerate(lines):
        if i and key[0] != lines[i - 1][0][0]:
            parts.append("")
        parts.append(" ".join(line_words))
    return "\n".join(parts)


def parse_tsv(tsv: str, min_conf: float) -> OcrResult:
    """Keep confident, non-noise words and rebuild the text line by line (blank line between blocks)."""
    words: list[Word] = []
    raw_words: list[Word] = []
    lines: list[_Line] = []
    raw_lines: list[_Line] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < _TSV_COLUMNS or cols[0] != _WORD_LEVEL:
            continue
        text = "\t".join(cols[11:]).strip()
        try:
            conf = float(cols[10])
            block, par, line = int(cols[2]), int(cols[3]), int(cols[4])
            left, top, width, height = (int(v) for v in cols[6:10])
        except ValueError:
            continue
        if not text:
            continue
        word = Word(text, left, top, width, height, conf)
        raw_words.append(word)
        _add(raw_lines, (block, par, line), text)
        if conf >= min_conf and not _is_noise(text, conf):
            words.append(word)
            _add(lines, (block, par, line), text)
    mean = sum(w.conf for w in words) / len(words) if words else 0.0
    return OcrResult(_join(lines), words, mean, _join(raw_lines), raw_words)


class TesseractOcr:
    """OcrEngine over the tesseract binary (`tesseract_cmd`: a name on PATH or a full path)."""

    def __init__(
        self,
        tesseract_cmd: str = "tesseract",
        min_conf: float = 60.0,
        lang: str = "eng",
        psm: int = 3,
        timeout: float = 120.0,
        threads: int = 1,
        tessdata_dir: str | None = None,
    ) -> None:
        self.tesseract_cmd = tesseract_cmd
        self.min_conf = min_conf
        self.lang = lang
        self.psm = psm
        self.timeout = timeout
        self.threads = threads
        self.tessdata_dir = tessdata_dir
        self._checked: tuple[str | None, str] | None = None  # (binary path or None, reason)
        self._lock = threading.Lock()

    def _env(self) -> dict[str, str]:
        return {**os.environ, "OMP_THREAD_LIMIT": str(self.threads)}

    def _data_args(self) -> list[str]:
        return ["--tessdata-dir", self.tessdata_dir] if self.tessdata_dir else []

    def _check(self) -> tuple[str | None, str]:
        with self._lock:
            if self._checked is None:
                self._checked = self._probe()
            return self._checked

    def _probe(self) -> tuple[str | None, str]:
        binary = shutil.which(self.tesseract_cmd)
        if binary is None:
            return None, OCR_UNAVAILABLE
        try:
            out = subprocess.run(
                [binary, *self._data_args(), "--list-langs"],
                capture_output=True,
                text=True,
                timeout=30,
                env=self._env(),
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None, OCR_UNAVAILABLE
        langs = {line.strip() for line in out.stdout.splitlines()[1:]}
        missing = [lang for lang in self.lang.split("+") if lang not in langs]
        if missing:
            return None, f"OCR unavailable: install the tesseract language data for {'+'.join(missing)}"
        return binary, ""

    def available(self) -> bool:
        return self._check()[0] is not None

    def recognize(self, image: Image.Image) -> OcrResult:
        binary, reason = self._check()
        if binary is None:
            raise OcrUnavailable(reason)
        buf = io.BytesIO()
        # Grayscale PNG at the fastest compression: tesseract binarises anyway, and in tests it decodes
        # PNG from stdin faster than an uncompressed PNM of the same frame.
        image.convert("L").save(buf, format="PNG", compress_level=1)
        cmd = [binary, "stdin", "stdout", *self._data_args(), "-l", self.lang, "--psm", str(self.psm), "tsv"]
        try:
            proc = subprocess.run(
                cmd, input=buf.getvalue(), capture_output=True, timeout=self.timeout, env=self._env(), check=False
            )
        except FileNotFoundError as exc:
            with self._lock:
                self._checked = None  # uninstalled meanwhile: check again next time
            raise OcrUnavailable() from exc
        except subprocess.TimeoutExpired as exc:
            raise OcrFailed(f"tesseract took longer than {self.timeout:g} s") from exc
        if proc.returncode != 0:
            # stderr names tesseract's own problem (never the image content); keep only its first line.
            detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
            raise OcrFailed(f"tesseract exited with {proc.returncode}: {' '.join(detail)}")
        return parse_tsv(proc.stdout.decode("utf-8", "replace"), self.min_conf)
