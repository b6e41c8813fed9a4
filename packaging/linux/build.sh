#!/usr/bin/env bash
# Build the Linux release: the PyInstaller folder, a tarball with install.sh, and an AppImage when
# appimagetool is on PATH.
#
#   packaging/linux/build.sh [--dist DIR] [--work DIR]
#
# DIR defaults: dist/ and build/pyinstaller/ at the repository root. Produces
#   DIST/memory-assistant/                                   the app folder (assistant, assistant-ui, _internal/)
#   DIST/memory-assistant-VERSION-linux-ARCH.tar.gz         unpack, run ./install.sh (the tested artifact)
#   DIST/Memory_Assistant-VERSION-ARCH.AppImage              only with appimagetool
# PYTHON (default: the repository's .venv, else python3) must have the app and PyInstaller installed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIST=$ROOT/dist
WORK=$ROOT/build/pyinstaller
while [ $# -gt 0 ]; do
    case "$1" in
        --dist) DIST=$2; shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        *) echo "usage: packaging/linux/build.sh [--dist DIR] [--work DIR]" >&2; exit 2 ;;
    esac
done
mkdir -p "$DIST" "$WORK"
DIST=$(cd "$DIST" && pwd)
WORK=$(cd "$WORK" && pwd)
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON=$ROOT/.venv/bin/python; else PYTHON=python3; fi
fi

log() { printf '\033[1m[build]\033[0m %s\n' "$*"; }

"$PYTHON" -c "import PyInstaller" 2>/dev/null || {
    echo "build.sh: PyInstaller is missing: $PYTHON -m pip install 'pyinstaller==6.22.*'" >&2; exit 1; }
VERSION=$("$PYTHON" -c "import assistant; print(assistant.__version__)")
ARCH=$(uname -m)
NAME=memory-assistant-$VERSION-linux-$ARCH
started=$(date +%s)

log "PyInstaller: $NAME (the spec records the git commit in the bundle)"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" "$ROOT/packaging/pyinstaller/memory-assistant.spec"
APP=$DIST/memory-assistant
"$APP/assistant" --version >/dev/null || { echo "build.sh: the built app does not start" >&2; exit 1; }

log "tarball: $NAME.tar.gz"
STAGE=$WORK/stage/$NAME
rm -rf "$WORK/stage"
mkdir -p "$STAGE/icons"
cp -a "$APP" "$STAGE/app"
cp "$HERE/install.sh" "$STAGE/install.sh"
chmod 755 "$STAGE/install.sh"
cp "$HERE/memory-assistant.desktop" "$STAGE/"
printf '%s\n' "$VERSION" > "$STAGE/VERSION"
ICONS=$WORK/memory-assistant/icons  # rendered by the spec into its work dir
cp "$ICONS/memory-assistant.svg" "$STAGE/icons/"
for size in 16 22 24 32 48 64 128 256 512; do cp "$ICONS/memory-assistant-$size.png" "$STAGE/icons/"; done
tar -C "$WORK/stage" -czf "$DIST/$NAME.tar.gz" "$NAME"

if command -v appimagetool >/dev/null 2>&1; then
    log "AppImage"
    APPDIR=$WORK/AppDir
    rm -rf "$APPDIR"
    mkdir -p "$APPDIR/usr/lib"
    cp -a "$APP" "$APPDIR/usr/lib/memory-assistant"
    cp "$HERE/memory-assistant.desktop" "$APPDIR/memory-assistant.desktop"
    cp "$ICONS/memory-assistant-256.png" "$APPDIR/memory-assistant.png"
    ln -s memory-assistant.png "$APPDIR/.DirIcon"
    cat > "$APPDIR/AppRun" <<'APPRUN'
#!/bin/sh
# The desktop app by default; `--cli ARGS...` runs the `assistant` command instead.
HERE=$(dirname "$(readlink -f "$0")")
if [ "${1:-}" = "--cli" ]; then shift; exec "$HERE/usr/lib/memory-assistant/assistant" "$@"; fi
exec "$HERE/usr/lib/memory-assistant/assistant-ui" "$@"
APPRUN
    chmod 755 "$APPDIR/AppRun"
    ARCH=$ARCH appimagetool --no-appstream "$APPDIR" "$DIST/Memory_Assistant-$VERSION-$ARCH.AppImage"
else
    log "appimagetool not on PATH: no AppImage (the tarball is the release artifact)"
fi

log "done in $(( $(date +%s) - started )) s: $APP ($(du -sh "$APP" | cut -f1)), $DIST/$NAME.tar.gz ($(du -sh "$DIST/$NAME.tar.gz" | cut -f1))"
