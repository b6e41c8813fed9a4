#!/usr/bin/env bash
# Build the macOS release: Memory Assistant.app (PyInstaller BUNDLE) and a DMG to drag it from.
#
#   packaging/macos/build.sh [--dist DIR] [--work DIR]
#
# Produces DIST/Memory Assistant.app (the desktop app; the `assistant` command is
# Contents/MacOS/assistant) and DIST/memory-assistant-VERSION-macos-ARCH.dmg. Build on the
# architecture you ship (arm64 or x86_64): PyInstaller does not cross-compile.
# Set CODESIGN_IDENTITY to sign with a Developer ID (notarization is a separate step, see README).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIST=$ROOT/dist
WORK=$ROOT/build/pyinstaller
while [ $# -gt 0 ]; do
    case "$1" in
        --dist) DIST=$2; shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        *) echo "usage: packaging/macos/build.sh [--dist DIR] [--work DIR]" >&2; exit 2 ;;
    esac
done
mkdir -p "$DIST" "$WORK"
DIST=$(cd "$DIST" && pwd)
WORK=$(cd "$WORK" && pwd)
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON=$ROOT/.venv/bin/python; else PYTHON=python3; fi
fi

log() { printf '\033[1m[build]\033[0m %s\n' "$*"; }

[ "$(uname -s)" = Darwin ] || { echo "build.sh: build the macOS app on macOS (hdiutil, codesign)" >&2; exit 1; }
"$PYTHON" -c "import PyInstaller" 2>/dev/null || {
    echo "build.sh: PyInstaller is missing: $PYTHON -m pip install 'pyinstaller==6.22.*'" >&2; exit 1; }
VERSION=$("$PYTHON" -c "import assistant; print(assistant.__version__)")
ARCH=$(uname -m)
started=$(date +%s)

log "PyInstaller: Memory Assistant.app $VERSION ($ARCH)"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" "$ROOT/packaging/pyinstaller/memory-assistant.spec"
APP="$DIST/Memory Assistant.app"
"$APP/Contents/MacOS/assistant" --version >/dev/null || { echo "build.sh: the built app does not start" >&2; exit 1; }

log "DMG"
DMG=$DIST/memory-assistant-$VERSION-macos-$ARCH.dmg
STAGE=$WORK/dmg
rm -rf "$STAGE" "$DMG"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "Memory Assistant $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"

log "done in $(( $(date +%s) - started )) s: $APP, $DMG"
