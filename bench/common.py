"""Helpers every benchmark shares: a throwaway instance and database, a seeded app, timing, output.

Import this before anything from `training`: `throwaway_instance()` must set
JINFANWAN_INSTANCE before the app package reads its settings.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

WARMUP = 5
RUNS = 50


@contextlib.contextmanager
def throwaway_instance(keep: bool = False) -> Iterator[Path]:
    """A fresh instance folder for the app; DATABASE_URL from the shell is ignored on purpose."""
    path = Path(tempfile.mkdtemp(prefix="jfw-bench-"))
    os.environ["JINFANWAN_INSTANCE"] = str(path)
    os.environ["HUEY_SQLITE_PATH"] = str(path / "huey.sqlite")
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        os.environ.pop(name, None)
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def throwaway_database(server_url: str | None, instance: Path, keep: bool = False) -> Iterator[str]:
    """A SQLite file in the instance, or a new database on the PostgreSQL server of server_url.

    Benchmarks never load data into a database they did not create.
    """
    if not server_url:
        yield f"sqlite:///{instance / 'bench.sqlite'}"
        return
    from sqlalchemy import create_engine, text

    name = "jfw_bench_" + secrets.token_hex(4)
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seeded_app(database_url: str, trainees: int, seed: int = 2026, **config):
    """An app on a migrated database holding `trainees` bench trainees; returns (app, seconds to seed)."""
    from flask_migrate import upgrade

    from training import benchdata, create_app
    from training.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, **config})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        benchdata.seed(trainees, seed=seed)
        seconds = time.perf_counter() - started
        db.session.remove()
    return app, seconds


def bench_arguments(doc: str, trainees: int) -> argparse.ArgumentParser:
    """The options every benchmark on the bench data set takes; a script adds its own."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=trainees, help=f"bench trainees to seed (default {trainees})")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", help="a PostgreSQL server (any database on it); default: SQLite")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder and database afterwards")
    return parser


def on_bench_database(args, run: Callable[[str], None]) -> None:
    """run(database URL) in a throwaway instance, on a throwaway database (kept with --keep)."""
    with (
        throwaway_instance(args.keep) as instance,
        throwaway_database(args.database_url, instance, args.keep) as url,
    ):
        run(url)
        if args.keep:
            print(f"kept: instance {instance}, database {url}")


def signed_in(app, username: str):
    """A test client of `app` signed in as a bench account."""
    from training.benchdata import BENCH_PASSWORD

    client = app.test_client()
    expect(client.post("/login", data={"username": username, "password": BENCH_PASSWORD}), 302)
    return client


def expect(response, status: int):
    assert response.status_code == status, f"{response.request.path}: {response.status_code}, not {status}"
    return response


def time_request(engine, request: Callable[[], object], warmup: int = WARMUP, runs: int = RUNS) -> tuple[int, float]:
    """The SQL statements one call of `request` sends, and its median ms."""
    request()
    with counting_statements(engine) as statements:
        request()
    return len(statements), median_ms(request, warmup, runs)


def median_ms(action: Callable[[], object], warmup: int = WARMUP, runs: int = RUNS) -> float:
    """Median wall time of `action` in milliseconds, after a few untimed warm-up calls."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


@contextlib.contextmanager
def counting_statements(engine) -> Iterator[list[str]]:
    """Collect the SQL statements sent through `engine` while the block runs."""
    from sqlalchemy import event

    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return f"{cpu}, {os.cpu_count()} cores{load}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def describe_database(engine) -> str:
    from sqlalchemy import text

    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            version = connection.execute(text("SELECT sqlite_version()")).scalar()
            return f"SQLite {version} (file)"
        version = connection.execute(text("SHOW server_version")).scalar()
        return f"PostgreSQL {version} at {engine.url.host}:{engine.url.port}"


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    """A plain text table, first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
