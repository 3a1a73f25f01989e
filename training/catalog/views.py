"""Courses, cohorts and their timetables (coordinators; trainers read the cohorts they teach)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from training import navigation, permissions
from training.catalog import courses as catalog_courses  # the name courses is the course list's view
from training.catalog import services, timetable
from training.catalog.forms import (
    LEVELS,
    SESSION_KINDS,
    ActionForm,
    CohortFilterForm,
    CohortForm,
    CourseForm,
    ScheduleForm,
    SessionForm,
    StatusForm,
)
from training.exceptions import DomainError
from training.extensions import db
from training.labels import COHORT_STATUSES
from training.models import ClassSession, Cohort, Course, Role
from training.permissions import require_cohort, roles_required

bp = Blueprint("catalog", __name__)
navigation.add([Role.COORDINATOR, Role.ADMIN], "catalog.cohorts", _l("Cohorts"), order=10)
navigation.add([Role.COORDINATOR, Role.ADMIN], "catalog.courses", _l("Courses"), order=20)

MANAGERS = (Role.COORDINATOR, Role.ADMIN)
READERS = (Role.COORDINATOR, Role.ADMIN, Role.TRAINER)


@bp.context_processor
def catalog_labels():
    return {"level_labels": LEVELS, "session_kind_labels": SESSION_KINDS}


def _timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _may_edit_courses(course_id: int | None = None) -> None:
    """City-level coordinators and admins change courses; county coordinators only read them."""
    if not permissions.sees_everything(current_user):
        permissions.deny("course", course_id)


def _course_for_editing(course_id: int) -> Course:
    _may_edit_courses(course_id)
    return db.get_or_404(Course, course_id)


# ---- courses ---------------------------------------------------------------------------------


@bp.get("/courses")
@roles_required(*MANAGERS)
def courses():
    page = db.paginate(catalog_courses.courses_query(), per_page=50)
    counts = catalog_courses.cohort_counts([course.id for course in page.items])
    return render_template(
        "catalog/courses.html", page=page, counts=counts, can_edit=permissions.sees_everything(current_user)
    )


@bp.route("/courses/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create_course():
    _may_edit_courses()
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = catalog_courses.create_course(form.details())
        except DomainError as refusal:
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Course %(code)s created.", code=course.code), "success")
            return redirect(url_for("catalog.courses"))
    return render_template("catalog/course_form.html", form=form, course=None)


@bp.route("/courses/<int:course_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_course(course_id: int):
    course = _course_for_editing(course_id)
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        try:
            catalog_courses.update_course(course, form.details())
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Course %(code)s saved.", code=course.code), "success")
            return redirect(url_for("catalog.courses"))
    cohorts = catalog_courses.cohort_counts([course.id]).get(course.id, 0)
    return render_template(
        "catalog/course_form.html", form=form, course=course, cohorts=cohorts, action_form=ActionForm()
    )


@bp.post("/courses/<int:course_id>/<any(retire, reactivate):action>")
@roles_required(*MANAGERS)
def set_course_active(course_id: int, action: str):
    course = _course_for_editing(course_id)
    if ActionForm().validate_on_submit():
        catalog_courses.set_course_active(course, action == "reactivate")
        db.session.commit()
        flash(
            _("Course %(code)s retired: no new cohorts can use it.", code=course.code)
            if action == "retire"
            else _("Course %(code)s is active again.", code=course.code),
            "success",
        )
    return redirect(url_for("catalog.edit_course", course_id=course.id))


@bp.post("/courses/<int:course_id>/delete")
@roles_required(*MANAGERS)
def delete_course(course_id: int):
    course = _course_for_editing(course_id)
    if ActionForm().validate_on_submit():
        code = course.code
        try:
            catalog_courses.delete_course(course)
        except DomainError as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
        else:
            db.session.commit()
            flash(_("Course %(code)s deleted.", code=code), "success")
            return redirect(url_for("catalog.courses"))
    return redirect(url_for("catalog.edit_course", course_id=course_id))


# ---- cohorts ---------------------------------------------------------------------------------


@bp.get("/cohorts")
@roles_required(*READERS)
def cohorts():
    filters = CohortFilterForm(request.args)
    filters.set_choices(*services.filter_choices(current_user))
    query = services.cohorts_query(
        current_user, filters.county.data, filters.course.data, filters.status.data, filters.q.data
    )
    page = db.paginate(query, per_page=25)
    enrolled = services.enrolled_counts([cohort.id for cohort in page.items])
    params = {name: filters[name].data or "" for name in ("q", "county", "course", "status")}
    return render_template(
        "catalog/cohorts.html",
        page=page,
        filters=filters,
        enrolled=enrolled,
        params=params,
        manage=current_user.role in MANAGERS,
    )


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create_cohort():
    default_radius = current_app.config["CHECKIN_RADIUS_METRES"]
    form = CohortForm(checkin_radius_m=default_radius)
    form.set_choices(services.cohort_choices(current_user))
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(current_user, form.details(), default_radius_m=default_radius)
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Cohort %(code)s created as a draft.", code=cohort.code), "success")
            return redirect(url_for("catalog.cohort", cohort_id=cohort.id))
    return render_template("catalog/cohort_form.html", form=form, cohort=None)


@bp.get("/cohorts/<int:cohort_id>")
@roles_required(*READERS)
def cohort(cohort_id: int):
    return _cohort_page(require_cohort(cohort_id))


def _cohort_page(cohort: Cohort, schedule_form: ScheduleForm | None = None, preview=None):
    page = services.cohort_page(cohort.id)
    return render_template(
        "catalog/cohort.html",
        cohort=page.cohort,
        page=page,
        manage=current_user.role in MANAGERS,
        schedule_form=schedule_form or ScheduleForm(formdata=None),
        preview=preview,
    )


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_cohort(cohort_id: int):
    cohort = require_cohort(cohort_id)
    form = CohortForm(obj=cohort)
    form.set_choices(services.cohort_choices(current_user, cohort))
    if not form.is_submitted():
        form.trainer_ids.data = [trainer.id for trainer in cohort.trainers]
    if form.validate_on_submit():
        try:
            services.update_cohort(current_user, cohort, form.details(), _timezone())
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Cohort %(code)s saved.", code=cohort.code), "success")
            return redirect(url_for("catalog.cohort", cohort_id=cohort.id))
    return render_template("catalog/cohort_form.html", form=form, cohort=cohort)


@bp.post("/cohorts/<int:cohort_id>/status")
@roles_required(*MANAGERS)
def change_status(cohort_id: int):
    cohort = require_cohort(cohort_id)
    form = StatusForm()
    if form.validate_on_submit():
        assert form.status.data is not None  # DataRequired
        try:
            services.change_status(cohort, form.status.data, _timezone())
        except DomainError as refusal:
            db.session.rollback()
            # the opening checks give every problem they found, each flashed on its own
            for problem in refusal.problems if isinstance(refusal, services.StatusChangeRefused) else [str(refusal)]:
                flash(problem, "danger")
        else:
            db.session.commit()
            flash(_("Cohort %(code)s: %(status)s.", code=cohort.code, status=COHORT_STATUSES[cohort.status]), "success")
    return redirect(url_for("catalog.cohort", cohort_id=cohort_id))


# ---- timetable -------------------------------------------------------------------------------


@bp.post("/cohorts/<int:cohort_id>/schedule")
@roles_required(*MANAGERS)
def generate_schedule(cohort_id: int):
    cohort = require_cohort(cohort_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        return _cohort_page(cohort, form)
    assert form.weekdays.data is not None  # validate_weekdays refuses an empty choice
    try:
        planned = timetable.plan_schedule(cohort, form.weekdays.data, form.slots(), form.holiday_dates(), _timezone())
        if form.create.data:
            timetable.create_sessions(cohort, planned, form.topic.data or "")
    except DomainError as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return _cohort_page(cohort, form)
    if not form.create.data:
        return _cohort_page(cohort, form, timetable.preview(planned))
    db.session.commit()
    flash(ngettext("%(num)d session created.", "%(num)d sessions created.", len(planned)), "success")
    return redirect(url_for("catalog.cohort", cohort_id=cohort_id, _anchor="timetable"))


def _session_of(cohort: Cohort, session_id: int) -> ClassSession:
    session = db.get_or_404(ClassSession, session_id)
    if session.cohort_id != cohort.id:
        abort(404)
    return session


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_session(cohort_id: int, session_id: int):
    cohort = require_cohort(cohort_id)
    session = _session_of(cohort, session_id)
    form = SessionForm(obj=timetable.session_details(session, _timezone()))
    if form.validate_on_submit():
        try:
            timetable.update_session(session, form.details(), _timezone())
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Session saved."), "success")
            return redirect(url_for("catalog.cohort", cohort_id=cohort_id, _anchor="timetable"))
    return render_template(
        "catalog/session_form.html", form=form, cohort=cohort, session=session, action_form=ActionForm()
    )


@bp.post("/cohorts/<int:cohort_id>/sessions/<int:session_id>/delete")
@roles_required(*MANAGERS)
def delete_session(cohort_id: int, session_id: int):
    session = _session_of(require_cohort(cohort_id), session_id)
    if ActionForm().validate_on_submit():
        try:
            timetable.delete_session(session)
        except DomainError as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
        else:
            db.session.commit()
            flash(_("Session deleted."), "success")
    return redirect(url_for("catalog.cohort", cohort_id=cohort_id, _anchor="timetable"))
