"""The audit trail, read-only: /audit lists events newest first, filtered and paginated.

There is deliberately no route that changes an event; on PostgreSQL a trigger refuses
UPDATE and DELETE of audit_event as well (migration 0005).
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from training import navigation
from training.auditlog import queries
from training.auditlog.forms import AuditFilterForm
from training.extensions import db
from training.models import Role
from training.permissions import roles_required

bp = Blueprint("auditlog", __name__, url_prefix="/audit")
navigation.add([Role.COORDINATOR, Role.ADMIN], "auditlog.index", _l("Audit trail"), order=80)
PER_PAGE = 50
FILTERS = ("actor", "action", "entity_type", "entity_id", "date_from", "date_to")


@bp.app_template_filter("audit_json")
def audit_json(value) -> str:
    """Before/after values as compact JSON, Chinese kept readable; the template escapes it."""
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@bp.get("")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def index():
    form = AuditFilterForm(request.args)
    form.set_choices(*queries.known_values(current_user))
    valid = form.validate()
    filters = (
        queries.AuditFilters(
            actor=form.actor.data or "",
            action=form.action.data or "",
            entity_type=form.entity_type.data or "",
            entity_id=form.entity_id.data or "",
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
        if valid
        else None
    )
    page = None
    if filters is not None:
        query = queries.events_query(current_user, filters, current_app.config["BABEL_DEFAULT_TIMEZONE"])
        page = db.paginate(query, per_page=PER_PAGE, max_per_page=PER_PAGE)
    params = {name: request.args.get(name, "") for name in FILTERS if request.args.get(name)}
    return render_template("auditlog/index.html", form=form, page=page, params=params)
