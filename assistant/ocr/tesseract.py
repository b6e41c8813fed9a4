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

from assistant.ocr.engine import OCR_UNAVAILABLE, OcrResult, OcrUnavailable
from assistant.ocr.tsv import MIN_CONF, parse_tsv

if TYPE_CHECKING:
    from PIL import Image


class OcrFailed(RuntimeError):
    """Tesseract ran but failed on this image (crash, timeout); the next frame may well succeed."""


class TesseractOcr:
    """OcrEngine over the tesseract binary (`tesseract_cmd`: a name on PATH or a full path)."""

    def __init__(
        self,
        tesseract_cmd: str = "tesseract",
        min_conf: float = MIN_CONF,
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
