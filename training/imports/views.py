"""Importing trainees from the sheets county offices keep: upload, preview, commit."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from training import navigation
from training.errors import too_large_message, when_too_large
from training.extensions import db
from training.imports import checking, committing, roster_template, sheets, uploads
from training.imports.forms import CommitForm, UploadForm, cohort_choices
from training.jobs.services import create_job
from training.jobs.worker import enqueue
from training.models import County, Role
from training.permissions import roles_required
from training.web import client_ip

bp = Blueprint("imports", __name__, url_prefix="/trainees/import")
navigation.add([Role.COORDINATOR, Role.ADMIN], "imports.upload", _l("Import"), order=35)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_or_404(token: str) -> uploads.RosterUpload:
    """This user's upload still waiting for its commit, or 404."""
    upload = uploads.find_upload(token, current_user.id)
    if upload is None or upload.committed:
        abort(404)
    return upload


def _scope(upload: uploads.RosterUpload) -> checking.ImportScope:
    return checking.ImportScope.of(current_user, upload.default_county)


def _cohort(cohort_id: str | None):
    """A cohort the user may enroll into, or None; the form's choices were built from the same list."""
    cohorts = {str(c.id): c for c in committing.enrollable_cohorts(current_user)}
    return cohorts.get(cohort_id or "")


def _preview_page(upload, plan=None, refusal: str | None = None, cohort_id: str | None = None, form=None):
    """The preview of a stored upload, with the commit form (the posted one, to show its errors)."""
    if plan is None:
        try:
            plan = checking.preview(upload.path, _scope(upload))
        except sheets.ImportRefused as problem:
            db.session.commit()  # the audit events of people registered elsewhere, if any
            uploads.discard_upload(upload)
            return render_template("imports/refused.html", message=str(problem))
        db.session.commit()
    if form is None:
        chosen = cohort_id if cohort_id is not None else str(upload.cohort_id or "")
        form = CommitForm(formdata=None, fingerprint=plan.fingerprint, cohort_id=chosen)
        form.cohort_id.choices = cohort_choices(committing.enrollable_cohorts(current_user))
    county_names = dict(db.session.execute(select(County.code, County.name)).tuples().all())
    return render_template(
        "imports/preview.html", plan=plan, form=form, upload=upload, refusal=refusal, county_names=county_names
    )


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.ADMIN)
def upload():
    form = _upload_form(UploadForm())
    if form.validate_on_submit():
        stored = uploads.store_upload(
            form.file.data.read(),
            owner_id=current_user.id,
            filename=form.file.data.filename,
            default_county=form.county_code.data or None,
            cohort_id=int(form.cohort_id.data or 0) or None,
        )
        try:
            plan = checking.preview(stored.path, _scope(stored))
            db.session.commit()  # the audit events of people registered elsewhere, if any
        except sheets.ImportRefused as problem:
            db.session.commit()
            uploads.discard_upload(stored)
            form.file.errors.append(str(problem))
        except BaseException:  # an error, or the worker's timeout (SystemExit): no file stays behind
            uploads.discard_upload(stored)
            raise
        else:
            stored.rows = len(plan.rows)
            stored.save()
            return _preview_page(stored, plan)
    return render_template("imports/upload.html", form=form)


@bp.get("/template.xlsx")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def template():
    """The roster template, its example row in the user's county (or the first county, for the city)."""
    query = select(County).order_by(County.code)
    if current_user.county_code:
        query = query.where(County.code == current_user.county_code)
    county = db.session.scalars(query.limit(1)).first()
    code, name = (county.code, county.name) if county else ("610924", "紫阳县")
    return send_file(
        io.BytesIO(roster_template.roster_template(code, name)),
        mimetype=XLSX,
        as_attachment=True,
        download_name="trainee-roster-template.xlsx",
    )


def _upload_form(form: UploadForm) -> UploadForm:
    counties = db.session.scalars(select(County).order_by(County.code)).all()
    form.set_choices(counties, committing.enrollable_cohorts(current_user), current_user.county_code)
    return form


@when_too_large("imports.upload")
def _upload_too_large(fields):
    """The upload form again, with the county and cohort that were chosen, and why the file was refused."""
    form = _upload_form(UploadForm(formdata=fields))
    form.file.errors = [
        too_large_message(
            _l("Split the roster into smaller files, or delete its empty rows and columns, and upload them one by one.")
        )
    ]
    return render_template("imports/upload.html", form=form)


@bp.get("/<token>")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def show(token: str):
    return _preview_page(_upload_or_404(token))


@bp.post("/<token>/commit")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def commit(token: str):
    upload = _upload_or_404(token)
    form = CommitForm()
    form.cohort_id.choices = cohort_choices(committing.enrollable_cohorts(current_user))
    if not form.validate_on_submit():
        return _preview_page(upload, form=form)
    assert form.fingerprint.data is not None  # DataRequired
    cohort = _cohort(form.cohort_id.data)
    if upload.rows > uploads.LARGE_IMPORT_ROWS:
        return _start_job(upload, form.fingerprint.data, cohort)
    try:
        plan, result = committing.commit(
            upload.path,
            _scope(upload),
            expected=form.fingerprint.data,
            cohort=cohort,
            decided_by_id=current_user.id,
            filename=upload.filename,
        )
    except committing.PreviewChanged as changed:
        db.session.rollback()
        return _preview_page(upload, changed.preview, str(changed), form.cohort_id.data)
    except sheets.ImportRefused as refusal:
        db.session.rollback()
        return _preview_page(upload, refusal=str(refusal), cohort_id=form.cohort_id.data)
    except BaseException:
        db.session.rollback()  # all or nothing, whatever failed
        raise
    db.session.commit()
    uploads.finish_upload(upload, plan)
    return render_template("imports/result.html", result=result, upload=upload, has_errors=bool(plan.of("error")))


def _start_job(upload, fingerprint: str, cohort):
    params = {
        "token": upload.token,
        "user_id": current_user.id,
        "fingerprint": fingerprint,
        "cohort_id": cohort.id if cohort else None,
        "default_county": upload.default_county,
        "locale": str(get_locale() or ""),
        "ip": client_ip(),
    }
    job = create_job("trainee_import", params, current_user.id, total=upload.rows)
    db.session.commit()
    enqueue(job.id)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/<token>/errors.xlsx")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def error_rows(token: str):
    upload = uploads.find_upload(token, current_user.id)
    if upload is None:
        abort(404)
    if upload.committed:
        content = upload.errors_path.read_bytes()
    else:
        try:
            content = uploads.error_rows_workbook(checking.preview(upload.path, _scope(upload)))
        except sheets.ImportRefused:
            abort(404)
    name = f"{Path(upload.filename).stem or 'roster'}-errors.xlsx"
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.post("/<token>/discard")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def discard(token: str):
    upload = uploads.find_upload(token, current_user.id)  # CSRFProtect has checked the form's token
    if upload is not None:
        uploads.discard_upload(upload)
    return redirect(url_for(".upload"))
