"""`assistant self-test`: prove that this install works, end to end, in a throwaway store.

Through the facade only, as a user would: create an encrypted store in a temporary data dir, prepare
the packaged embedding model (offline), import a small chat transcript, find it again by search, load
the bundled GGUF test model and generate a few tokens, and capture the screen once. Each step prints
one line; the run returns 0, or 1 and names the step that failed. Nothing touches the user's own data
dir, and the temporary one is deleted afterwards.

Capture needs a display. Without one the step is skipped (reported, not failed) unless the caller
requires capture; required capture also requires the frame's OCR to have run (tesseract found).
"""

from __future__ import annotations

import json
import math
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.api import Assistant
from assistant.diagnostics.build_info import runtime_line, version_line
from assistant.errors import AssistantError, CaptureUnavailable
from assistant.values import RawEvent

Report = Callable[[str], None]

PLAINTEXT_SQLITE_HEADER = b"SQLite format 3\x00"
GENERATION_PROMPT = "The three primary colours are red,"
GENERATION_TOKENS = 8


class StepSkipped(Exception):
    """The step cannot run here (no display...); a failure only when the caller requires it."""


class StepFailed(Exception):
    """The step ran and its check did not hold."""


@dataclass
class _Context:
    root: Path
    require_capture: bool
    app: Assistant | None = None
    token: str = field(default_factory=lambda: "selftest" + secrets.token_hex(6))

    @property
    def assistant(self) -> Assistant:
        if self.app is None:
            raise StepFailed("the store was not created")
        return self.app


# -- the steps ----------------------------------------------------------------------------------------


def _step_store(ctx: _Context) -> str:
    app = Assistant(ctx.root / "data")
    ctx.app = app
    app.init(secrets.token_urlsafe(18))
    with app.paths.database.open("rb") as fh:
        header = fh.read(len(PLAINTEXT_SQLITE_HEADER))
    if len(header) < len(PLAINTEXT_SQLITE_HEADER):
        raise StepFailed(f"{app.paths.database.name} is empty after creating the store")
    if header == PLAINTEXT_SQLITE_HEADER:
        raise StepFailed(f"{app.paths.database.name} is a plain SQLite file: SQLCipher is not in use")
    schema = app.status().schema_version
    return f"encrypted store created, schema {schema}"


def _step_embedder(ctx: _Context) -> str:
    """Convert the packaged MiniLM (offline) and embed a sentence; search can then go hybrid."""
    app = ctx.assistant
    entry = app.models.prepare_default_embedder()
    embedder = app.models.embedder()
    if embedder is None:
        raise StepFailed(f"{entry.name} was prepared but is not the active embedding model")
    (vector,) = embedder.embed(["where is the spare key for the bike lock"])
    if len(vector) != embedder.dim or not any(vector) or not all(math.isfinite(x) for x in vector):
        raise StepFailed(f"{entry.name} returned a malformed vector ({len(vector)} values, {embedder.dim} expected)")
    return f"{entry.name} ready, {embedder.dim}-dimensional vectors"


def _transcript(token: str) -> list[dict[str, str]]:
    """Three messages; `token` is the unique word the search step looks for."""
    return [
        {
            "speaker": "me",
            "text": "Where did I put the spare key for the bike lock?",
            "time": "2024-05-02T09:15:00Z",
            "conversation": "self-test",
        },
        {
            "speaker": "assistant",
            "text": f"In the blue tin on the top shelf; its tag says {token}.",
            "time": "2024-05-02T09:15:30Z",
            "conversation": "self-test",
        },
        {
            "speaker": "me",
            "text": "Thanks, and remind me to oil the chain on Saturday.",
            "time": "2024-05-02T09:16:00Z",
            "conversation": "self-test",
        },
    ]


def _step_import(ctx: _Context) -> str:
    lines = _transcript(ctx.token)
    path = ctx.root / "transcript.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = ctx.assistant.memories.import_file(path, "jsonl")
    if result.read != len(lines) or result.added != len(lines):
        raise StepFailed(f"expected {len(lines)} messages imported, got {result.added} of {result.read} read")
    return f"{result.added} chat messages imported"


def _step_search(ctx: _Context) -> str:
    hits = ctx.assistant.search.find(ctx.token, limit=5)
    if not hits:
        raise StepFailed("the imported message was not found")
    if ctx.token not in hits[0].text:
        raise StepFailed(f"the top hit ({hits[0].id}) is not the imported message")
    return f"found the imported message, {len(hits)} hit{'s' if len(hits) != 1 else ''}, top {hits[0].type}"


