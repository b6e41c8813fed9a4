"""Logging to a private file in the data dir. Log lines name events and counts, never captured content."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from typing import Any

from assistant.paths import DataPaths

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 2_000_000
BACKUPS = 3


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Every file it opens, the ones made at each rotation included, is the user's only (0600)."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)  # a file that existed with a wider mode
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


def setup_logging(paths: DataPaths, level: int = logging.INFO) -> None:
    root = logging.getLogger("assistant")
    if any(getattr(h, "_assistant_path", None) == str(paths.log_file) for h in root.handlers):
        return
    for handler in [h for h in root.handlers if getattr(h, "_assistant_path", None)]:
        root.removeHandler(handler)
        handler.close()
    paths.logs.mkdir(parents=True, exist_ok=True)
    handler = PrivateRotatingFileHandler(paths.log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._assistant_path = str(paths.log_file)  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
