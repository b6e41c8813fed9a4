"""Run the desktop app (offscreen) for an hour of simulated use under a low descriptor limit, and print
how many descriptors it held along the way, as one JSON object. test_descriptors.py runs this in a
subprocess, so the lowered limit and the app's threads stay out of the test process.

usage: QT_QPA_PLATFORM=offscreen python tests/ui/soak_app.py DATA_DIR PASSPHRASE POLLS (repo root on PYTHONPATH)
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from typing import Any

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from assistant.api import Assistant
from ui.app import Desktop
from ui.session import Session

FD_LIMIT = 256


def descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def run(data_dir: str, passphrase: str, polls: int) -> dict[str, Any]:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(FD_LIMIT, hard), hard))
    app = QApplication([sys.argv[0]])
    assistant = Assistant(data_dir)
    assistant.unlock(passphrase)
    # The app polls every 2 s; here every 5 ms, and pool threads retire after 5 ms idle instead of 30 s,
    # so threads come and go as they would over hours.
    session = Session(assistant, poll_ms=5)
    for pool in session.tasks.findChildren(QThreadPool):
        pool.setExpiryTimeout(5)
    desktop = Desktop(session, use_tray=False, use_hotkey=False)
    desktop.window.show()
    session.start_polling()
    samples: list[int] = []
    searches: list[int] = []
    done = 0
    step = max(1, polls // 20)
    while done < polls:
        app.processEvents()
        time.sleep(0.005)
        done += 1
        if done % step == 0:
            handle = session.run(assistant.search.find, "harbour ferry", name="search")
            while not handle.finished:
                app.processEvents()
                time.sleep(0.002)
            searches.append(len(handle.value or []))
            samples.append(descriptors())
    session.shutdown()
    desktop.window.close()
    assistant.close()
    return {"samples": samples, "searches": searches, "limit": FD_LIMIT}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
