"""Showing a benchmark screen on an X display as an app would: a full-screen top-level window with the
app's title, WM_CLASS and pid, holding the screen's image.

The window belongs to a child process (`python -m assistant.eval.screen_window`): capture never reads
windows of its own process (assistant/capture/own_windows.py), and a real app is another process too.
The child reads one JSON request per line on stdin ({"image", "title", "wm_class"}), maps a NEW window
for each (the capture probe caches WM_CLASS per window id, as a window's class never changes), closes
the previous one, and answers with the new window's id once the X server has its pixels.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
from typing import IO, Any

from assistant.errors import CaptureUnavailable


class ScreenWindow:
    """The parent's handle on the child process that shows the screens on `display`."""

    def __init__(self, display: str, timeout: float = 30.0) -> None:
        self.timeout, self.display = timeout, display
        env = {**os.environ, "DISPLAY": display}
        env.pop("WAYLAND_DISPLAY", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.eval.screen_window"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )

    def show(self, image: str, title: str, wm_class: str) -> int:
        """Show `image` (a PNG path) full screen under `title`; returns the window id once drawn."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps({"image": image, "title": title, "wm_class": wm_class}) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise CaptureUnavailable("the screen window process ended (is the X display still there?)") from None
        ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line.strip().isdigit():
            raise CaptureUnavailable(
                f"the screen window did not come up on the X display {self.display} ({line.strip() or 'no answer'})"
            )
        return int(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                assert self.proc.stdin is not None
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> ScreenWindow:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(requests: IO[str], out: IO[str]) -> None:
    from PIL import Image
    from Xlib import X, Xatom, display

    d = display.Display()
    screen = d.screen()
    # Nobody types on this display: no screen saver may blank it between two screens.
    d.set_screen_saver(0, 0, X.DefaultBlanking, X.DefaultExposures)
    width, height = screen.width_in_pixels, screen.height_in_pixels
    shown: Any = None
    for line in requests:
        request = json.loads(line)
        image = Image.open(request["image"]).convert("RGB")
        if image.size != (width, height):
            image = image.resize((width, height))
        win = screen.root.create_window(
            0,
            0,
            width,
            height,
            0,
            screen.root_depth,
            X.InputOutput,
            X.CopyFromParent,
            background_pixel=screen.white_pixel,
            event_mask=X.StructureNotifyMask,
        )
        title = request["title"]
        win.change_property(Xatom.WM_NAME, Xatom.STRING, 8, title.encode("latin-1", "replace"))
        win.change_property(d.intern_atom("_NET_WM_NAME"), d.intern_atom("UTF8_STRING"), 8, title.encode())
        wm_class = request["wm_class"]
        win.set_wm_class(wm_class.lower(), wm_class)
        win.change_property(d.intern_atom("_NET_WM_PID"), Xatom.CARDINAL, 32, [os.getpid()])
        gc = win.create_gc(foreground=screen.black_pixel, background=screen.white_pixel)
        win.map()
        while d.next_event().type != X.MapNotify:  # drawing before the window is mapped is lost
            pass
        win.put_pil_image(gc, 0, 0, image)
        win.set_input_focus(X.RevertToParent, X.CurrentTime)
        if shown is not None:
            shown.destroy()
        shown = win
        d.sync()
        print(win.id, file=out, flush=True)


if __name__ == "__main__":
    _serve(sys.stdin, sys.stdout)
