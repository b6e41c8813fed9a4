"""A private X server for tests and benchmarks (the Xvfb helper lives in assistant/eval/xserver.py, which
`assistant eval screens` uses too), and a real X window that shows text.

The text window is a separate X client (this file run as a script): it draws with Pillow's bundled font through
python-xlib, so it needs no X core fonts, Tk or toolkit, only Xvfb, which a fresh machine may lack of
the rest. Run as a script it reads JSON lines on stdin ({"text": ...}) and acks each redraw on stdout.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import IO, Any

import pytest

from assistant.eval.xserver import XVFB_MISSING, XvfbServer
from tests.procs import spawn_helper

__all__ = ["XVFB_MISSING", "TextWindow", "XvfbServer", "close_window_process", "xvfb_display"]


@pytest.fixture
def xvfb_display(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh 1920x1080 Xvfb; DISPLAY points at it (and away from any Wayland session) for the test."""
    if shutil.which("Xvfb") is None:
        pytest.skip(XVFB_MISSING)
    server = XvfbServer()
    monkeypatch.setenv("DISPLAY", server.display)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    try:
        yield server.display
    finally:
        server.close()


class TextWindow:
    """A real top-level X window showing `text`, with a known title and WM_CLASS, focused on request."""

    def __init__(
        self,
        display: str,
        text: str,
        title: str,
        wm_class: str = "memtest",
        geometry: tuple[int, int, int, int] = (100, 100, 1400, 500),
        focus: bool = True,
        font_size: int = 56,
        override_redirect: bool = False,  # a menu or tooltip: no window manager handles it
    ) -> None:
        args = {
            "override_redirect": override_redirect,
            "text": text,
            "title": title,
            "wm_class": wm_class,
            "geometry": list(geometry),
            "focus": focus,
            "font_size": font_size,
        }
        env = {**os.environ, "DISPLAY": display}
        self.proc = spawn_helper(__file__, args, env)
        self.window_id = int(self._ack())

    def _ack(self) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 20)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.close()
            raise RuntimeError("the test window did not come up")
        return line.strip()

    def set_text(self, text: str) -> None:
        """Redraw with new text; returns once the X server has the new pixels."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"text": text}) + "\n")
        self.proc.stdin.flush()
        self._ack()

    def close(self) -> None:
        close_window_process(self.proc)

    def __enter__(self) -> TextWindow:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def close_window_process(proc: subprocess.Popen[str], timeout: float = 5) -> None:
    """End a window child process: closing its stdin tells it to quit; kill it if it does not."""
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            assert proc.stdin is not None
            proc.stdin.close()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


@pytest.fixture
def needs_tesseract() -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract-ocr not installed (scripts/setup.sh installs it on Debian/Ubuntu)")


def _render(text: str, size: tuple[int, int], font_size: int) -> Any:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", size, "white")
    font = ImageFont.load_default(size=font_size)
    ImageDraw.Draw(image).multiline_text((30, 30), text, fill="black", font=font, spacing=font_size // 3)
    return image


def _window_main(args: dict[str, Any], out: IO[str]) -> None:
    from Xlib import X, Xatom, display

    d = display.Display()
    screen = d.screen()
    x, y, w, h = args["geometry"]
    win = screen.root.create_window(
        x,
        y,
        w,
        h,
        0,
        screen.root_depth,
        X.InputOutput,
        X.CopyFromParent,
        background_pixel=screen.white_pixel,
        event_mask=X.ExposureMask | X.StructureNotifyMask,
        override_redirect=bool(args.get("override_redirect")),
    )
    title = args["title"]
    # WM_NAME is Latin-1 by definition; the exact UTF-8 title goes in _NET_WM_NAME, as toolkits do.
    win.change_property(Xatom.WM_NAME, Xatom.STRING, 8, title.encode("latin-1", "replace"))
    win.change_property(d.intern_atom("_NET_WM_NAME"), d.intern_atom("UTF8_STRING"), 8, title.encode())
    win.set_wm_class(args["wm_class"], args["wm_class"].capitalize())
    win.change_property(d.intern_atom("_NET_WM_PID"), Xatom.CARDINAL, 32, [os.getpid()])
    gc = win.create_gc(foreground=screen.black_pixel, background=screen.white_pixel)
    win.map()
    image = _render(args["text"], (w, h), args["font_size"])
    while True:  # wait until mapped: drawing before that is lost
        if d.next_event().type == X.MapNotify:
            break
    win.put_pil_image(gc, 0, 0, image)
    if args["focus"]:
        win.set_input_focus(X.RevertToParent, X.CurrentTime)
    d.sync()
    print(win.id, file=out, flush=True)
    fd = d.fileno()
    while True:
        ready, _, _ = select.select([sys.stdin, fd], [], [])
        while d.pending_events():
            if d.next_event().type == X.Expose:
                win.put_pil_image(gc, 0, 0, image)
        if sys.stdin in ready:
            line = sys.stdin.readline()
            if not line:
                return
            image = _render(json.loads(line)["text"], (w, h), args["font_size"])
            win.put_pil_image(gc, 0, 0, image)
            d.sync()
            print("drawn", file=out, flush=True)


if __name__ == "__main__":
    _window_main(json.loads(sys.argv[1]), sys.stdout)
