"""One full run through the facade with a marker in everything the user gives it: an import, a screen
captured on a private Xvfb and read by tesseract, consolidation with the real gemma model (so the
marker is in its prompts), embedding for vector search (MiniLM, chroma in memory), a hybrid search
and a question naming the marker, a model download attempt.

Used in-process by the local-only and canary tests, and as a script in a network namespace:

    python -m tests.robustness.fullrun DATA_DIR INPUTS_DIR [--model GGUF] [--embedder GGUF] [--xvfb]

which prints one JSON line: the run's report, the guard's blocked attempts, NetWatch's violations,
the listening sockets seen while the store was open, and the network interfaces it could see.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant import privacy
from assistant.api import Assistant
from assistant.errors import PrivacyBlocked
from tests.conftest import PASSPHRASE
from tests.robustness.netwatch import NetWatch, listening_sockets

MARKER = "Vexmarlo Quindrel 7391"  # OCR reads it exactly at the test window's font size
CHAT = [
    {
        "speaker": "alice",
        "text": f"The {MARKER} project starts Monday; the plan is on https://wiki.example.org/vx",
        "time": "2024-05-02T09:15:00Z",
        "conversation": "kickoff",
        "ref": "k1",
    },
    {
        "speaker": "bob",
        "text": f"Noted. The {MARKER} budget review is Friday at 10:00 in room B2.",
        "time": "2024-05-02T09:16:00Z",
        "conversation": "kickoff",
        "ref": "k2",
    },
]


@contextmanager
def on_display(display: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("DISPLAY", "XDG_SESSION_TYPE", "WAYLAND_DISPLAY")}
    os.environ.update(DISPLAY=display, XDG_SESSION_TYPE="x11")
    os.environ.pop("WAYLAND_DISPLAY", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def full_run(
    data_dir: Path,
    inputs: Path,
    *,
    model: Path | None,
    embedder: Path | None,
    display: str | None,
    while_open: Callable[[Assistant], Any] | None = None,
) -> dict[str, Any]:
    from tests.xdisplay import TextWindow

    inputs.mkdir(parents=True, exist_ok=True)
    chat = inputs / "chat.jsonl"
    chat.write_text("".join(json.dumps(line) + "\n" for line in CHAT), encoding="utf-8")
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    out: dict[str, Any] = {"local_only": privacy.local_only(), "screen_texts": []}
    try:
        out["imported"] = app.memories.import_file(chat, "jsonl").added
        if display is not None:
            app.settings.current.capture.keep_thumbnails = True
            with (
                on_display(display),
                TextWindow(
                    display, f"Notes about {MARKER}\nreview on Friday", title=f"{MARKER} - Notes", wm_class="notes"
                ),
            ):
                out["captured"] = app.capture.once()
            rows = (
                app._core.store.db.reader()
                .execute("SELECT text, meta FROM raw_events WHERE kind = 'screen'")
                .fetchall()
            )
            out["screen_texts"] = [r[0] for r in rows]
            out["screen_ocr"] = [json.loads(r[1]).get("ocr") for r in rows]
        if model is not None:
            app.models.add(model, role="chat", name="gemma")
            app.models.use("gemma", "chat")
        if embedder is not None:
            app.models.add(embedder, role="embedding", name="minilm")
            app.models.use("minilm", "embedding")
        report = app.consolidation.run()
        out.update(model_status=report.model_status, model_calls=report.model_calls, consolidated=report.events)
        out["embedded"] = app.search.index_pending()
        out["hits"] = len(app.search.find(f"what did we say about {MARKER}?"))
        out["answer"] = app.answers.ask(f"When is the {MARKER} budget review?").text
        try:
            app.models.download("qwen2.5-0.5b-instruct")
            out["download"] = "downloaded"
        except PrivacyBlocked as exc:
            out["download"] = str(exc)
        if while_open is not None:
            out["while_open"] = while_open(app)
        status = app.status()
        out.update(events=status.events, memories=status.memories)
    finally:
        app.close()
    return out


def main() -> None:
    from tests.xdisplay import XvfbServer

    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("inputs", type=Path)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--embedder", type=Path)
    parser.add_argument("--xvfb", action="store_true")
    args = parser.parse_args()
    server = XvfbServer() if args.xvfb and shutil.which("Xvfb") and shutil.which("tesseract") else None
    try:
        with NetWatch() as watch:
            out = full_run(
                args.data_dir,
                args.inputs,
                model=args.model,
                embedder=args.embedder,
                display=server.display if server else None,
                while_open=lambda _app: listening_sockets(),
            )
    finally:
        if server is not None:
            server.close()
    out.update(
        blocked=privacy.blocked_attempts(),
        violations=watch.violations(),
        interfaces=[name for _, name in socket.if_nameindex()],
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
