#!/usr/bin/env bash
# The scale-out test alone (tests/scale): throwaway PostgreSQL and Redis, two gunicorn
# servers and two Huey workers sharing one instance folder. `make test` runs it too.
# Usage: scripts/test-scale.sh [pytest args...]   (`make test-scale` installs everything first)
set -euo pipefail
cd "$(dirname "$0")/.."
JFW_SUITES=scale exec scripts/test.sh "$@"
