"""Load test: 200 simulated people against gunicorn (2 workers) on PostgreSQL for 2 minutes,
then the same mix against a bare WSGI app under the same gunicorn, as the ceiling.

    .venv/bin/python bench/load.py [--database-url postgresql+psycopg://postgres@127.0.0.1:PORT/postgres]
                                   [--users 200] [--duration 120] [--workers 2] [--trainees 20000]

Without --database-url it starts a throwaway PostgreSQL cluster of its own (as root, through
the postgres user), like scripts/test.sh. It seeds the bench data set into a new database,
issues a finished cohort's certificates, gives every running class of the trainers it uses a
session open for marking, then runs bench/locustfile.py headless: trainees read /me (50 %),
the public verifies a certificate by its QR link (40 %), trainers load and save a roster
(10 %), each person thinking 1–3 s between requests. Statistics are reset once everybody has
signed in, so sign-ins are not in the figures. Loopback only; bounded in time; everything it
made is removed at the end.

Prints requests per second, p50 / p95 / p99 latency and the error count per request kind and
in all. Targets: zero errors, p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402  (must come before anything imports training)
from tests.support import postgres  # noqa: E402  (after the path is set)
from tests.support.servers import free_port, wait_healthy  # noqa: E402  (after the path is set)

BIN = Path(sys.executable).parent
WEIGHTS = [50, 10, 40]  # trainee, trainer, public
TARGET_P95_MS = 200


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (a new database is made there and dropped)")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=int, default=120, help="seconds of measured load (default 120)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--trainees", type=int, default=20_000, help="bench trainees to seed (default 20000)")
    parser.add_argument("--skip-hello", action="store_true", help="do not measure the bare WSGI ceiling")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        server = args.database_url or stack.enter_context(throwaway_postgres())
        instance = stack.enter_context(common.throwaway_instance())
        url = stack.enter_context(common.throwaway_database(server, instance))
        results = run(args, url, instance)
    report(args, results)


@contextlib.contextmanager
def throwaway_postgres():
    """A PostgreSQL cluster in a temporary folder on a free loopback port, removed afterwards."""
    if not postgres.can_run():
        sys.exit("load: give --database-url, or run as root with PostgreSQL installed (make install-test)")
    with postgres.throwaway_cluster("jfw-load-pg-", "max_connections = 200\n") as cluster:
        yield cluster.url


def prepare(url: str, trainees: int, instance: Path) -> tuple[dict, float, str]:
    """Seed, issue certificates, open a roster session per trainer; the data the locustfile reads."""
    from sqlalchemy import func, select

    from training.attendance import rules
    from training.benchdata import BENCH_PASSWORD
    from training.certificates import issuing
    from training.extensions import db
    from training.models import (
        ClassSession,
        Cohort,
        CohortStatus,
        Enrollment,
        EnrollmentStatus,
        User,
        cohort_trainer,
        utcnow,
    )

    app, seconds = common.seeded_app(url, trainees, CERTIFICATE_DIR=str(instance / "certificates"))
    with app.app_context():
        database = common.describe_database(db.engine)
        finished = db.session.execute(
            select(Cohort.id, func.count(Enrollment.id))
            .join(Enrollment)
            .where(Cohort.status == CohortStatus.FINISHED, Enrollment.status == EnrollmentStatus.COMPLETED)
            .group_by(Cohort.id)
            .order_by(func.count(Enrollment.id).desc())
            .limit(1)
        ).one()[0]
        completed = db.session.scalars(
            select(Enrollment.id).where(
                Enrollment.cohort_id == finished, Enrollment.status == EnrollmentStatus.COMPLETED
            )
        ).all()
        certificates = [[c.serial, c.token] for c in issuing.issue_batch(finished, completed, None).issued]
        db.session.commit()
        now, lock = utcnow(), app.config["ATTENDANCE_LOCK_HOURS"]
        rosters = []
        running = db.session.execute(
            select(Cohort.id, User.username)
            .join(cohort_trainer, cohort_trainer.c.cohort_id == Cohort.id)
            .join(User, User.id == cohort_trainer.c.user_id)
            .where(Cohort.status == CohortStatus.RUNNING)
            .order_by(Cohort.id)
            .limit(40)
        ).all()
        seen_trainers = set()
        for cohort_id, username in running:
            if username in seen_trainers:
                continue
            seen_trainers.add(username)
            sessions = db.session.scalars(
                select(ClassSession).where(ClassSession.cohort_id == cohort_id).order_by(ClassSession.starts_at)
            ).all()
            open_now = [
                s for s in sessions if rules.marking_phase(s.starts_at, s.ends_at, now, lock) == rules.Phase.OPEN
            ]
            session = open_now[-1] if open_now else sessions[-1]
            if not open_now:  # a throwaway database: the next class is moved to have started an hour ago
                length = session.ends_at - session.starts_at
                session.starts_at = now - timedelta(hours=1)
                session.ends_at = session.starts_at + length
            rosters.append([username, session.id])
        db.session.commit()
        trainees_with_login = db.session.scalars(select(User.username).where(User.role == "trainee")).all()
        db.session.remove()
        db.engine.dispose()
    weights = WEIGHTS if rosters else [WEIGHTS[0], 0, WEIGHTS[2]]  # a small data set may have no class running
    data = {
        "password": BENCH_PASSWORD,
        "weights": weights,
        "trainees": trainees_with_login,
        "rosters": rosters,
        "certificates": certificates,
    }
    return data, seconds, database


@contextlib.contextmanager
def gunicorn(target: str, env: dict, workers: int, log: Path):
    port = free_port()
    with open(log, "w") as output:
        process = subprocess.Popen(
            [BIN / "gunicorn", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--backlog", "2048", target],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_healthy(f"http://127.0.0.1:{port}", [process], log=log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def locust(host: str, data_file: Path, args, prefix: Path, mode: str) -> dict[str, dict]:
    env = {**os.environ, "JFW_LOAD_DATA": str(data_file), "JFW_LOAD_MODE": mode}
    spawn_rate = max(1, args.users // 20)  # everybody in within ~20 s
    with open(f"{prefix}-locust.log", "w") as log:
        subprocess.run(
            [
                BIN / "locust",
                "-f",
                ROOT / "bench" / "locustfile.py",
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(spawn_rate),
                "--run-time",
                f"{args.duration + args.users // spawn_rate}s",
                "--host",
                host,
                "--csv",
                str(prefix),
                "--reset-stats",
                "--only-summary",
                "--stop-timeout",
                "5",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            timeout=args.duration + 300,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def run(args, url: str, instance: Path) -> dict:
    data, seconds, database = prepare(url, args.trainees, instance)
    data_file = instance / "load-data.json"
    data_file.write_text(json.dumps(data))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "JINFANWAN_INSTANCE": str(instance),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "CERTIFICATE_DIR": str(instance / "certificates"),
        "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    results = {
        "seed_seconds": seconds,
        "database": database,
        "data": {k: len(v) for k, v in data.items() if isinstance(v, list)},
    }
    with gunicorn("app:app", env, args.workers, instance / "gunicorn-app.log") as host:
        results["app"] = locust(host, data_file, args, instance / "app", "app")
    if not args.skip_hello:
        with gunicorn("bench.hello:app", env, args.workers, instance / "gunicorn-hello.log") as host:
            results["hello"] = locust(host, data_file, args, instance / "hello", "hello")
    return results


def _line(name: str, row: dict, seconds_note: str = "") -> list:
    count, failures = int(row["Request Count"]), int(row["Failure Count"])
    return [name, count, f"{float(row['Requests/s']):.1f}", row["50%"], row["95%"], row["99%"], failures]


def report(args, results: dict) -> None:
    print(f"machine:  {common.describe_machine()}")
    print(
        f"database: {results['database']}; {args.trainees:,} bench trainees seeded in {results['seed_seconds']:.0f} s;"
        f" {results['data']}"
    )
    print(
        f"load:     {args.users} people, think time 1–3 s, {args.duration} s measured after everybody signed in; "
        f"gunicorn -w {args.workers} (sync); mix trainee /me {WEIGHTS[0]} %, trainer roster {WEIGHTS[1]} %, "
        f"public verify {WEIGHTS[2]} %\n"
    )
    headers = ["requests", "count", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
    for label in ("app", "hello"):
        if label not in results:
            continue
        stats = results[label]
        print("Jinfanwan (app:app)" if label == "app" else "ceiling: bare WSGI hello (bench.hello:app), same URLs")
        rows = [_line(name, row) for name, row in sorted(stats.items()) if name != "Aggregated"]
        rows.append(_line("all", stats["Aggregated"]))
        common.print_table(headers, rows)
        print()
    total = results["app"]["Aggregated"]
    ok = int(total["Failure Count"]) == 0 and float(total["95%"]) < TARGET_P95_MS
    print(f"target (zero errors, p95 < {TARGET_P95_MS} ms): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
