"""A Qt window in a child process, shown on a test X server as the desktop app shows its own windows.

Run as a script with JSON args ({"text", "title", "geometry"}): it prints its window id once drawn
and closes when stdin closes. `QtTextWindow` starts it and reads the id.
"""

from __future__ import annotations

import json
import os
import select
import sys
from typing import Any

from tests.procs import spawn_helper
from tests.xdisplay import close_window_process


class QtTextWindow:
    def __init__(self, display: str, text: str, title: str, geometry: tuple[int, int, int, int]) -> None:
        args = {"text": text, "title": title, "geometry": list(geometry)}
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        self.proc = spawn_helper(__file__, args, env)
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline() if ready else ""
        if not line.strip():
            self.close()
            raise RuntimeError("the Qt test window did not come up")
        self.window_id = int(line)

    def close(self) -> None:
        close_window_process(self.proc, timeout=10)

    def __enter__(self) -> QtTextWindow:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _main(args: dict[str, Any]) -> None:
    from PySide6.QtCore import QSocketNotifier, QTimer
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication([sys.argv[0]])
    label = QLabel(str(args["text"]))
    label.setWindowTitle(str(args["title"]))
    label.setFont(QFont("DejaVu Sans", 40))
    label.setStyleSheet("background: white; color: black; padding: 30px")
    x, y, w, h = (int(v) for v in args["geometry"])
    label.setGeometry(x, y, w, h)
    label.show()
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(app.quit)  # stdin closed (or written): done

    def announce() -> None:
        app.sync()
        print(int(label.winId()), flush=True)

    QTimer.singleShot(500, announce)  # once mapped and painted
    app.exec()


if __name__ == "__main__":
    _main(json.loads(sys.argv[1]))
