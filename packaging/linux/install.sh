#!/bin/sh
# Install Memory Assistant for this user, from the unpacked tarball (no root needed):
#
#   ./install.sh              copy the app to ~/.local/opt/memory-assistant, put `assistant`,
#                             `assistant-ui` and `memory-assistant-ui` in ~/.local/bin, and add the
#                             menu entry and icon under ~/.local/share
#   ./install.sh --uninstall  remove all of that again (your memory store is never touched)
#
# MEMORY_ASSISTANT_PREFIX (default ~/.local) moves the whole install. Tesseract is not bundled:
# install it with your package manager (Debian/Ubuntu: sudo apt install tesseract-ocr).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${MEMORY_ASSISTANT_PREFIX:-$HOME/.local}
APP_DIR=$PREFIX/opt/memory-assistant
BIN_DIR=$PREFIX/bin
SHARE=${MEMORY_ASSISTANT_PREFIX:+$PREFIX/share}
SHARE=${SHARE:-${XDG_DATA_HOME:-$HOME/.local/share}}
DESKTOP_FILE=$SHARE/applications/memory-assistant.desktop
ICONS=$SHARE/icons/hicolor
LINKS="assistant:assistant assistant-ui:assistant-ui memory-assistant-ui:assistant-ui"

say() { printf '%s\n' "$*"; }

refresh_caches() {
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$SHARE/applications" || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$ICONS" || true
}

remove_links() {
    for pair in $LINKS; do
        link=$BIN_DIR/${pair%%:*}
        # only our own links: a same-named program installed by something else stays
        if [ -L "$link" ] && [ "$(readlink "$link")" = "$APP_DIR/${pair#*:}" ]; then rm -f "$link"; fi
    done
}

uninstall() {
    remove_links
    rm -rf "$APP_DIR"
    rm -f "$DESKTOP_FILE" "$ICONS/scalable/apps/memory-assistant.svg"
    for png in "$ICONS"/*/apps/memory-assistant.png; do [ -e "$png" ] && rm -f "$png"; done
    refresh_caches
    say "Memory Assistant removed. Your memory store (see \`assistant status\`) was left in place."
}

install_app() {
    [ -x "$HERE/app/assistant-ui" ] || { say "install.sh: run me from the unpacked tarball (no app/ here)" >&2; exit 1; }
    mkdir -p "$PREFIX/opt" "$BIN_DIR" "$SHARE/applications" "$ICONS/scalable/apps"
    # Copy beside the old version, then swap, so an interrupted install leaves a working app.
    rm -rf "$APP_DIR.new" "$APP_DIR.old"
    cp -R "$HERE/app" "$APP_DIR.new"
    [ -d "$APP_DIR" ] && mv "$APP_DIR" "$APP_DIR.old"
    mv "$APP_DIR.new" "$APP_DIR"
    rm -rf "$APP_DIR.old"

    for pair in $LINKS; do
        link=$BIN_DIR/${pair%%:*}
        target=$APP_DIR/${pair#*:}
        if [ -e "$link" ] && [ ! -L "$link" ]; then
            say "install.sh: $link exists and is not ours; left it alone (run $target instead)" >&2
            continue
        fi
        ln -sfn "$target" "$link"
    done

    # The menu entry names the installed program by its full path: a desktop session's PATH may
    # not include ~/.local/bin.
    sed -e "s|^Exec=memory-assistant-ui|Exec=$APP_DIR/assistant-ui|" \
        -e "s|^TryExec=memory-assistant-ui|TryExec=$APP_DIR/assistant-ui|" \
        "$HERE/memory-assistant.desktop" > "$DESKTOP_FILE"
    chmod 644 "$DESKTOP_FILE"
    cp "$HERE/icons/memory-assistant.svg" "$ICONS/scalable/apps/memory-assistant.svg"
    for png in "$HERE"/icons/memory-assistant-*.png; do
        size=${png##*-}; size=${size%.png}
        mkdir -p "$ICONS/${size}x${size}/apps"
        cp "$png" "$ICONS/${size}x${size}/apps/memory-assistant.png"
    done
    refresh_caches

    say "Installed Memory Assistant $(cat "$HERE/VERSION") in $APP_DIR"
    say "  menu entry: $DESKTOP_FILE"
    say "  commands:   $BIN_DIR/assistant-ui (desktop app), $BIN_DIR/assistant (command line)"
    case ":$PATH:" in *":$BIN_DIR:"*) ;; *) say "  note: $BIN_DIR is not on your PATH";; esac
    command -v tesseract >/dev/null 2>&1 || \
        say "  note: tesseract is not installed; screen text needs it (sudo apt install tesseract-ocr)"
    say "Check the install with: $APP_DIR/assistant self-test"
}

case "${1:-}" in
    "") install_app ;;
    --uninstall) uninstall ;;
    *) say "usage: install.sh [--uninstall]" >&2; exit 2 ;;
esac
