"""Certificates for coordinators (a cohort's certificates, issuing, revoking, reissuing,
downloads one by one or as a ZIP) and for trainees (their own, to download)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from training import navigation
from training.certificates import archive, services, storage
from training.certificates.forms import IssueForm, ReissueForm, RevokeForm
from training.certificates.issuing import ISSUABLE_COHORTS
from training.certificates.jobs import KIND as ISSUING_JOB
from training.certificates.services import REVOKE_CATEGORIES, CertificateRefused
from training.extensions import db
from training.jobs.views import way_back
from training.jobs.worker import enqueue
from training.models import Certificate, CertificateStatus, Enrollment, Role, Trainee
from training.permissions import can_manage_cohort, deny, require_cohort, roles_required
from training.web import client_ip

log = logging.getLogger(__name__)
bp = Blueprint("certificates", __name__)
navigation.add([Role.TRAINEE], "certificates.mine", _l("My certificates"), order=20)
STAFF = (Role.COORDINATOR, Role.ADMIN)


@way_back(ISSUING_JOB)
def _back_to_certificates(job) -> tuple[str, str]:
    return url_for("certificates.cohort", cohort_id=job.params["cohort_id"]), _("Back to the class's certificates")


def _managed_cohort(cohort_id: int):
    cohort = require_cohort(cohort_id)
    if not can_manage_cohort(current_user, cohort):
        deny("cohort", cohort_id)
    return cohort


def _managed_certificate(serial: str) -> Certificate:
    certificate = services.certificate_by_serial(serial)
    if certificate is None:
        abort(404)
    if not can_manage_cohort(current_user, certificate.enrollment.cohort):
        deny("certificate", serial)
    return certificate


def _pdf_response(certificate: Certificate):
    path = storage.path_for(certificate.serial)
    if not path.is_file():
        log.error("certificate file missing", extra={"serial": certificate.serial})
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{certificate.serial}.pdf",
        etag=False if certificate.pdf_sha256 is None else certificate.pdf_sha256,  # None: no ETag, as before
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/cohorts/<int:cohort_id>/certificates")
@roles_required(*STAFF)
def cohort(cohort_id: int):
    cohort = _managed_cohort(cohort_id)
    rows = services.cohort_roster(cohort.id)
    return render_template(
        "certificates/cohort.html",
        cohort=cohort,
        rows=rows,
        form=IssueForm(),
        can_issue=cohort.status in ISSUABLE_COHORTS,
        valid_count=sum(1 for r in rows if not r.issuable),
    )


@bp.post("/cohorts/<int:cohort_id>/certificates/issue")
@roles_required(*STAFF)
def issue(cohort_id: int):
    cohort = _managed_cohort(cohort_id)
    back = redirect(url_for("certificates.cohort", cohort_id=cohort.id))
    if not IssueForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "danger")
        return back
    ticked = None
    if request.form.get("scope") != "all":
        ticked = [int(value) for value in request.form.getlist("enrollment_id") if value.isdigit()]
        if not ticked:
            flash(_("Tick the trainees to issue certificates to."), "warning")
            return back
    try:
        job = services.start_issuing(cohort, current_user, ticked, str(get_locale()), client_ip())
    except CertificateRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "warning")
        return back
    db.session.commit()
    enqueue(job.id)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/cohorts/<int:cohort_id>/certificates.zip")
@roles_required(*STAFF)
def cohort_zip(cohort_id: int):
    cohort = _managed_cohort(cohort_id)
    rows = db.session.execute(
        select(Certificate.serial, Trainee.name)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .join(Trainee, Trainee.id == Enrollment.trainee_id)
        .where(Enrollment.cohort_id == cohort.id, Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.serial)
    ).all()
    entries = [(archive.member_name(serial, name), storage.path_for(serial)) for serial, name in rows]
    response = Response(archive.stream(entries), mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{archive.safe_ascii(cohort.code)}-certificates.zip"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/certificates/<serial>")
@roles_required(*STAFF)
def show(serial: str):
    return _certificate_page(_managed_certificate(serial))


def _certificate_page(
    certificate: Certificate,
    revoke_form: RevokeForm | None = None,
    reissue_form: ReissueForm | None = None,
    status: int = 200,
):
    """The certificate page; a refused form comes back as it was posted, with its errors."""
    revoke_form = revoke_form or RevokeForm(formdata=None).prepare(REVOKE_CATEGORIES, certificate.serial)
    return render_template(
        "certificates/show.html",
        certificate=certificate,
        revoke_form=revoke_form,
        reissue_form=reissue_form or ReissueForm(formdata=None),
        history=services.history(certificate.enrollment_id),
        categories=REVOKE_CATEGORIES,
    ), status


@bp.get("/certificates/<serial>.pdf")
@roles_required(*STAFF)
def download(serial: str):
    return _pdf_response(_managed_certificate(serial))


@bp.post("/certificates/<serial>/revoke")
@roles_required(*STAFF)
def revoke(serial: str):
    certificate = _managed_certificate(serial)
    form = RevokeForm().prepare(REVOKE_CATEGORIES, certificate.serial)
    if not form.validate_on_submit():
        return _certificate_page(certificate, revoke_form=form, status=422)
    assert form.reason.data is not None  # DataRequired
    try:
        services.revoke(certificate.id, form.category.data, form.reason.data, current_user.id)
    except CertificateRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "danger")
    else:
        db.session.commit()
        flash(_("Certificate %(serial)s is revoked. Its QR code now says so.", serial=serial), "success")
    return redirect(url_for("certificates.show", serial=serial))


@bp.post("/certificates/<serial>/reissue")
@roles_required(*STAFF)
def reissue(serial: str):
    certificate = _managed_certificate(serial)
    form = ReissueForm()
    if not form.validate_on_submit():
        return _certificate_page(certificate, reissue_form=form, status=422)
    assert form.reason.data is not None  # DataRequired
    try:
        new = services.reissue(certificate.id, form.reason.data, current_user.id)
    except CertificateRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "danger")
        return redirect(url_for("certificates.show", serial=serial))
    db.session.commit()
    flash(_("Reissued as %(new)s; %(old)s is marked superseded.", new=new.serial, old=serial), "success")
    return redirect(url_for("certificates.show", serial=new.serial))


@bp.get("/me/certificates")
@roles_required(Role.TRAINEE)
def mine():
    trainee_id = current_user.trainee_id
    certificates = services.trainee_certificates(trainee_id) if trainee_id else []
    return render_template("certificates/mine.html", certificates=certificates)


@bp.get("/me/certificates/<serial>.pdf")
@roles_required(Role.TRAINEE)
def my_download(serial: str):
    certificate = services.certificate_by_serial(serial)
    if (
        certificate is None
        or current_user.trainee_id is None
        or certificate.enrollment.trainee_id != current_user.trainee_id
        or certificate.status != CertificateStatus.VALID
    ):
        abort(404)
    return _pdf_response(certificate)
