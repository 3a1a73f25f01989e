"""What each user may read of the audit trail, and the filtered query the page paginates.

Scope (decided here, documented in docs/deploy.md): admins and city-level coordinators (no
county) read every event; a county coordinator reads the events of actors whose account is
in their county, and their own. Events without a signed-in actor (sign-in failures, the
command line, the public verification page) are read by admins and city coordinators only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, distinct, select, true

from training.extensions import db
from training.models import AuditEvent, User
from training.permissions import sees_everything
from training.search import contains


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    entity_type: str = ""
    entity_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on AuditEvent limiting it to what the user may read."""
    if sees_everything(user):
        return true()
    in_county = select(User.id).where(User.county_code == user.county_code)
    return (AuditEvent.actor_id == user.id) | AuditEvent.actor_id.in_(in_county)


def _local_midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone))


def events_query(user: User, filters: AuditFilters, timezone: str) -> Select:
    """Newest first; dates are whole local days, both ends included."""
    query = select(AuditEvent).where(audit_scope(user))
    if filters.actor.strip():
        query = query.where(contains(AuditEvent.actor_name, filters.actor))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.entity_type:
        query = query.where(AuditEvent.entity_type == filters.entity_type)
    if filters.entity_id.strip():
        query = query.where(AuditEvent.entity_id == filters.entity_id.strip())
    if filters.date_from:
        query = query.where(AuditEvent.at >= _local_midnight(filters.date_from, timezone))
    if filters.date_to:
        query = query.where(AuditEvent.at < _local_midnight(filters.date_to + timedelta(days=1), timezone))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def known_values(user: User) -> tuple[list[str], list[str]]:
    """The actions and record types found in the events this user may read, for the filter's options."""
    scope = audit_scope(user)
    actions = db.session.scalars(select(distinct(AuditEvent.action)).where(scope).order_by(AuditEvent.action))
    types = db.session.scalars(select(distinct(AuditEvent.entity_type)).where(scope).order_by(AuditEvent.entity_type))
    return list(actions), list(types)
