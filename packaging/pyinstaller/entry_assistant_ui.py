"""Frozen entry point of the desktop app `assistant-ui` (the GUI script `ui.app:main`)."""

import multiprocessing
import sys

from ui.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
