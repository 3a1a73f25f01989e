"""Employers, graduates' jobs and follow-ups (coordinators and admins, in their county scope)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from training import navigation
from training.choices import choices
from training.exceptions import DomainError
from training.extensions import db
from training.localtime import local_today
from training.models import Employer, FollowUp, Placement, Role
from training.permissions import can_manage_cohort, deny, require_cohort, require_trainee, roles_required, trainee_scope
from training.placement import queries, rules, services
from training.placement.forms import (
    PLACEMENT_KINDS,
    PLACEMENT_SCOPES,
    EmployerForm,
    EmployerSearchForm,
    EndPlacementForm,
    FollowUpForm,
    GraduatesForm,
    PlacementForm,
    PlacementRowForm,
)
from training.placement.rules import DEFAULT_MAX_WAGE, ENDED_NOTE
from training.web import add_error, safe_next

bp = Blueprint("placement", __name__)
navigation.add([Role.COORDINATOR, Role.ADMIN], "placement.follow_ups", _l("Follow-ups"), order=40)
navigation.add([Role.COORDINATOR, Role.ADMIN], "placement.employers", _l("Employers"), order=45)
STAFF = (Role.COORDINATOR, Role.ADMIN)


@bp.app_context_processor
def placement_labels() -> dict:
    return {
        "placement_kind_labels": PLACEMENT_KINDS,
        "placement_scope_labels": PLACEMENT_SCOPES,
        "follow_up_ended_note": ENDED_NOTE,
    }


@bp.app_template_global()
def trainee_jobs(trainee):
    """The jobs panel of a trainee's page (templates/placement/_trainee_jobs.html)."""
    return queries.trainee_placements(trainee.id)


@bp.app_template_global()
def cohort_jobs(cohort):
    """Committed vs placed and graduates with a job (templates/placement/_cohort_directed.html)."""
    return queries.cohort_jobs(cohort), can_manage_cohort(current_user, cohort)


def _max_wage():
    return current_app.config.get("PLACEMENT_MAX_WAGE", DEFAULT_MAX_WAGE)


def _employer_data(form: EmployerForm) -> services.EmployerData:
    text = {name: (getattr(form, name).data or "").strip() for name in services.EmployerData.__dataclass_fields__}
    return services.EmployerData(**text)


def _employer_choices(query: str, *keep):
    """The employer select: matches of the search, plus those already chosen."""
    return choices(
        [("", _l("— none (self-employed) —"))]
        + [(str(e.id), f"{e.name} · {e.uscc}") for e in queries.employer_options(query, keep)]
    )


def _placement_data(form, employer_id: int | None) -> services.PlacementData:
    return services.PlacementData(
        employer_id=employer_id,
        position=form.position.data.strip(),
        kind=form.kind.data,
        scope=form.scope.data,
        place=(form.place.data or "").strip(),
        start_date=form.start_date.data,
        monthly_wage=form.monthly_wage.data,
        contract_months=form.contract_months.data,
    )


def _chosen_employer(form: PlacementForm) -> int | None:
    """The selected employer, or the one registered on the spot from the form's inline fields."""
    if not form.registers_employer:
        return form.employer_id.data
    name, code = form.new_employer_name.data, form.new_employer_uscc.data
    assert name is not None and code is not None  # validate_new_employer_name, validate_new_employer_uscc
    return services.create_employer(services.EmployerData(name=name.strip(), uscc=code)).id


def _placement_in_scope(placement_id: int) -> Placement:
    placement = db.get_or_404(Placement, placement_id)
    require_trainee(placement.trainee_id)
    return placement


@bp.get("/employers")
@roles_required(*STAFF)
def employers():
    search = EmployerSearchForm(request.args)
    page = db.paginate(queries.employer_list(search.q.data or ""), per_page=50)
    current = queries.current_placements([e.id for e in page.items])
    return render_template(
        "placement/employers.html", page=page, search=search, current=current, params={"q": search.q.data or ""}
    )


