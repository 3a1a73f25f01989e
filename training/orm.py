"""Declarative base for every model (constraint naming, UTC timestamps, enum CHECK constraints)
and the statements every feature shares: row locks, INSERT ignoring conflicts on either dialect."""

from __future__ import annotations

import enum
import functools
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import CheckConstraint, DateTime, Engine, MetaData, Table, event, types
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, registry, scoped_session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


S = TypeVar("S")


def prepared(build: Callable[[], S]) -> Callable[[], S]:
    """A statement built once, on first use, with bindparam() placeholders for its values.

    For the statements of pages opened all day (the sign-in check of every request, /me, the
    roster): building a SELECT with its joins and loader options, and the cache key SQLAlchemy
    then derives from it, costs more Python time than SQLite takes to run it. A statement object
    is immutable and may be shared by threads; the key is derived once per object.
    """
    return functools.cache(build)


M = TypeVar("M", bound="Base")
SessionT = TypeVar("SessionT", bound=Session)


def lock_row(session: Session | scoped_session[SessionT], model: type[M], row_id: int) -> M:
    """The row of `model` with this id, locked until the transaction ends, and read afresh.

    FOR UPDATE on PostgreSQL; SQLite serialises writers by itself. Read afresh because a copy
    the session already holds may have been loaded before the other writer's commit that the
    lock waited for. No such row raises NoResultFound.
    """
    return session.get_one(model, row_id, with_for_update=True, populate_existing=True)


def begin_on_sqlite(session: Session | scoped_session[SessionT]) -> None:
    """Open the transaction now on SQLite, before a SAVEPOINT: pysqlite opens its transaction only
    before a write, and a SAVEPOINT taken outside one is released as a COMMIT, so what the
    savepoint holds would outlive the caller's rollback. PostgreSQL is always in its transaction."""
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]  # a live pool connection has its DB-API connection
        connection.exec_driver_sql("BEGIN")


def conflict_insert(dialect_name: str, table: Table | type[Base]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ON CONFLICT: SQLAlchemy spells it PostgreSQL's way or SQLite's."""
    return (postgresql.insert if dialect_name == "postgresql" else sqlite.insert)(table)


def insert_ignoring_conflicts(
    session: Session | scoped_session[SessionT], table: Table | type[Base], index_elements=None
) -> postgresql.Insert | sqlite.Insert:
    """INSERT … ON CONFLICT DO NOTHING: a row that another transaction added first is left alone.

    The statement, for the caller's values (one row or many) and RETURNING; index_elements names
    the unique columns on which a conflict is ignored (None: any).
    """
    insert = conflict_insert(session.get_bind().dialect.name, table)
    return insert.on_conflict_do_nothing(index_elements=index_elements)


def table_of(model: type[Base]) -> Table:
    """The model's table: every model is mapped to one Table, never to a join or a select."""
    # DeclarativeBase types __table__ as any FromClause.
    table = model.__table__
    assert isinstance(table, Table)
    return table


class UTCDateTime(types.TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Foreign keys on, WAL so the worker and the web server can write side by side."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def one_of(column: str, choices: type[enum.Enum], name: str | None = None) -> CheckConstraint:
    """A CHECK constraint limiting a string column to an enum's values."""
    values = ", ".join(f"'{member.value}'" for member in choices)
    return CheckConstraint(f"{column} IN ({values})", name=name or f"{column}_valid")
