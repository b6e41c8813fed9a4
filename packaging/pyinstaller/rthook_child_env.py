"""PyInstaller runtime hook: programs this app starts get the user's library path, not the bundle's.

On Linux the bootloader prepends the bundle's folder to LD_LIBRARY_PATH (keeping the user's value in
LD_LIBRARY_PATH_ORIG). The dynamic loader of this process has read it already, so restoring it here only
changes what child processes see: tesseract then loads the system's libraries instead of the bundle's
copies (a newer or older libstdc++, libpng... would break it).
"""

import os
import sys

if sys.platform.startswith(("linux", "freebsd")) and getattr(sys, "frozen", False):
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original:
        os.environ["LD_LIBRARY_PATH"] = original
    else:
        os.environ.pop("LD_LIBRARY_PATH", None)
