"""The score grid of a cohort (its trainers, coordinators in scope) and finalising it (coordinators)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from training.assessment import queries, services
from training.assessment.forms import FinaliseForm, score_grid_form
from training.assessment.services import AssessmentRefused, FinaliseRefused, ScoreConflict
from training.extensions import db
from training.models import CohortStatus, Role, utcnow
from training.permissions import can_manage_cohort, deny, require_cohort, roles_required
from training.web import add_error

bp = Blueprint("assessment", __name__)
MANAGERS = (Role.COORDINATOR, Role.ADMIN)
SCORERS = (Role.TRAINER, Role.COORDINATOR, Role.ADMIN)


@bp.route("/cohorts/<int:cohort_id>/scores", methods=["GET", "POST"])
@roles_required(*SCORERS)
def scores(cohort_id: int):
    cohort = require_cohort(cohort_id)  # a trainer sees only the cohorts they teach
    enrollments = queries.roster(cohort.id)
    form = score_grid_form(enrollments)
    editable = cohort.status != CohortStatus.CLOSED
    if editable and form.validate_on_submit():
        try:
            changed = services.record_scores(cohort.id, form.entered(enrollments))
        except ScoreConflict as conflict:
            db.session.rollback()
            for (enrollment_id, kind), (current, message) in conflict.cells.items():
                add_error(form.cell(kind, enrollment_id), message)
                form.seen(kind, enrollment_id, current)  # saving again then overwrites knowingly
            form.form_errors.append(str(conflict))
        except AssessmentRefused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(
                ngettext("%(num)d trainee's scores saved.", "%(num)d trainees' scores saved.", changed)
                if changed
                else _("No score changed."),
                "success",
            )
            return redirect(url_for("assessment.scores", cohort_id=cohort.id))
    elif form.is_submitted() and any(form.cell(k, e.id).errors for e in enrollments for k in ("theory", "practical")):
        form.form_errors.append(_("Nothing was saved. Correct the marked scores and save again."))
    return render_template(
        "assessment/scores.html",
        cohort=cohort,
        enrollments=enrollments,
        form=form,
        editable=editable,
        can_finalise=can_manage_cohort(current_user, cohort),
    )


@bp.route("/cohorts/<int:cohort_id>/finalise", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def finalise(cohort_id: int):
    cohort = require_cohort(cohort_id)
    if not can_manage_cohort(current_user, cohort):
        deny("cohort", cohort_id)
    form = FinaliseForm()
    if form.validate_on_submit():
        try:
            outcome = services.finalise(cohort.id, current_user.id, utcnow())
        except FinaliseRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
        else:
            db.session.commit()
            flash(
                _(
                    "Finalised: %(completed)d completed, %(failed)d not passed.",
                    completed=len(outcome.completed),
                    failed=len(outcome.failed),
                ),
                "success",
            )
        return redirect(url_for("assessment.finalise", cohort_id=cohort.id))
    page = queries.finalise_page(cohort, utcnow())
    return render_template("assessment/finalise.html", cohort=cohort, page=page, form=form)
