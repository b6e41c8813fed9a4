"""The Qt binding survives a day's worth of signals. PySide6 6.12.0 dropped a reference to True on every
Signal.emit, which aborts Python 3.11 after about 570 emits ("bool_dealloc"): the app died within minutes."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    fired = Signal(object)

app = QCoreApplication([])
emitter = Emitter()
seen = []
emitter.fired.connect(seen.append)
for i in range(5000):
    emitter.fired.emit(i)
print(len(seen))
"""


def test_five_thousand_signals_do_not_abort_the_interpreter() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "5000"
