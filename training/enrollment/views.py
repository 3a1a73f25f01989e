"""Enrolling trainees (one, or many ticked from a list), applications, withdrawals, and a
trainee's own applications to open classes in their county."""

from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from training import navigation
from training.catalog.views import catalog_labels
from training.catalog.views import cohort as cohort_page
from training.choices import choices
from training.enrollment import queries, services
from training.enrollment.checks import EnrollmentRefused, OverlapNeedsReason
from training.enrollment.forms import ApplyForm, DecisionForm, EnrollManyForm, EnrollOneForm, WithdrawForm
from training.errors import render_error
from training.exceptions import InvalidValue
from training.extensions import db
from training.identity import normalize_id_number
from training.models import Enrollment, Role
from training.permissions import can_manage_cohort, deny, require_cohort, roles_required
from training.trainees.forms import TraineeFilterForm
from training.web import add_error

bp = Blueprint("enrollment", __name__)
navigation.add([Role.TRAINEE], "enrollment.open_classes", _l("Apply"), order=10)
STAFF = (Role.COORDINATOR, Role.ADMIN)
bp.context_processor(catalog_labels)  # the cohort page is shown from here too, with what was typed


@dataclass(frozen=True)
class PanelForms:
    """The forms of the cohort page's enrollment panel."""

    enroll: EnrollOneForm
    withdraw: WithdrawForm
    decision: DecisionForm


@bp.app_template_global()
def enrollment_panel(cohort) -> tuple[queries.CohortPanel, PanelForms]:
    """What the cohort page shows of its enrollments, and its forms (the catalog page includes the
    panel); after a single enrollment that did not go through, the form as typed, its errors and
    the matches."""
    typed = g.get("enroll_one")
    form, matches = typed if typed else (None, None)
    panel = queries.cohort_panel(cohort, can_manage_cohort(current_user, cohort), matches)
    return panel, PanelForms(form or EnrollOneForm(formdata=None), WithdrawForm(), DecisionForm())


def _managed_cohort(cohort_id: int):
    cohort = require_cohort(cohort_id)
    if not can_manage_cohort(current_user, cohort):
        deny("cohort", cohort_id)
    return cohort


def _managed_enrollment(enrollment_id: int) -> Enrollment:
    enrollment = db.get_or_404(Enrollment, enrollment_id)
    _managed_cohort(enrollment.cohort_id)
    return enrollment


def _refusal_message(refusal: EnrollmentRefused) -> str:
    earlier = [f"{t.cohort_code} {t.course_name} ({t.year})" for c in refusal.conflicts for t in c.trainings]
    if not earlier:
        return str(refusal)
    return _("%(refusal)s Earlier trainings: %(trainings)s.", refusal=str(refusal), trainings=word_list(earlier))


@bp.app_template_filter()
def word_list(words) -> str:
    """A, B and C in the user's language (A、B和C)."""
    return format_list(list(words), locale=get_locale())


def _typed_again(cohort, form: EnrollOneForm, matches=None):
    """The cohort page again with the form as typed, its errors, and the matches of a name."""
    g.enroll_one = (form, matches)
    return cohort_page(cohort.id)


def _named_person(cohort, form: EnrollOneForm):
    """(the trainee the form names, the matches of a name); no trainee leaves an error on the form or
    matches to pick from."""
    assert form.person.data is not None  # DataRequired
    text = form.person.data.strip()
    if not queries.is_id_number_attempt(text):
        matches = queries.matching_candidates(cohort, current_user, text)
        if not matches:
            add_error(
                form.person,
                _(
                    "Nobody in your registry whose name holds “%(text)s” is free to enroll "
                    "here. Check the name, or type the full ID number.",
                    text=text,
                ),
            )
        picked = form.trainee_id.data and queries.picked_trainee(form.trainee_id.data, cohort, current_user, text)
        return picked or None, matches
    try:
        trainee = queries.trainee_with_id_number(normalize_id_number(text), current_user)
    except InvalidValue as error:
        add_error(form.person, str(error))
        return None, None
    if trainee is None:
        add_error(form.person, _("No trainee with this ID number in your registry. Register the person first."))
    return trainee, None


@bp.post("/cohorts/<int:cohort_id>/enroll-one")
@roles_required(*STAFF)
def enroll_one(cohort_id: int):
    """Enroll one person: by full ID number, or picked from the people in scope whose name was typed.
    Whatever stops it shows the cohort page again with the form as typed."""
    cohort = _managed_cohort(cohort_id)
    form = EnrollOneForm()
    if not form.validate_on_submit():
        return _typed_again(cohort, form)
    trainee, matches = _named_person(cohort, form)
    if trainee is None:
        return _typed_again(cohort, form, matches)
    try:
        enrollment = services.enroll(
            trainee.id, cohort.id, current_user.id, form.override_reason.data, form.overlap_reason.data
        )
    except OverlapNeedsReason as refusal:  # a warning: the reason's box opens under it
        db.session.rollback()
        add_error(form.overlap_reason, str(refusal))
        return _typed_again(cohort, form, matches)
    except EnrollmentRefused as refusal:
        db.session.rollback()
        form.form_errors.append(_("%(name)s: %(message)s", name=trainee.name, message=_refusal_message(refusal)))
        return _typed_again(cohort, form, matches)
    db.session.commit()
    _flash_outcome(enrollment)
    return redirect(url_for("catalog.cohort", cohort_id=cohort.id))