def _step_model(ctx: _Context) -> str:
    app = ctx.assistant
    started = time.monotonic()
    entry = app.models.install_test_model()
    installed = time.monotonic()
    model = app.models.chat_model()
    if model is None:
        raise StepFailed(f"{entry.name} was installed but is not the active chat model")
    loaded = time.monotonic()
    text = model.generate(GENERATION_PROMPT, max_tokens=GENERATION_TOKENS)
    generated = model.count_tokens(text) - model.count_tokens("")  # without the BOS marker
    if not text.strip() or generated < 1:
        raise StepFailed(f"{entry.name} loaded but generated no text")
    return (
        f"{entry.name} installed in {installed - started:.1f} s, loaded in {loaded - installed:.1f} s, "
        f"generated {generated} tokens in {time.monotonic() - loaded:.1f} s"
    )


def display_available() -> bool:
    """Whether a screen can be grabbed here. Windows and macOS sessions always have one."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _stored_frames(app: Assistant, start: datetime, end: datetime) -> list[RawEvent]:
    """The screen events the capture stored, read back through the timeline."""
    ids = [i for block in app.timeline.between(start, end).blocks if block.app != "chat" for i in block.event_ids]
    return [e for e in (app.memories.event(i) for i in ids) if e.kind == "screen"]


def _step_capture(ctx: _Context) -> str:
    app = ctx.assistant
    if not display_available():
        raise StepSkipped("no display")
    before = datetime.now(UTC) - timedelta(seconds=5)
    try:
        reported = app.capture.once()
    except CaptureUnavailable as exc:
        raise StepSkipped(str(exc)) from exc
    frames = _stored_frames(app, before, datetime.now(UTC) + timedelta(seconds=5))
    if not frames:
        if reported > 0:
            raise StepFailed(f"capture reported {reported} frame(s) but none is in the store")
        raise StepSkipped("nothing recorded: the active window is excluded or the screen is locked")
    statuses = sorted({str(e.meta.get("ocr", "not recorded")) for e in frames})
    words = sum(int(e.meta.get("words") or 0) for e in frames)
    ocr = ", ".join(statuses)
    if ctx.require_capture and statuses != ["ok"]:
        raise StepFailed(
            f"{len(frames)} frame(s) stored but OCR did not run ({ocr}); install tesseract "
            "or set capture.tesseract_path"
        )
    return f"{len(frames)} frame{'s' if len(frames) != 1 else ''} stored, OCR {ocr}, {words} words"


Step = tuple[str, Callable[[_Context], str]]
STEPS: tuple[Step, ...] = (
    ("store", _step_store),
    ("embedder", _step_embedder),
    ("import", _step_import),
    ("search", _step_search),
    ("model", _step_model),
    ("capture", _step_capture),
)
STEP_NAMES = tuple(name for name, _ in STEPS)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _run_steps(ctx: _Context, steps: Sequence[Step], report: Report) -> str | None:
    """Run until one fails; the failed step's name, or None when all passed or were allowed to skip."""
    for name, step in steps:
        started = time.monotonic()
        try:
            detail = step(ctx)
        except StepSkipped as exc:
            if ctx.require_capture and name == "capture":
                report(f"{name}: FAILED ({exc}; capture was required)")
                return name
            report(f"{name}: skipped ({exc})")
            continue
        except Exception as exc:  # every failure, expected or not, is reported as this step's
            # A failed check or an error the app explains speaks for itself; anything else names its type.
            kind = "" if isinstance(exc, StepFailed | AssistantError) else f"{type(exc).__name__}: "
            report(f"{name}: FAILED ({kind}{_reason(exc)})")
            return name
        report(f"{name}: ok ({detail}; {time.monotonic() - started:.1f} s)")
    return None


def run_self_test(report: Report, *, require_capture: bool = False, steps: Sequence[Step] = STEPS) -> int:
    """Check the install end to end; 0 when every step passed (capture may skip), else 1."""
    report(f"memory assistant {version_line()}, {runtime_line()}")
    with tempfile.TemporaryDirectory(prefix="assistant-self-test-") as tmp:
        ctx = _Context(root=Path(tmp), require_capture=require_capture)
        try:
            failed = _run_steps(ctx, steps, report)
        finally:
            if ctx.app is not None:
                ctx.app.close()
    if failed is not None:
        report(f"self-test FAILED at step: {failed}")
        return 1
    report("self-test passed")
    return 0


def print_line(line: str) -> None:
    """The report for a terminal: one line each, flushed so progress shows while a step runs."""
    print(line, flush=True)
