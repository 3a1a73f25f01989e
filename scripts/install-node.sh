#!/usr/bin/env bash
# Node packages the browser tests inject into pages, pinned, into .node/ (ignored by git):
# axe-core, the accessibility checker (tests/support/browser.py reads it from there; nothing is
# fetched while tests run). npm comes from Debian when the machine has none.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION=4.10.3
installed=.node/node_modules/axe-core/package.json
if [ -f "$installed" ] && grep -q "\"version\": \"$AXE_VERSION\"" "$installed"; then
    exit 0
fi
command -v npm >/dev/null || scripts/install-system.sh npm
npm install --prefix .node --no-save --no-package-lock --no-audit --no-fund --ignore-scripts "axe-core@$AXE_VERSION"
