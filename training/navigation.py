"""The navigation bar: each feature adds its entries for the roles that use it."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

_ENTRIES: dict[str, list[tuple[int, str, object]]] = {}


def add(roles, endpoint: str, label, order: int = 50) -> None:
    """Show a link to `endpoint` to these roles; lower order comes first."""
    for role in roles:
        entries = _ENTRIES.setdefault(str(role), [])
        if all(existing[1] != endpoint for existing in entries):
            entries.append((order, endpoint, label))
            entries.sort(key=lambda entry: entry[0])


def register(app: Flask) -> None:
    @app.context_processor
    def navigation():
        # A callable, so error pages that must not touch the database never evaluate it.
        return {"nav_items": lambda: [(e, label) for _, e, label in _ENTRIES.get(current_user.role, [])]}
