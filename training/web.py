"""Small helpers shared by the views: requests that need no user, the client's address, safe redirects,
an error added to a field."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request
from wtforms import Field


def asks_for_nobody() -> bool:
    """Static files and the health check answer without asking the database who is there."""
    return (request.endpoint or "").rpartition(".")[2] == "static" or request.endpoint == "main.healthz"


def client_ip() -> str | None:
    return request.remote_addr


def safe_next(default: str) -> str:
    """The ?next= target when it stays on this site, else default."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    # A browser reads a backslash as a slash and drops tabs and newlines: /\host and /<tab>/host are //host.
    odd = "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme and not odd:
        return target
    return default


def add_error(field: Field, message: str) -> None:
    """Show message under the field, after the errors its validators found."""
    # A new list: WTForms types errors as a Sequence (a tuple until the form is validated).
    field.errors = [*field.errors, message]
