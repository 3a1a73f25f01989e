#!/usr/bin/env bash
# Run the whole pytest suite twice, on SQLite and on PostgreSQL side by side, with a Redis
# server for both. PostgreSQL and Redis are throwaway servers on free loopback ports, in a
# temporary folder that is removed afterwards whatever happens.
# Then the static checks (bandit, pip-audit) and the scale-out test (two app servers, two
# workers: tests/scale) on the same servers; JFW_SUITES picks steps (`make test-scale`: scale).
# Usage: scripts/test.sh [pytest args...]   (`make test` installs everything first)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
work=$(mktemp -d /tmp/jfw-test.XXXXXX)
# The postgres user must be able to reach its data directory inside.
chmod 711 "$work"
redis_pid=""
pg_data=""

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# As root, PostgreSQL must run as another user: the one Debian's package creates.
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
    if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
        as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ -n "$redis_pid" ]; then
        kill "$redis_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_redis() {
    redis_port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
        --daemonize yes --dir "$work" --pidfile "$work/redis.pid" --logfile "$work/redis.log"
    for _ in $(seq 100); do
        redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    redis_pid=$(cat "$work/redis.pid")
    redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null || { cat "$work/redis.log" >&2; exit 1; }
}

start_postgres() {
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$pg_bin" ]; then
        echo "test: no PostgreSQL server under /usr/lib/postgresql (make install-test)" >&2
        exit 1
    fi
    pg_port=$(free_port)
    local root="$work/pg"
    mkdir -p "$root"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$root"
    chmod 700 "$root"
    pg_data="$root/data"
    as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth=trust --no-sync >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
    # Trust, but only over loopback and the private socket directory.
    printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' >"$pg_data/pg_hba.conf"
    # A throwaway cluster: durability buys nothing here.
    cat >>"$pg_data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$root'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -l "$root/server.log" -w -t 60 start >/dev/null ||
        { cat "$root/server.log" >&2; exit 1; }
}

failed=()
timings=()
# timed NAME COMMAND...: run it and keep how long it took, for the summary at the end.
timed() {
    local name=$1; shift
    local start=$SECONDS
    "$@"
    timings+=("$name $((SECONDS - start)) s")
}

run_suite() {
    local name=$1; shift
    echo
    echo "=== pytest on $name ==="
    local status=0
    env "$@" "$PY" -m pytest --junitxml="$work/$name.xml" --ignore=tests/scale "${pytest_args[@]}" || status=$?
    # Any non-zero exit fails, 5 ("no tests collected") included.
    [ "$status" -eq 0 ] || failed+=("$name (pytest exit $status)")
}

# Bandit fails on high-severity findings. pip-audit fails on a known vulnerability; when its
# vulnerability service cannot be reached (a closed network) it says so and does not fail.
run_checks() {
    echo
    echo "=== bandit (high severity) ==="
    .venv/bin/bandit -q -r training --severity-level high || failed+=("bandit")
    echo "=== pip-audit (requirements.txt) ==="
    local report="$work/pip-audit.json" status=0
    .venv/bin/pip-audit -r requirements.txt --format json --progress-spinner off >"$report" 2>"$work/pip-audit.log" ||
        status=$?
    "$PY" - "$report" "$status" <<'PYCODE' || failed+=("pip-audit")
import json, sys
try:
    deps = json.load(open(sys.argv[1]))["dependencies"]
except (OSError, ValueError, KeyError):
    print("pip-audit: NOT RUN, its vulnerability service could not be reached (closed network?); not failing for that")
    sys.exit(0)
vulnerable = [f"{d['name']} {d['version']}: {', '.join(v['id'] for v in d['vulns'])}" for d in deps if d.get("vulns")]
skipped = [d["name"] for d in deps if d.get("skip_reason")]
for line in vulnerable:
    print("pip-audit: VULNERABLE", line)
if skipped and len(skipped) == len(deps):
    print(f"pip-audit: NOT AUDITED, the vulnerability service could not be reached for any of {len(deps)} packages "
          "(closed network?); not failing for that")
elif skipped:
    print(f"pip-audit: {len(deps) - len(skipped)} packages audited, {len(skipped)} could not be: {', '.join(skipped)}")
if not vulnerable and len(skipped) < len(deps):
    print(f"pip-audit: no known vulnerability in {len(deps) - len(skipped)} packages")
sys.exit(1 if vulnerable else 0)
PYCODE
}

pytest_args=("$@")
suites=${JFW_SUITES:-"checks sqlite postgresql scale"}
start_redis
start_postgres
redis_url="redis://127.0.0.1:$redis_port/0"
pg_url="postgresql+psycopg://postgres@127.0.0.1:$pg_port/postgres"
reports=()

case " $suites " in *" checks "*) timed checks run_checks ;; esac
# The two suites run side by side, one core each (most of a test is Python in the pytest process),
# each printing to its own log, shown whole when both are done; each has its own Redis database,
# since tests flush their queue and counters there.
suite_pids=()
suite_names=()
in_background() {
    local name=$1; shift
    suite_names+=("$name")
    ( local start=$SECONDS; run_suite "$@"; echo $((SECONDS - start)) >"$work/$name.seconds"; [ ${#failed[@]} -eq 0 ] ) \
        >"$work/$name.log" 2>&1 &
    suite_pids+=("$!")
    reports+=("$work/$name.xml")
}
case " $suites " in *" sqlite "*)
    in_background sqlite sqlite -u JFW_TEST_DB -u JFW_TEST_POSTGRES_URL JFW_TEST_REDIS_URL="${redis_url%/0}/1" ;;
esac
case " $suites " in *" postgresql "*)
    in_background postgresql postgresql JFW_TEST_REDIS_URL="$redis_url" JFW_TEST_DB=postgresql JFW_TEST_POSTGRES_URL="$pg_url" ;;
esac
for i in "${!suite_pids[@]}"; do
    status=0
    wait "${suite_pids[$i]}" || status=$?
    cat "$work/${suite_names[$i]}.log"
    [ "$status" -eq 0 ] || failed+=("${suite_names[$i]} (pytest exit $status)")
    timings+=("${suite_names[$i]} $(cat "$work/${suite_names[$i]}.seconds" 2>/dev/null || echo '?') s")
done
# The scale-out test with a full run only: `make test PYTEST_ARGS=-k…` is for picking tests.
case " $suites " in *" scale "*)
    if [ ${#pytest_args[@]} -eq 0 ] || [ "${JFW_SUITES:-}" = scale ]; then
        echo
        echo "=== scale-out: two gunicorn servers, two workers, PostgreSQL, Redis ==="
        status=0 scale_start=$SECONDS
        JFW_SCALE=1 JFW_TEST_DB=postgresql JFW_TEST_REDIS_URL="$redis_url" JFW_TEST_POSTGRES_URL="$pg_url" \
            "$PY" -m pytest --junitxml="$work/scale.xml" tests/scale "${pytest_args[@]}" || status=$?
        [ "$status" -eq 0 ] || failed+=("scale (pytest exit $status)")
        reports+=("$work/scale.xml")
        timings+=("scale $((SECONDS - scale_start)) s")
    fi ;;
esac

echo
[ ${#timings[@]} -eq 0 ] || echo "test: time taken: $(IFS=,; echo "${timings[*]}" | sed 's/,/, /g')"
[ ${#failed[@]} -eq 0 ] || echo "test: FAILED: ${failed[*]}"
# The last line sums the runs, in the form CI dashboards read.
"$PY" scripts/junit_total.py "${reports[@]}"
[ ${#failed[@]} -eq 0 ]
