#!/usr/bin/env bash
# Install the named Debian packages that are not installed yet.
# apt-get runs (update included) only when something is missing, so a second
# `make run` or `make test` costs one dpkg-query.
set -euo pipefail

missing=()
for package in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        echo "install-system: not root and no sudo; please install: ${missing[*]}" >&2
        exit 1
    fi
fi

echo "install-system: installing ${missing[*]}"
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
