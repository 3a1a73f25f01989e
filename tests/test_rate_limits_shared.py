"""The limits hold across gunicorn workers in the default deployment (`make run`: two workers, no
Redis): the counters live in the database (training.ratelimit), on SQLite and on PostgreSQL; and
with REDIS_URL, in Redis (when the tests have one: JFW_TEST_REDIS_URL).

A real gunicorn with two sync workers serves the test database. To know which worker answers,
one is kept busy by a request whose headers never end: the other takes everything else. The
attempts are made on one worker and the last one on the other.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from limits.storage import storage_from_string
from sqlalchemy import select, update

from tests.support.pages import texts
from tests.support.servers import Browser, free_port, wait_healthy
from training import ratelimit
from training.config import from_environment
from training.extensions import db
from training.jobs import worker
from training.models import RateLimitCounter

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass
class Server:
    port: int
    counted: Callable[[str], list[int]]  # the stored counts of the limiter's keys that hold a text


def _counted_in_the_database(fragment: str) -> list[int]:
    return list(db.session.scalars(select(RateLimitCounter.count).where(RateLimitCounter.key.contains(fragment))))


def _counted_in(redis_url: str) -> Callable[[str], list[int]]:
    import redis

    client = redis.Redis.from_url(redis_url)
    return lambda fragment: [int(client.get(key)) for key in client.scan_iter(f"LIMITS:*{fragment}*")]


@pytest.fixture(params=["database", "redis"])
def two_workers(request, app, database_url, tmp_path):
    """gunicorn -w 2 on the test database, as `make run` serves it (no REDIS_URL: the counters in
    the database) and as each scaled-out app server does (REDIS_URL: in Redis)."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "HUEY_SQLITE_PATH", "FLASK_DEBUG")},
        "DATABASE_URL": database_url,
        "JINFANWAN_INSTANCE": str(tmp_path / "instance"),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "LOG_LEVEL": "WARNING",
    }
    counted = _counted_in_the_database
    if request.param == "redis":
        redis_url = os.environ.get("JFW_TEST_REDIS_URL")
        if not redis_url:
            pytest.skip("JFW_TEST_REDIS_URL is not set")
        storage_from_string(redis_url).reset()  # counts of earlier runs (the address is always 127.0.0.1)
        env["REDIS_URL"], counted = redis_url, _counted_in(redis_url)
    with (tmp_path / "gunicorn.log").open("w") as log:
        server = subprocess.Popen(
            [BIN / "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "2", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_healthy(f"http://127.0.0.1:{port}", [server])
            yield Server(port, counted)
        finally:
            server.terminate()
            server.wait(timeout=30)


class _BusyWorker:
    """One sync worker kept reading a request that is not finished yet, until release()."""

    def __init__(self, port: int):
        self.connection = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.5)  # taken from the listen queue by a worker, which now waits for the rest

    def release(self) -> None:
        self.connection.sendall(b"Connection: close\r\n\r\n")
        answer = self.connection.recv(64)
        self.connection.close()
        assert answer.startswith(b"HTTP/1.1 200"), answer


def on_one_worker_then_the_other(port: int, first, then):
    """first() answered by one worker, then() by the other; both results."""
    worker_a = _BusyWorker(port)
    try:
        before = first()  # all on worker B
        worker_b = _BusyWorker(port)
    finally:
        worker_a.release()
    try:
        after = then()  # on worker A
    finally:
        worker_b.release()
    return before, after


def _login(browser: Browser, port: int, token: str, username: str, password: str) -> tuple[int, str]:
    status, _, body = browser.request(
        f"http://127.0.0.1:{port}/login", {"username": username, "password": password, "csrf_token": token}
    )
    return status, body.decode()


def test_the_sixth_wrong_password_for_an_account_is_refused_whichever_worker_answers(two_workers, make):
    user = make.user("coordinator")
    db.session.commit()
    browser, port = Browser(), two_workers.port
    token = browser.csrf_token(f"http://127.0.0.1:{port}/login")

    five, sixth = on_one_worker_then_the_other(
        port,
        lambda: [_login(browser, port, token, user.username, "wrong password")[0] for _ in range(5)],
        lambda: _login(browser, port, token, user.username, "wrong password"),
    )

    assert five == [200] * 5
    status, page = sixth
    assert status == 429
    assert 'name="username"' in page and len(texts(page, "alert-warning")) == 1
    assert two_workers.counted(f"login-account:{user.username}/") == [5]


def test_the_eleventh_failed_verification_from_an_address_is_refused_whichever_worker_answers(two_workers):
    browser = Browser()

    def guess(n: int) -> int:
        return browser.request(f"http://127.0.0.1:{two_workers.port}/verify/AK-2026-610924-{n:05d}?t=guess")[0]

    ten, eleventh = on_one_worker_then_the_other(
        two_workers.port, lambda: [guess(n) for n in range(10)], lambda: guess(10)
    )

    assert ten == [404] * 10
    assert eleventh == 429
    assert two_workers.counted("verify-failures") == [10]


def test_without_redis_the_limits_count_in_the_database_and_with_it_in_redis(monkeypatch, tmp_path):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert from_environment(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "jfwdb://"

    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/0")
    assert from_environment(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/0"


def _expire(key: str) -> None:
    db.session.execute(update(RateLimitCounter).where(RateLimitCounter.key == key).values(expires_at=time.time() - 1))
    db.session.commit()


def test_a_counter_counts_each_hit_and_starts_again_once_its_window_has_run_out(app):
    storage = ratelimit.DatabaseStorage("jfwdb://")

    assert [storage.incr("login-account:wang", 300) for _ in range(3)] == [1, 2, 3]
    assert storage.get("login-account:wang") == 3
    assert time.time() + 290 < storage.get_expiry("login-account:wang") <= time.time() + 300
    _expire("login-account:wang")

    assert storage.get("login-account:wang") == 0
    assert storage.incr("login-account:wang", 300) == 1
    assert storage.get("login-account:other") == 0


def test_a_key_longer_than_the_column_is_counted_by_its_digest(app):
    storage = ratelimit.DatabaseStorage("jfwdb://")
    key = "login-account:" + "x" * 5000

    assert [storage.incr(key, 300), storage.incr(key, 300)] == [1, 2]
    assert storage.get(key) == 2
    assert [len(k) for k in db.session.scalars(select(RateLimitCounter.key))] == [len("sha256:") + 64]


def test_the_workers_minute_task_forgets_the_counters_whose_window_has_ended(app, monkeypatch):
    storage = ratelimit.DatabaseStorage("jfwdb://")
    storage.incr("spent", 300)
    storage.incr("live", 300)
    _expire("spent")
    monkeypatch.setattr(worker, "worker_app", lambda: app)

    worker.forget_expired_rate_limits.call_local()

    assert db.session.scalars(select(RateLimitCounter.key)).all() == ["live"]


def test_hits_at_the_same_instant_each_get_their_own_count(app):
    storage = ratelimit.DatabaseStorage("jfwdb://")
    start = threading.Barrier(8)

    def hit() -> int:
        with app.app_context():
            start.wait()
            return storage.incr("login-address:10.0.0.1", 300)

    with ThreadPoolExecutor(8) as pool:
        counts = [pool.submit(hit) for _ in range(8)]

    assert sorted(count.result() for count in counts) == list(range(1, 9))
    assert storage.get("login-address:10.0.0.1") == 8
