"""Reports (coordinators and admins, in their county scope): the dashboard, its tables as
.xlsx / .csv, the printable monthly report, and the trainee list exported in the background."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from training import navigation
from training.certificates import pdf
from training.choices import choices
from training.exceptions import DomainError
from training.extensions import db
from training.jobs.worker import enqueue
from training.models import Job, JobStatus, Role, utcnow
from training.permissions import deny, roles_required
from training.reports import exports, list_export, services
from training.reports.definitions import NAMES, Settings, language_of
from training.reports.forms import ListExportForm, ReportFilterForm
from training.reports.queries import Criteria
from training.web import add_error, client_ip

bp = Blueprint("reports", __name__, url_prefix="/reports")
navigation.add([Role.COORDINATOR, Role.ADMIN], "reports.dashboard", _l("Reports"), order=60)
STAFF = (Role.COORDINATOR, Role.ADMIN)
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def _settings() -> Settings:
    return Settings.from_config(current_app.config)


def _timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _filters() -> tuple[ReportFilterForm, Criteria | None]:
    """The filter form from the query string, and the criteria it asks for (None when invalid)."""
    form = ReportFilterForm(request.args)
    names = NAMES[language_of(get_locale())]
    form.course.choices = choices([("", _l("All courses")), *((str(i), n) for i, n in services.course_names().items())])
    counties = services.county_names()
    own = current_user.county_code
    form.county.choices = choices([(own, counties[own])] if own else [("", _l("Whole city")), *counties.items()])
    if own:
        form.county.data = own  # a county coordinator's scope is their county, whatever the link says
    form.category.choices = choices([("", _l("All categories")), *names["category"].items()])
    cohort = None
    valid = form.validate()
    if valid and form.cohort.data:
        cohort = services.find_cohort(current_user, form.cohort.data)
        if cohort is None:
            add_error(form.cohort, _("No class with this code in your area."))
            valid = False
    if not valid:
        return form, None
    start, end = services.default_period(services.local_now(utcnow(), _timezone()).date())
    return form, Criteria(
        form.date_from.data or start,
        form.date_to.data or end,
        county_code=own or form.county.data or None,
        course_id=int(form.course.data) if form.course.data else None,
        cohort_id=cohort.id if cohort else None,
        category=form.category.data or None,
    )


def _report(criteria: Criteria) -> services.Report:
    return services.build_report(current_user, criteria, _settings(), utcnow(), _timezone(), str(get_locale()))


def _valid_criteria() -> Criteria:
    criteria = _filters()[1]
    if criteria is None:
        abort(400)
    return criteria


@bp.get("")
@roles_required(*STAFF)
def dashboard():
    form, criteria = _filters()
    report = _report(criteria) if criteria else None
    return render_template(
        "reports/dashboard.html",
        form=form,
        report=report,
        export_form=ListExportForm(),
        charts=services.charts_for(report) if report else None,
        quick_periods=services.quick_periods(services.local_now(utcnow(), _timezone()).date()),
    )


def _download(content: bytes, criteria: Criteria, kind: str, ext: str):
    name = f"jinfanwan-{kind}-{criteria.date_from:%Y%m%d}-{criteria.date_to:%Y%m%d}.{ext}"
    response = send_file(io.BytesIO(content), mimetype=MIMETYPES[ext], as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/tables.<any(xlsx, csv):ext>")
@roles_required(*STAFF)
def tables(ext: str):
    criteria = _valid_criteria()
    report = _report(criteria)
    content = exports.tables_xlsx(report) if ext == "xlsx" else exports.tables_csv(report)
    return _download(content, criteria, "report", ext)


@bp.get("/monthly.pdf")
@roles_required(*STAFF)
def monthly_pdf():
    criteria = _valid_criteria()
    report = _report(criteria)
    html = render_template(
        "reports/print.html", report=report, charts=services.charts_for(report), static_url=pdf.static_url
    )
    return _download(pdf.write_pdf(html), criteria, "report", "pdf")


def _dashboard_again() -> Response:
    """The dashboard with the filters it was left from."""
    # A query argument named like one of url_for's own keywords is no filter: given to url_for,
    # ?_scheme=…&_anchor=… chose the redirect's scheme and fragment.
    filters = {name: value for name, value in request.args.items() if not name.startswith("_")}
    return redirect(url_for(".dashboard", _external=False, **filters))


@bp.post("/exports")
@roles_required(*STAFF)
def start_export():
    criteria = _valid_criteria()
    form = ListExportForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
        return _dashboard_again()
    try:
        job = services.start_export(
            current_user,
            criteria,
            _settings(),
            form.format.data,
            form.full_id.data,
            form.reason.data,
            str(get_locale()),
            client_ip(),
            utcnow(),
        )
    except DomainError as refusal:
        db.session.rollback()
        flash(str(refusal), "danger")
        return _dashboard_again()
    db.session.commit()
    enqueue(job.id)
    return redirect(url_for(".export", job_id=job.id))


def _own_export(job_id: str) -> Job:
    """The export job, to the user who started it only (not even an admin: it may hold full ID numbers)."""
    job = db.get_or_404(Job, job_id)
    if job.kind != services.EXPORT_KIND or job.created_by_id != current_user.id:
        deny("report_export", job_id)
    return job


@bp.get("/exports/<job_id>")
@roles_required(*STAFF)
def export(job_id: str):
    return render_template("reports/export.html", job=_own_export(job_id))


@bp.get("/exports/<job_id>/file")
@roles_required(*STAFF)
def download(job_id: str):
    job = _own_export(job_id)
    if job.status != JobStatus.DONE or not (job.result or {}).get("file"):
        abort(404)
    fmt = job.params["format"]
    path = list_export.export_path(job.id, fmt)
    if not path.is_file():
        abort(404)
    criteria = Criteria.from_dict(job.params["criteria"])
    name = f"jinfanwan-trainees-{criteria.date_from:%Y%m%d}-{criteria.date_to:%Y%m%d}.{fmt}"
    response = send_file(path, mimetype=MIMETYPES[fmt], as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
