"""Which build this is: the package version, plus the git commit and build time of an installed bundle.

The packaging scripts (`packaging/write_build_info.py`, run by every build script) write
`assistant/_build_info.py` just before PyInstaller runs and delete it afterwards, so only built bundles
carry it; a source checkout says "source checkout".
"""

from __future__ import annotations

import importlib
import platform
import sys
from dataclasses import dataclass

from assistant import __version__

GENERATED_MODULE = "assistant._build_info"


@dataclass(frozen=True)
class BuildInfo:
    version: str
    commit: str | None  # None in a source checkout; "" when the build was made outside git
    built_at: str | None  # ISO 8601, UTC
    frozen: bool  # running from a PyInstaller bundle

    def describe(self) -> str:
        """`0.1.0 (commit 1a2b3c4d5e6f, built 2025-01-31T12:00:00Z)` or `0.1.0 (source checkout)`."""
        if self.commit is None and self.built_at is None:
            return f"{self.version} (source checkout)"
        parts = [f"commit {self.commit}" if self.commit else "no git commit"]
        if self.built_at:
            parts.append(f"built {self.built_at}")
        return f"{self.version} ({', '.join(parts)})"


def build_info() -> BuildInfo:
    try:
        generated = importlib.import_module(GENERATED_MODULE)
    except ImportError:
        generated = None
    commit = getattr(generated, "COMMIT", None)
    built_at = getattr(generated, "BUILT_AT", None)
    return BuildInfo(
        version=__version__,
        commit=str(commit) if commit is not None else None,
        built_at=str(built_at) if built_at is not None else None,
        frozen=bool(getattr(sys, "frozen", False)),
    )


def version_line() -> str:
    """What `assistant --version` prints after the program name."""
    return build_info().describe()


def runtime_line() -> str:
    """One line about where this runs, for the self-test header and bug reports."""
    info = build_info()
    kind = "installed bundle" if info.frozen else "Python " + platform.python_version()
    return f"{kind} on {platform.system()} {platform.machine()}"