@bp.route("/employers/new", methods=["GET", "POST"])
@bp.route("/employers/<int:employer_id>/edit", methods=["GET", "POST"], endpoint="edit_employer")
@roles_required(*STAFF)
def create_employer(employer_id: int | None = None):
    employer = db.get_or_404(Employer, employer_id) if employer_id else None
    form = EmployerForm(obj=employer)
    existing = None
    if form.validate_on_submit():
        try:
            if employer is None:
                employer = services.create_employer(_employer_data(form))
            else:
                services.update_employer(employer, _employer_data(form))
        except services.EmployerRefused as refusal:
            existing = (refusal.existing.id, refusal.existing.name) if refusal.existing else None
            db.session.rollback()
            add_error(form.uscc, str(refusal))
        else:
            db.session.commit()
            flash(_("%(name)s was saved.", name=employer.name), "success")
            return redirect(safe_next(url_for("placement.employers", q=employer.uscc)))
    return render_template("placement/employer_form.html", form=form, employer=employer, existing=existing)


@bp.route("/trainees/<int:trainee_id>/placements/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new(trainee_id: int):
    trainee = require_trainee(trainee_id)
    trainings = queries.completed_enrollments(trainee.id)
    form = PlacementForm()
    form.enrollment_id.choices = choices(
        (str(e.id), f"{e.cohort.code} · {e.cohort.course.name} · {e.cohort.end_date.isoformat()}") for e in trainings
    )
    partner = trainings[0].cohort.employer_id if trainings else None
    if not form.is_submitted() and partner:
        form.employer_id.data, form.kind.data = partner, "directed"
    form.employer_id.choices = _employer_choices(form.employer_q.data or "", form.employer_id.data, partner)
    if trainings and not form.find_employer.data and form.validate_on_submit():
        try:
            employer_id = _chosen_employer(form)
            placement = services.record_placement(
                form.enrollment_id.data, _placement_data(form, employer_id), current_user.id, _max_wage()
            )
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(
                _("The job of %(name)s was recorded; follow-ups are due at 3, 6 and 12 months.", name=trainee.name),
                "success",
            )
            return redirect(url_for("placement.show", placement_id=placement.id))
    return render_template(
        "placement/form.html",
        form=form,
        trainee=trainee,
        placement=None,
        trainings=trainings,
        current=services.open_placement(trainee.id),
    )


@bp.route("/placements/<int:placement_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(placement_id: int):
    placement = _placement_in_scope(placement_id)
    form = PlacementForm(obj=placement)
    del form.enrollment_id
    form.employer_id.choices = _employer_choices(
        form.employer_q.data or "", form.employer_id.data, placement.employer_id
    )
    if not form.find_employer.data and form.validate_on_submit():
        try:
            changed = services.update_placement(placement, _placement_data(form, _chosen_employer(form)), _max_wage())
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Saved.") if changed else _("Nothing changed."), "success" if changed else "info")
            return redirect(url_for("placement.show", placement_id=placement.id))
    return render_template(
        "placement/form.html",
        form=form,
        trainee=placement.trainee,
        placement=placement,
        trainings=[placement.enrollment],
        current=None,
    )


@bp.get("/placements/<int:placement_id>")
@roles_required(*STAFF)
def show(placement_id: int):
    return _job_page(_placement_in_scope(placement_id), EndPlacementForm())


def _job_page(placement, end_form: EndPlacementForm, status: int = 200):
    return render_template(
        "placement/show.html",
        placement=placement,
        end_form=end_form,
        today=local_today(),
        follow_up_opens=rules.follow_up_opens,
    ), status


@bp.post("/placements/<int:placement_id>/end")
@roles_required(*STAFF)
def end(placement_id: int):
    placement = _placement_in_scope(placement_id)
    form = EndPlacementForm()
    if not form.validate_on_submit():
        flash(_("Give the end date and the reason."), "danger")
        return _job_page(placement, form, 400)
    assert form.end_date.data is not None and form.reason.data is not None  # InputRequired, DataRequired
    try:
        closed = services.end_placement(placement, form.end_date.data, form.reason.data, current_user.id)
    except DomainError as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return _job_page(placement, form, 400)
    db.session.commit()
    flash(_("The job was ended. A new one can now be recorded."), "success")
    if closed:
        flash(
            ngettext(
                "%(num)d later follow-up was recorded as not employed.",
                "%(num)d later follow-ups were recorded as not employed.",
                len(closed),
            ),
            "info",
        )
    return redirect(url_for("placement.show", placement_id=placement.id))


@bp.route("/cohorts/<int:cohort_id>/graduates", methods=["GET", "POST"])
@roles_required(*STAFF)
def graduates(cohort_id: int):
    """One row per graduate without a current job; the filled rows are saved together or not at all."""
    cohort = require_cohort(cohort_id)
    if not can_manage_cohort(current_user, cohort):
        deny("cohort", cohort_id)
    page_form = GraduatesForm()
    defaults = {"employer_id": cohort.employer_id, "kind": "directed" if cohort.employer_id else ""}
    rows = [(e, PlacementRowForm(prefix=f"r{e.id}", **defaults)) for e in queries.graduates_without_job(cohort.id)]
    employer_choices = _employer_choices(
        page_form.employer_q.data or "", cohort.employer_id, *{row.employer_id.data for _e, row in rows}
    )
    for _e, row in rows:
        row.employer_id.choices = employer_choices
    if not page_form.find_employer.data and page_form.validate_on_submit():
        filled = [(e, row) for e, row in rows if row.is_filled()]
        if not filled:
            flash(_("Nothing to save: fill in at least one row."), "warning")
        elif all([row.validate() for _e, row in filled]):
            grid = [services.GridRow(e.id, _placement_data(row, row.employer_id.data)) for e, row in filled]
            try:
                saved = services.record_many(grid, current_user.id, _max_wage())
            except services.GridRefused as refusal:
                db.session.rollback()
                for e, row in filled:
                    if e.id in refusal.errors:
                        row.form_errors.append(refusal.errors[e.id])
                flash(str(refusal), "danger")
            else:
                db.session.commit()
                flash(_("%(n)d jobs recorded.", n=len(saved)), "success")
                return redirect(url_for("placement.graduates", cohort_id=cohort.id))
        else:
            flash(_("Nothing was saved: correct the marked rows."), "danger")
    return render_template(
        "placement/graduates.html", cohort=cohort, rows=rows, page_form=page_form, jobs=queries.cohort_jobs(cohort)
    )


@bp.get("/follow-ups")
@roles_required(*STAFF)
def follow_ups():
    today = local_today()
    scope = trainee_scope(current_user)
    page = db.paginate(queries.due_follow_ups(scope, today), per_page=50)
    overdue, this_week = queries.due_counts(scope, today)
    return render_template("placement/follow_ups.html", page=page, today=today, overdue=overdue, this_week=this_week)


@bp.route("/follow-ups/<int:follow_up_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def follow_up(follow_up_id: int):
    record = db.get_or_404(FollowUp, follow_up_id)
    require_trainee(record.placement.trainee_id)
    form = FollowUpForm()
    if not form.is_submitted() and record.done_at:
        form.still_employed.data = "yes" if record.still_employed else "no"
        form.same_employer.data = None if record.same_employer is None else "yes" if record.same_employer else "no"
        form.monthly_wage.data, form.note.data = record.monthly_wage, record.note
    if form.validate_on_submit():
        answer = services.FollowUpAnswer(
            still_employed=form.still_employed.data == "yes",
            same_employer={"yes": True, "no": False}.get(form.same_employer.data),
            monthly_wage=form.monthly_wage.data,
            note=form.note.data or "",
        )
        try:
            services.record_follow_up(record, answer, current_user.id, _max_wage(), today=local_today())
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Follow-up recorded."), "success")
            return redirect(safe_next(url_for("placement.follow_ups")))
    return render_template(
        "placement/follow_up.html",
        record=record,
        placement=record.placement,
        form=form,
        today=local_today(),
        opens=rules.follow_up_opens(record.due_date),
    )
