"""Importing an evaluation body's result sheet into a class: upload, preview, commit (coordinators and admins).

The class is chosen on the upload form among the running and finished classes the user may
see, and looked up again in their scope at every step (require_cohort); an upload is its
uploader's only: another user's token answers 404.
"""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from training import navigation, sheet_downloads
from training.certificates.issuing import LEVEL_NAMES
from training.errors import too_large_message, when_too_large
from training.extensions import db
from training.labels import EXTERNAL_CERTIFICATE_KINDS
from training.localtime import local_today
from training.models import Role
from training.permissions import require_cohort, roles_required
from training.sheets import ImportRefused, PreviewChanged
from training.skillcerts import results_cells, results_import
from training.skillcerts.results_forms import ResultsCommitForm, ResultsUploadForm, cohort_choices
from training.skillcerts.results_import import RESULT_SHEETS, ResultUpload

bp = Blueprint("skillcert_results", __name__, url_prefix="/skillcerts/results")
navigation.add([Role.COORDINATOR, Role.ADMIN], "skillcert_results.upload", _l("Result sheets"), order=37)
STAFF = (Role.COORDINATOR, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.context_processor
def result_labels() -> dict:
    return {"certificate_kinds": EXTERNAL_CERTIFICATE_KINDS, "level_names": LEVEL_NAMES}


def _upload_or_404(token: str) -> ResultUpload:
    """This user's result sheet still waiting for its commit, or 404."""
    upload = RESULT_SHEETS.find(token, current_user.id)
    if upload is None or upload.committed:
        abort(404)
    return upload


def _preview(upload: ResultUpload) -> results_import.ResultsPreview:
    return results_import.preview(
        upload.path, cohort=require_cohort(upload.cohort_id), issuer=upload.issuer, today=local_today()
    )


def _preview_page(upload: ResultUpload, plan=None, refusal: str | None = None):
    """The preview of a stored sheet with its commit form; a sheet that can no longer be read is discarded."""
    if plan is None:
        try:
            plan = _preview(upload)
        except ImportRefused as problem:
            RESULT_SHEETS.discard(upload)
            return render_template("skillcerts/results_refused.html", message=str(problem))
    form = ResultsCommitForm(formdata=None, fingerprint=plan.fingerprint)
    return render_template("skillcerts/results_preview.html", plan=plan, form=form, upload=upload, refusal=refusal)


def _upload_form(form: ResultsUploadForm) -> ResultsUploadForm:
    form.cohort_id.choices = cohort_choices(results_import.result_cohorts(current_user))
    return form


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def upload():
    form = _upload_form(ResultsUploadForm())
    if form.validate_on_submit():
        assert form.cohort_id.data and form.issuer.data  # DataRequired; the cohort is one of the choices
        stored = RESULT_SHEETS.store(
            form.file.data.read(),
            owner_id=current_user.id,
            filename=form.file.data.filename,
            cohort_id=int(form.cohort_id.data),
            issuer=form.issuer.data,
        )
        try:
            plan = _preview(stored)
        except ImportRefused as problem:
            RESULT_SHEETS.discard(stored)
            form.file.errors.append(str(problem))
        except BaseException:  # an error, or the worker's timeout (SystemExit): no file stays behind
            RESULT_SHEETS.discard(stored)
            raise
        else:
            return _preview_page(stored, plan)
    return render_template("skillcerts/results_upload.html", form=form)


@when_too_large("skillcert_results.upload")
def _upload_too_large(fields):
    """The upload form again, with the class and issuer that were given, and why the file was refused."""
    form = _upload_form(ResultsUploadForm(formdata=fields))
    form.file.errors = [too_large_message(_l("Copy the class's rows into a new workbook and upload that."))]
    return render_template("skillcerts/results_upload.html", form=form)


@bp.get("/template.xlsx")
@roles_required(*STAFF)
def template():
    content = results_cells.results_template(local_today())
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name="result-sheet-template.xlsx")


@bp.get("/<token>")
@roles_required(*STAFF)
def show(token: str):
    return _preview_page(_upload_or_404(token))


@bp.post("/<token>/commit")
@roles_required(*STAFF)
def commit(token: str):
    upload = _upload_or_404(token)
    form = ResultsCommitForm()
    if not form.validate_on_submit():
        return _preview_page(upload)
    try:
        plan, result = results_import.commit(
            upload.path,
            cohort=require_cohort(upload.cohort_id),
            issuer=upload.issuer,
            today=local_today(),
            expected=form.fingerprint.data,
            user_id=current_user.id,
            filename=upload.filename,
        )
    except PreviewChanged as changed:
        db.session.rollback()
        return _preview_page(upload, changed.preview, str(changed))
    except ImportRefused as refusal:
        db.session.rollback()
        return _preview_page(upload, refusal=str(refusal))
    except BaseException:
        db.session.rollback()  # all or nothing, whatever failed
        raise
    db.session.commit()
    RESULT_SHEETS.finish(upload, _error_rows(plan) if plan.of("error") else None)
    return render_template("skillcerts/results_done.html", result=result, upload=upload, plan=plan)


def _error_rows(plan: results_import.ResultsPreview) -> bytes:
    text_columns = {plan.columns[name] for name in ("id_number", "number") if name in plan.columns}
    return sheet_downloads.error_rows_workbook(plan.headers, plan.of("error"), text_columns)


@bp.get("/<token>/errors.xlsx")
@roles_required(*STAFF)
def error_rows(token: str):
    upload = RESULT_SHEETS.find(token, current_user.id)
    if upload is None:
        abort(404)
    if upload.committed:
        content = upload.errors_path.read_bytes()
    else:
        try:
            content = _error_rows(_preview(upload))
        except ImportRefused:
            abort(404)
    name = f"{Path(upload.filename).stem or 'results'}-errors.xlsx"
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.post("/<token>/discard")
@roles_required(*STAFF)
def discard(token: str):
    upload = RESULT_SHEETS.find(token, current_user.id)  # CSRFProtect has checked the form's token
    if upload is not None:
        RESULT_SHEETS.discard(upload)
    return redirect(url_for(".upload"))
