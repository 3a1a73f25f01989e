#!/usr/bin/env bash
# Migrate, load the demo data, then serve http://127.0.0.1:$PORT with gunicorn
# beside a Huey worker. Ctrl-C (or SIGTERM) stops both. `make run` installs first.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-5000}
# Certificates (issued by the worker, and by seed-demo) print this address in their QR codes:
# the one served here, unless the deployment names its public one.
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}
# Tests run the script with their own virtualenv's programs.
BIN=${JFW_BIN:-.venv/bin}

"$BIN/flask" --app app db upgrade
"$BIN/flask" --app app seed-demo

pids=()
stop() {
    trap - INT TERM EXIT
    [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
    wait
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

"$BIN/gunicorn" -b "127.0.0.1:$PORT" -w 2 app:app &
pids+=($!)
# One worker thread: a job's certificates are laid out by its render pool, on every core.
"$BIN/huey_consumer" training.jobs.worker.huey -k thread -w 1 &
pids+=($!)
echo "Jinfanwan: http://127.0.0.1:$PORT (Ctrl-C stops the server and the worker)"

# Either one ending (say, the port is taken) ends both.
status=0
wait -n || status=$?
echo "run: a process stopped (exit $status); stopping the other" >&2
exit "$status"
