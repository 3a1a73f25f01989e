"""Statements that SQLAlchemy spells differently for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from training.extensions import db


def insert_ignoring_conflicts(model, **values) -> None:
    """INSERT … ON CONFLICT DO NOTHING: a row that another transaction added first is left alone."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(model).values(**values).on_conflict_do_nothing())
