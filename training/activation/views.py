"""Printing activation slips for a cohort, and the public activation page they point to."""

from __future__ import annotations

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from training.activation import services
from training.activation.forms import ActivationForm, IssueSlipsForm
from training.exceptions import DomainError
from training.extensions import db, limiter
from training.models import Role
from training.permissions import can_manage_cohort, deny, require_cohort, roles_required
from training.web import add_error

bp = Blueprint("activation", __name__)


def _qr(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


@bp.route("/cohorts/<int:cohort_id>/activation-slips", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.ADMIN)
def slips(cohort_id: int):
    """GET explains; POST issues fresh codes and shows the printable slips (codes appear only here)."""
    cohort = require_cohort(cohort_id)
    if not can_manage_cohort(current_user, cohort):
        deny("cohort", cohort_id)
    form = IssueSlipsForm()
    if not form.validate_on_submit():
        return render_template("activation/issue.html", cohort=cohort, form=form)
    slips = services.issue_slips(cohort.id, current_user.id)
    db.session.commit()
    rows = [(slip, _qr(url_for("activation.activate", code=slip.code, _external=True))) for slip in slips]
    return render_template("activation/slips.html", cohort=cohort, rows=rows, valid_days=services.VALID_FOR.days)


@bp.route("/activate", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
def activate():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = ActivationForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        assert form.code.data is not None and form.password.data is not None  # DataRequired
        try:
            user = services.activate(form.code.data, form.password.data)
        except services.ActivationRefused as refusal:
            db.session.rollback()
            add_error(form.code, str(refusal))
        except DomainError as refusal:  # the password policy
            db.session.rollback()
            add_error(form.password, str(refusal))
        else:
            db.session.commit()
            flash(
                _(
                    "Your account is ready. Your username is %(name)s. Sign in with it and your password.",
                    name=user.username,
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("activation/activate.html", form=form)
