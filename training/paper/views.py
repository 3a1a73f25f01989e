"""A class's paper on the web (blueprint "paper"): a session's 签到表 and each of a cohort's documents
as a download, and the cohort's set as one ZIP.

Who: a session's 签到表, whoever marks its roster (its cohort's trainers, the coordinators in scope,
admins: permissions.require_cohort); a cohort's documents and its ZIP, coordinators in scope and
admins, from the cohort page. No document holds a full ID number or phone, so none is audited."""

from __future__ import annotations

import io

from flask import Blueprint, abort, send_file, url_for
from flask_login import current_user

from training.models import Role, utcnow
from training.paper import contents, documents, queries, sheets
from training.permissions import can_manage_cohort, deny, require_cohort, roles_required

bp = Blueprint("paper", __name__)
SHEET_READERS = (Role.ADMIN, Role.COORDINATOR, Role.TRAINER)
COHORT_READERS = (Role.ADMIN, Role.COORDINATOR)


def _settings() -> documents.Settings:
    return documents.Settings.of_app(url_for("attendance.checkin_code"))


def _download(content: bytes, name: str, mimetype: str):
    response = send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/sessions/<int:session_id>/sign-in.pdf")
@roles_required(*SHEET_READERS)
def session_pdf(session_id: int):
    sheet = _session_sheet(session_id)
    return _download(documents.sign_in_pdf(sheet), documents.session_file_name(sheet, None, "pdf"), documents.PDF)


@bp.get("/sessions/<int:session_id>/sign-in.xlsx")
@roles_required(*SHEET_READERS)
def session_xlsx(session_id: int):
    sheet = _session_sheet(session_id)
    return _download(sheets.sign_in_xlsx([sheet]), documents.session_file_name(sheet, None, "xlsx"), documents.XLSX)


def _session_sheet(session_id: int) -> contents.SignInSheet:
    """The session's 签到表, if the current user marks its roster; else 404 / 403."""
    records = queries.session_records(session_id)
    if records is None:
        abort(404)
    require_cohort(records.session.cohort_id)
    return documents.session_sign_in(records, _settings(), utcnow())


def _cohort_records(cohort_id: int) -> queries.CohortRecords:
    """The cohort's records, if the current user coordinates it; else 404 / 403."""
    cohort = require_cohort(cohort_id)
    if not can_manage_cohort(current_user, cohort):
        deny("cohort", cohort_id)
    records = queries.cohort_records(cohort_id)
    assert records is not None  # require_cohort found it
    return records


@bp.get("/cohorts/<int:cohort_id>/paper/<name>")
@roles_required(*COHORT_READERS)
def cohort_document(cohort_id: int, name: str):
    records = _cohort_records(cohort_id)
    if name not in documents.COHORT_DOCUMENTS:
        abort(404)
    content = documents.cohort_document(records, name, _settings(), utcnow())
    return _download(content, documents.file_name(records.cohort.code, name), documents.mimetype(name))


@bp.get("/cohorts/<int:cohort_id>/paper.zip")
@roles_required(*COHORT_READERS)
def cohort_zip(cohort_id: int):
    records = _cohort_records(cohort_id)
    content = documents.cohort_zip(records, _settings(), utcnow())
    return _download(content, f"{records.cohort.code}-培训资料.zip", documents.ZIP)
