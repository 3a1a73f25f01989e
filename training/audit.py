"""Writing audit events. The acting user and address come from the request context when
there is one (set by the web layer), or name the command line / worker otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import g, has_app_context

from training.extensions import db
from training.models import AuditEvent
from training.orm import table_of


def set_actor(user_id: int | None, name: str, ip: str | None) -> None:
    """Called once per request by the web layer, so services need not pass it around."""
    g.audit_actor = (user_id, name, ip)


def record(
    action: str,
    entity_type: str,
    entity_id: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    *,
    actor_id: int | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits."""
    ctx_id, ctx_name, ip = (g.get("audit_actor") if has_app_context() else None) or (None, "system", None)
    event = AuditEvent(
        actor_id=actor_id if actor_id is not None else ctx_id,
        actor_name=actor_name or ctx_name,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
        ip=ip,
    )
    db.session.add(event)
    return event


def record_many(
    action: str, entity_type: str, changes: Sequence[tuple[Any, dict | None, dict | None]], at: datetime | None = None
) -> None:
    """Many events of one action at once, (entity_id, before, after) each, by one INSERT; the caller commits."""
    from sqlalchemy import insert

    from training.models import utcnow

    actor_id, actor_name, ip = (g.get("audit_actor") if has_app_context() else None) or (None, "system", None)
    now = at or utcnow()
    # Into the table, not the mapped class: the ORM's bulk insert handles each row in Python
    # first, which cost more than the statement for a roster of 60.
    db.session.execute(
        insert(table_of(AuditEvent)),
        [
            dict(
                at=now,
                actor_id=actor_id,
                actor_name=actor_name,
                action=action,
                entity_type=entity_type,
                entity_id=None if entity_id is None else str(entity_id),
                before=before,
                after=after,
                ip=ip,
            )
            for entity_id, before, after in changes
        ],
    )
