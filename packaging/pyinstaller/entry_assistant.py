"""Frozen entry point of the `assistant` command (the console script `assistant.cli:main`)."""

import multiprocessing
import sys

from assistant.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
