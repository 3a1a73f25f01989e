#!/usr/bin/env bash
# Create .venv if needed and install a requirements file into it.
# Usage: scripts/install-python.sh requirements.txt [more.txt ...]
# pip runs only when .venv/.installed-<hash of the file and the files it -r includes>
# is missing, so an unchanged requirements file costs nothing on the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv

# The file plus every file it pulls in with -r, one level deep (all we use).
included_files() {
    echo "$1"
    sed -n 's/^[[:space:]]*-r[[:space:]]*\([^[:space:]]*\).*/\1/p' "$1" |
        while read -r name; do echo "$(dirname "$1")/$name"; done
}

stamp_for() {
    local hash
    hash=$(included_files "$1" | xargs cat | sha256sum | cut -c1-16)
    echo "$VENV/.installed-$hash"
}

venv_works() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import pip' 2>/dev/null
}

make_venv() {
    if ! command -v "$PYTHON" >/dev/null; then
        scripts/install-system.sh python3 python3-venv python3-dev
    fi
    rm -rf "$VENV"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        # Debian's python3 ships venv without ensurepip; python3-venv adds it.
        rm -rf "$VENV"
        scripts/install-system.sh python3-venv python3-dev
        "$PYTHON" -m venv "$VENV"
    fi
}

venv_works || make_venv

for requirements in "$@"; do
    stamp=$(stamp_for "$requirements")
    [ -e "$stamp" ] && continue
    echo "install-python: pip install -r $requirements"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q --progress-bar off \
        -r "$requirements"
    # Installing a file also installs what it includes: mark those current too.
    while read -r file; do touch "$(stamp_for "$file")"; done < <(included_files "$requirements")
done
