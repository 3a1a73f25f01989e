"""Counting the SQL statements a request sends: the tests that a page's statements do not grow with its rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from training.extensions import db


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """The statements the app's engine sends while the block runs (needs an app context)."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
