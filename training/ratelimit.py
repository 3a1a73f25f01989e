"""The limiter's counters in our own database (`jfwdb://`), where every gunicorn worker and every
app server already shares state: without REDIS_URL a limit of 5 means 5, however many processes
answer. (The limits library's memory:// keeps one count per process: `make run`'s two workers
let twice as many attempts through.)

A storage for the limits library's fixed-window strategy, Flask-Limiter's default. Each hit is
one atomic statement on a connection of its own (INSERT … ON CONFLICT DO UPDATE … RETURNING, on
SQLite and PostgreSQL alike), committed at once: a count never waits for, nor rolls back with,
the request's transaction. A window that has run out starts again at the next hit; the worker's
minute task deletes the rows nobody hit again (forget_expired).
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app
from limits.storage import Storage
from sqlalchemy import Engine, case, delete, select
from sqlalchemy.exc import SQLAlchemyError

from training.models.ratelimit import KEY_LENGTH, RateLimitCounter
from training.orm import conflict_insert, table_of

SCHEME = "jfwdb"
_counters = table_of(RateLimitCounter)


def _engine() -> Engine:
    # The app's own engine and pool: the limiter is one object for all apps of a process (tests
    # make many), each request counts in the database of the app that answers it.
    return current_app.extensions["sqlalchemy"].engine


def _stored_key(key: str) -> str:
    """The key as stored: a long one (a username field can hold anything) by its digest."""
    if len(key) <= KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def forget_expired(engine: Engine, now: float) -> int:
    """Delete the counters whose window ended before `now`; how many."""
    with engine.begin() as connection:
        return connection.execute(delete(_counters).where(_counters.c.expires_at <= now)).rowcount


class DatabaseStorage(Storage):
    """Fixed-window counters in the rate_limit_counter table."""

    STORAGE_SCHEME = [SCHEME]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        engine = _engine()
        insert = conflict_insert(engine.dialect.name, _counters).values(
            key=_stored_key(key), count=amount, expires_at=now + expiry
        )
        spent = _counters.c.expires_at <= now
        statement = insert.on_conflict_do_update(
            index_elements=[_counters.c.key],
            set_={
                "count": case((spent, amount), else_=_counters.c.count + amount),
                "expires_at": case((spent, now + expiry), else_=_counters.c.expires_at),
            },
        ).returning(_counters.c.count)
        with engine.begin() as connection:
            return connection.execute(statement).scalar_one()

    def _live(self, column, key: str):
        query = select(column).where(_counters.c.key == _stored_key(key), _counters.c.expires_at > time.time())
        with _engine().connect() as connection:
            return connection.execute(query).scalar()

    def get(self, key: str) -> int:
        return self._live(_counters.c.count, key) or 0

    def get_expiry(self, key: str) -> float:
        return self._live(_counters.c.expires_at, key) or time.time()

    def check(self) -> bool:
        try:
            with _engine().connect() as connection:
                connection.execute(select(_counters.c.key).limit(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with _engine().begin() as connection:
            return connection.execute(delete(_counters)).rowcount

    def clear(self, key: str) -> None:
        with _engine().begin() as connection:
            connection.execute(delete(_counters).where(_counters.c.key == _stored_key(key)))
