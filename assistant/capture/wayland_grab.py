"""Grabbing the screen on wlroots compositors (sway, river, Hyprland...) through `grim`.

grim speaks the wlr-screencopy protocol: no portal and no dialog, the compositor hands over the
pixels of one output or of the whole layout. It writes PPM to stdout here: uncompressed, so a
1080p grab costs a pipe copy rather than a PNG encode and decode. Nothing touches the disk.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from assistant.capture.frames import Frame
from assistant.capture.screen import MonitorChoice
from assistant.errors import CaptureUnavailable

if TYPE_CHECKING:
    from PIL import Image

    from assistant.capture.window_sway import Output

GRIM_TIMEOUT_SECONDS = 10.0
GRIM_MISSING = "wayland: grim is not installed (the wlroots screen reader: apt-get install grim)"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def frame_from_image(
    image: Image.Image,
    monitor: int,
    captured_at: datetime,
    left: int = 0,
    top: int = 0,
    layout_width: int | None = None,
) -> Frame:
    """A Frame (BGRA bytes) of a decoded screenshot placed at (left, top) of the layout."""
    rgba = image.convert("RGBA")
    scale = rgba.width / layout_width if layout_width else 1.0
    return Frame(monitor, rgba.width, rgba.height, rgba.tobytes("raw", "BGRA"), captured_at, left, top, scale)


def run_grim(grim: str, args: list[str], env: Mapping[str, str] | None = None) -> bytes:
    """grim's stdout for `args`; CaptureUnavailable with grim's own words when it fails."""
    try:
        done = subprocess.run(
            [grim, *args],
            capture_output=True,
            timeout=GRIM_TIMEOUT_SECONDS,
            env=None if env is None else dict(env),
            check=False,
        )
    except FileNotFoundError as exc:
        raise CaptureUnavailable(GRIM_MISSING) from exc
    except subprocess.TimeoutExpired as exc:
        raise CaptureUnavailable(f"wayland: grim did not answer within {GRIM_TIMEOUT_SECONDS:g} s") from exc
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CaptureUnavailable(f"wayland: grim cannot read the screen ({lines[-1] if lines else done.returncode})")
    return done.stdout


def screencopy_available(grim: str | None = None, env: Mapping[str, str] | None = None) -> bool:
    """True when grim is installed and the compositor lets it copy a pixel (it speaks wlr-screencopy)."""
    grim = grim or shutil.which("grim")
    if grim is None:
        return False
    try:
        return bool(run_grim(grim, ["-t", "ppm", "-g", "0,0 1x1", "-"], env))
    except CaptureUnavailable:
        return False


class GrimGrabber:
    """Grabber over grim. With `outputs` (the compositor's monitor list) each monitor is its own frame,
    placed in the layout for masking; without it the whole layout is one frame."""

    backend = "screencopy (grim)"

    def __init__(
        self,
        monitors: MonitorChoice = "primary",
        outputs: Callable[[], list[Output]] | None = None,
        grim: str | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        if monitors not in ("primary", "all"):
            raise ValueError(f"monitors must be 'primary' or 'all', not {monitors!r}")
        self._choice = monitors
        self._outputs = outputs
        self._grim = grim or shutil.which("grim") or "grim"
        self._clock = clock
        self._lock = threading.Lock()

    def _grab_one(self, args: list[str]) -> Image.Image:
        from PIL import Image, UnidentifiedImageError

        data = run_grim(self._grim, ["-t", "ppm", *args, "-"])
        try:
            return Image.open(io.BytesIO(data))
        except UnidentifiedImageError as exc:
            raise CaptureUnavailable("wayland: grim sent no image") from exc

    def grab(self) -> list[Frame]:
        with self._lock:
            outputs = self._outputs() if self._outputs is not None else []
            if not outputs:
                return [frame_from_image(self._grab_one([]), 1, self._clock())]
            if self._choice == "primary":
                primary = next((o for o in outputs if o.focused), outputs[0])
                chosen = [(outputs.index(primary) + 1, primary)]
            else:
                chosen = list(enumerate(outputs, start=1))
            frames = []
            for index, out in chosen:
                x, y, w, _ = out.rect
                frames.append(frame_from_image(self._grab_one(["-o", out.name]), index, self._clock(), x, y, w))
            return frames
