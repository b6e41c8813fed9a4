"""Helper for the kill -9 test of the model backlog: opens the store and reads the backlog with a fake
model that says `in call N` on stdout and, at call `hang_at`, never returns (the test kills it there).

    python tests/robustness/backlog_worker.py '{"data_dir": "...", "hang_at": 2}'
"""

from __future__ import annotations

import json
import os
import sys
import threading

os.environ.setdefault("ASSISTANT_TESTING", "1")

from assistant.api import Assistant
from tests.conftest import PASSPHRASE
from tests.fakes.episode_model import EpisodeModel
from tests.unit.test_model_backlog import FACT, with_model


def main() -> None:
    args = json.loads(sys.argv[1])
    app = Assistant(args["data_dir"])
    app.unlock(PASSPHRASE)
    model = with_model(app, EpisodeModel(FACT))
    calls = {"n": 0}

    def say() -> None:
        calls["n"] += 1
        print(f"in call {calls['n']}", flush=True)
        if calls["n"] == args["hang_at"]:
            threading.Event().wait()  # until killed

    model.during_call = say
    app.consolidation.run()
    print("done", flush=True)


if __name__ == "__main__":
    main()
