"""A private X server (Xvfb) for evaluations, benchmarks and tests.

`Xvfb` picks a free display itself (`-displayfd`), so parallel runs never race for a number.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time

XVFB_MISSING = "Xvfb not installed (Linux only)"


class XvfbServer:
    """One Xvfb process; `display` is its DISPLAY string (":N"). Raises FileNotFoundError without Xvfb."""

    def __init__(self, width: int = 1920, height: int = 1080) -> None:
        xvfb = shutil.which("Xvfb")
        if xvfb is None:
            raise FileNotFoundError(XVFB_MISSING)
        read_fd, write_fd = os.pipe()
        self.proc = subprocess.Popen(
            [xvfb, "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        try:
            number = _read_display_number(read_fd, self.proc, timeout=15.0)
        except BaseException:
            self.close()
            raise
        finally:
            os.close(read_fd)
        self.display = f":{number}"

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _read_display_number(fd: int, proc: subprocess.Popen[bytes], timeout: float) -> int:
    # Xvfb writes the number only once it accepts connections, so no polling of the socket is needed.
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or proc.poll() is not None:
            raise RuntimeError("Xvfb did not start")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 64)
            if not chunk:
                raise RuntimeError("Xvfb closed its display fd before it was ready")
            data += chunk
    return int(data.strip())
