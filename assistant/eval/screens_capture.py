"""The capture side of `assistant eval screens`: the X display, showing and capturing each screen into
the store, reading back which events each screen left, and the capture cache.

The cache (`--capture-cache DIR`) keeps the store as it was right after capture, with its passphrase,
so that a run which changes only consolidation or ranking skips the two minutes of OCR. It is keyed on
the benchmark's screens.json; after a change to capture, OCR or redaction, delete it. The store in it
holds only the benchmark's fictional screens, which is why its passphrase may sit beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError, CaptureUnavailable
from assistant.eval.screen_set import ScreenSet
from assistant.eval.screens_report import Storage
from assistant.values import Progress, RawEvent

if TYPE_CHECKING:
    from assistant.config import CaptureSettings
    from assistant.paths import DataPaths
    from assistant.store.opened import OpenedStore

CACHE_FORMAT = "assistant-screens-capture"
VIEWER = "Image Viewer"  # the app and title suffix of --one-window


@contextlib.contextmanager
def x_display(display: str | None, bench: ScreenSet) -> Iterator[str]:
    """DISPLAY points at `display`, or at a private Xvfb of the benchmark's size, while the run lasts."""
    from assistant.eval.xserver import XvfbServer

    server = None
    if display is None:
        try:
            server = XvfbServer(bench.width, bench.height)
        except FileNotFoundError as exc:
            raise CaptureUnavailable(f"{exc}: install it (apt install xvfb) or give --display") from None
        display = server.display
    saved = {name: os.environ.get(name) for name in ("DISPLAY", "XDG_SESSION_TYPE", "WAYLAND_DISPLAY")}
    os.environ.update(DISPLAY=display, XDG_SESSION_TYPE="x11")
    os.environ.pop("WAYLAND_DISPLAY", None)
    try:
        yield display
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if server is not None:
            server.close()


def capture_all(
    paths: DataPaths,
    passphrase: str,
    settings: CaptureSettings,
    bench: ScreenSet,
    display: str,
    progress: Progress,
    *,
    one_window: bool = False,
) -> Storage:
    """Show and capture every screen into the (closed) store at `paths`; what the screens cost on disk.
    `one_window`: every screen in the same image viewer window, whose app and title say nothing of it."""
    from assistant.capture.factory import build_pipeline
    from assistant.capture.writer import FrameWriter
    from assistant.eval.screen_window import ScreenWindow
    from assistant.store import events as event_repo
    from assistant.store import opened

    clock = [bench.screens[0].shown_at]

    def disk_full(message: str) -> None:
        raise AssistantError(message)

    store = opened.open_existing(paths, passphrase)
    try:
        writer = FrameWriter(store, thumbnail_budget_bytes=1 << 40, on_disk_full=disk_full, on_recovered=lambda: None)
        before = _bytes_on_disk(paths, store)
        pipeline = build_pipeline(settings, writer, clock=lambda: clock[0])
        if pipeline.ocr is None or not pipeline.ocr.available():
            pipeline.stop()
            raise CaptureUnavailable(
                "OCR unavailable: install tesseract-ocr (the benchmark reads every screen with it)"
            )
        try:
            with ScreenWindow(display) as window:
                for done, screen in enumerate(bench.screens, 1):
                    clock[0] = screen.shown_at
                    if one_window:
                        window.show(str(screen.image), f"screen-{done:02d}.png - {VIEWER}", VIEWER)
                    else:
                        window.show(str(screen.image), screen.title, screen.wm_class)
                    pipeline.capture_once()
                    progress(done, len(bench.screens))
        finally:
            pipeline.stop()
        after = _bytes_on_disk(paths, store)
        stored = event_repo.list_events(store.db.reader(), kind="screen")
    finally:
        store.close()
    n = max(len(bench.screens), 1)
    return Storage(
        text_bytes_per_screen=sum(len(ev.text.encode()) for ev in stored) / n,
        database_bytes_per_screen=(after[0] - before[0]) / n,
        thumbnail_bytes_per_screen=(after[1] - before[1]) / n,
        events=len(stored),
        # The benchmark shows no secret, so every redaction is a false positive (redaction's precision).
        redactions=sum((ev.text + (ev.title or "")).count("[REDACTED:") for ev in stored),
    )


def _bytes_on_disk(paths: DataPaths, store: OpenedStore) -> tuple[int, int]:
    """(the database with its write-ahead log, the thumbnails), as `app.capture.storage_usage()` counts them."""
    files = [paths.database, Path(f"{paths.database}-wal")]
    return sum(f.stat().st_size for f in files if f.exists()), store.blobs.size()


def screen_events(paths: DataPaths, passphrase: str, bench: ScreenSet) -> dict[str, list[RawEvent]]:
    """The stored screen events of each screen, told apart by their capture time (unique per screen)."""
    from assistant.store import events as event_repo
    from assistant.store import opened

    store = opened.open_existing(paths, passphrase)
    try:
        stored = event_repo.list_events(store.db.reader(), kind="screen")
    finally:
        store.close()
    events: dict[str, list[RawEvent]] = {s.id: [] for s in bench.screens}
    for ev in stored:
        for s in bench.screens:
            if abs(ev.occurred_at - s.shown_at) < timedelta(seconds=1):
                events[s.id].append(ev)
    return events


def _key(bench: ScreenSet) -> str:
    return hashlib.sha256((bench.root / "screens.json").read_bytes()).hexdigest()


def load_cache(cache: Path, bench: ScreenSet, data: Path, *, one_window: bool = False) -> tuple[str, Storage] | None:
    """Copy the cached store into `data`: its passphrase and storage figures; None when there is no cache."""
    meta_path = cache / "capture.json"
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        ok = meta.get("format") == CACHE_FORMAT and (cache / "data").is_dir()
    except (OSError, ValueError):
        ok = False
    if not ok:
        raise AssistantError(f"{cache} is not a usable capture cache: delete it and run again")
    if meta["benchmark"] != _key(bench):
        raise AssistantError(f"the capture cache {cache} was made from another screens.json: delete it and run again")
    if bool(meta.get("one_window")) != one_window:
        shown = "in one window" if meta.get("one_window") else "each in its own window"
        raise AssistantError(
            f"the capture cache {cache} was made with the screens shown {shown}: delete it or give another"
        )
    try:
        storage = Storage(**meta["storage"])
    except TypeError:  # made by an older version of this command
        raise AssistantError(f"{cache} is not a usable capture cache: delete it and run again") from None
    shutil.copytree(cache / "data", data)
    return str(meta["passphrase"]), storage


def save_cache(
    cache: Path, bench: ScreenSet, data: Path, passphrase: str, storage: Storage, *, one_window: bool = False
) -> None:
    """Keep the store as captured (closed, not yet consolidated) in `cache`."""
    cache.mkdir(parents=True, exist_ok=True)
    shutil.copytree(data, cache / "data", dirs_exist_ok=True)
    meta = {
        "format": CACHE_FORMAT,
        "benchmark": _key(bench),
        "passphrase": passphrase,
        "storage": asdict(storage),
        "one_window": one_window,
    }
    path = cache / "capture.json"
    path.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    path.chmod(0o600)
