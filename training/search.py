"""Literal substring search: the user's %, _ and quotes match themselves, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import ColumnElement


def contains(column, text: str) -> ColumnElement[bool]:
    """Case-insensitive 'column contains text', with LIKE wildcards escaped."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")
