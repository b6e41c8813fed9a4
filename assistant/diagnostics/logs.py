"""Logging to a private file in the data dir. Log lines name events and counts, never captured content."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler

from assistant.paths import DataPaths

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(paths: DataPaths, level: int = logging.INFO) -> None:
    root = logging.getLogger("assistant")
    if any(getattr(h, "_assistant_path", None) == str(paths.log_file) for h in root.handlers):
        return
    for handler in [h for h in root.handlers if getattr(h, "_assistant_path", None)]:
        root.removeHandler(handler)
        handler.close()
    paths.logs.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(paths.log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._assistant_path = str(paths.log_file)  # type: ignore[attr-defined]
    os.chmod(paths.log_file, 0o600)
    root.addHandler(handler)
    root.setLevel(level)