def _flash_outcome(enrollment: Enrollment) -> None:
    name = enrollment.trainee.name
    if enrollment.awaits_override_approval:
        flash(
            _(
                "%(name)s: the subsidy override is prepared. Another coordinator of the county, or the city's, "
                "approves it on this page; until then %(name)s holds no place.",
                name=name,
            ),
            "info",
        )
    else:
        flash(_("%(name)s: %(status)s.", name=name, status=queries.status_label(enrollment.status)), "success")


@bp.route("/cohorts/<int:cohort_id>/enroll", methods=["GET", "POST"])
@roles_required(*STAFF)
def enroll_many(cohort_id: int):
    """Tick trainees from a filtered list of the registry and enroll them together."""
    cohort = _managed_cohort(cohort_id)
    filters = TraineeFilterForm(request.args)
    filters.county.choices = choices([("", _l("All counties"))])
    form = EnrollManyForm()
    ticked = [int(i) for i in request.form.getlist("trainee_id") if i.isdigit()]
    results = None
    if form.validate_on_submit() and ticked:
        results = queries.enroll_ticked(
            cohort, ticked, current_user, form.override_reason.data, form.overlap_reason.data
        )
        db.session.commit()
        ticked = [r.trainee.id for r in results if r.refusal]
    page = db.paginate(
        queries.candidates(cohort, current_user, filters.q.data or "", filters.category.data or ""), per_page=100
    )
    return render_template(
        "enrollment/enroll_many.html",
        cohort=cohort,
        page=page,
        filters=filters,
        form=form,
        ticked=set(ticked),
        results=results,
        refusal_message=_refusal_message,
    )


@bp.post("/enrollments/<int:enrollment_id>/accept")
@roles_required(*STAFF)
def accept(enrollment_id: int):
    enrollment = _managed_enrollment(enrollment_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            accepted = services.accept(
                enrollment.id, current_user.id, form.override_reason.data, form.overlap_reason.data
            )
        except EnrollmentRefused as refusal:
            db.session.rollback()
            flash(_refusal_message(refusal), "danger")
        else:
            db.session.commit()
            _flash_outcome(accepted)
    return redirect(url_for("catalog.cohort", cohort_id=enrollment.cohort_id))


@bp.post("/enrollments/<int:enrollment_id>/decline")
@roles_required(*STAFF)
def decline(enrollment_id: int):
    enrollment = _managed_enrollment(enrollment_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decline(enrollment.id, current_user.id, form.reason.data or "")
        except EnrollmentRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
        else:
            db.session.commit()
            flash(_("Application declined."), "info")
    return redirect(url_for("catalog.cohort", cohort_id=enrollment.cohort_id))


@bp.post("/enrollments/<int:enrollment_id>/withdraw")
@roles_required(*STAFF)
def withdraw(enrollment_id: int):
    enrollment = _managed_enrollment(enrollment_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for the withdrawal."), "danger")
        return redirect(url_for("catalog.cohort", cohort_id=enrollment.cohort_id))
    assert form.reason.data is not None  # DataRequired
    try:
        promoted = services.withdraw(enrollment.id, current_user.id, form.reason.data)
    except EnrollmentRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "danger")
    else:
        db.session.commit()
        flash(_("Withdrawn."), "info")
        if promoted is not None:
            flash(_("%(name)s moved up from the waiting list.", name=promoted.trainee.name), "success")
    return redirect(url_for("catalog.cohort", cohort_id=enrollment.cohort_id))


@bp.get("/apply")
@roles_required(Role.TRAINEE)
def open_classes():
    trainee = current_user.trainee
    classes = queries.open_cohorts_for(trainee) if trainee else []
    return render_template("enrollment/open_classes.html", classes=classes, form=ApplyForm())


@bp.post("/apply/<int:cohort_id>")
@roles_required(Role.TRAINEE)
def apply(cohort_id: int):
    trainee = current_user.trainee
    if trainee is None or cohort_id not in {c.cohort.id for c in queries.open_cohorts_for(trainee)}:
        return render_error(404, _("This class is not open for you."))
    form = ApplyForm()
    if form.validate_on_submit():
        try:
            services.apply(trainee.id, cohort_id)
        except EnrollmentRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
        else:
            db.session.commit()
            flash(_("Your application was sent. The training centre will tell you its decision."), "success")
    return redirect(url_for("enrollment.open_classes"))
