"""Skill certificates issued elsewhere (coordinators and admins of the cohort's county, or the city):
record one on a trainee's training, its page with the check on the national query site and the
revocation, its scan. The scan is shown to those who manage the cohort and to the trainee
themself; trainers see neither the certificates nor the scans."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from training import files
from training.catalog.forms import LEVELS
from training.choices import choices
from training.errors import render_error, when_too_large
from training.extensions import db
from training.localtime import local_today
from training.models import Enrollment, ExternalCertificate, Role, Trainee, User, utcnow
from training.permissions import can_manage_cohort, can_see_trainee, deny, require_trainee, roles_required
from training.skillcerts import queries, services
from training.skillcerts.forms import CertificateForm, CheckForm, RevokeForm, ScanForm
from training.skillcerts.services import CertificateRefused
from training.web import add_error

bp = Blueprint("skillcerts", __name__)
STAFF = (Role.COORDINATOR, Role.ADMIN)


@bp.app_context_processor
def skill_certificate_labels() -> dict:
    return {"skill_level_labels": LEVELS}


@bp.app_template_global()
def trainee_skill_certificates(trainee: Trainee) -> queries.TraineeCertificates:
    """The panel of a trainee's page (templates/skillcerts/_trainee_certificates.html)."""
    return queries.trainee_certificates(trainee.id, current_user)


def may_see_scan(user: User, certificate: ExternalCertificate) -> bool:
    """Those who manage the cohort (its county's coordinators, the city's, admins) and the trainee themself."""
    if user.role == Role.TRAINEE:
        return user.trainee_id is not None and user.trainee_id == certificate.enrollment.trainee_id
    return can_manage_cohort(user, certificate.enrollment.cohort)


def _managed(certificate_id: int) -> ExternalCertificate:
    certificate = queries.certificate_page(certificate_id)
    if certificate is None:
        abort(404)
    if not can_manage_cohort(current_user, certificate.enrollment.cohort):
        deny("external_certificate", certificate_id)
    return certificate


def _refused(form, refusal: CertificateRefused) -> None:
    """The refusal under the field it names, or above the form."""
    db.session.rollback()
    field = getattr(form, refusal.field, None) if refusal.field else None
    if field is None:
        form.form_errors.append(str(refusal))
        return
    for message in refusal.messages:
        add_error(field, message)


def _form_page(trainee: Trainee, form: CertificateForm, trainings: dict[int, Enrollment], status: int = 200):
    if form.is_submitted() and form.scan.checked is not None and (form.errors or form.form_errors):
        add_error(
            form.scan, _("The file was fine; choose it again, as a browser does not keep it when a form comes back.")
        )
    return render_template("skillcerts/form.html", trainee=trainee, form=form, trainings=trainings), status


def _recordable(trainee: Trainee, form: CertificateForm) -> dict[int, Enrollment]:
    """The trainings the user may record a certificate on, as the form's choices."""
    trainings = {e.id: e for e in queries.recordable_enrollments(trainee.id, current_user)}
    form.enrollment_id.choices = choices(
        (e.id, f"{e.cohort.code} · {e.cohort.course.name}") for e in trainings.values()
    )
    return trainings


@bp.route("/trainees/<int:trainee_id>/skill-certificates/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new(trainee_id: int):
    trainee = require_trainee(trainee_id)
    form = CertificateForm()
    trainings = _recordable(trainee, form)
    if form.validate_on_submit():
        try:
            certificate = services.record_certificate(
                trainings[form.enrollment_id.data],
                form.details(),
                scan=form.scan.checked,
                user_id=current_user.id,
                today=local_today(),
            )
        except CertificateRefused as refusal:
            _refused(form, refusal)
        else:
            db.session.commit()
            flash(_("The certificate %(number)s was recorded.", number=certificate.number), "success")
            return redirect(url_for("skillcerts.show", external_certificate_id=certificate.id))
    return _form_page(trainee, form, trainings, 400 if form.is_submitted() else 200)


def _staff_may(check) -> bool:
    """For an upload over the size limit, answered before the view (and its checks) ran."""
    return current_user.is_authenticated and current_user.role in STAFF and check()


@when_too_large("skillcerts.new")
def _new_too_large(fields):
    trainee = db.session.get(Trainee, (request.view_args or {}).get("trainee_id", 0))
    if trainee is None or not _staff_may(lambda: can_see_trainee(current_user, trainee)):
        return render_error(413)[0]
    form = CertificateForm(formdata=fields)
    trainings = _recordable(trainee, form)
    form.scan.errors = [files.too_large_words()]
    return _form_page(trainee, form, trainings)[0]


def _page(certificate, check=None, revoke=None, scan=None, status: int = 200):
    return render_template(
        "skillcerts/show.html",
        certificate=certificate,
        check_form=check or CheckForm(),
        revoke_form=revoke or RevokeForm(),
        scan_form=scan or ScanForm(),
    ), status


@bp.get("/skill-certificates/<int:external_certificate_id>")
@roles_required(*STAFF)
def show(external_certificate_id: int):
    return _page(_managed(external_certificate_id))


@bp.post("/skill-certificates/<int:external_certificate_id>/check")
@roles_required(*STAFF)
def check(external_certificate_id: int):
    """The button "I checked it on the national query site", with what the site showed."""
    certificate = _managed(external_certificate_id)
    form = CheckForm()
    if not form.validate_on_submit():
        return _page(certificate, check=form, status=400)
    try:
        services.record_check(certificate.id, found=form.found.data == "yes", user_id=current_user.id, now=utcnow())
    except CertificateRefused as refusal:
        _refused(form, refusal)
        return _page(_managed(external_certificate_id), check=form, status=400)
    db.session.commit()
    flash(_("The check on the query site was recorded."), "success")
    return redirect(url_for("skillcerts.show", external_certificate_id=certificate.id))


@bp.post("/skill-certificates/<int:external_certificate_id>/revoke")
@roles_required(*STAFF)
def revoke(external_certificate_id: int):
    certificate = _managed(external_certificate_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _page(certificate, revoke=form, status=400)
    assert form.reason.data is not None  # DataRequired
    try:
        services.revoke(certificate.id, form.reason.data, user_id=current_user.id, now=utcnow())
    except CertificateRefused as refusal:
        _refused(form, refusal)
        return _page(_managed(external_certificate_id), revoke=form, status=400)
    db.session.commit()
    flash(_("The certificate was revoked. It stays on record and counts for no claim."), "info")
    return redirect(url_for("skillcerts.show", external_certificate_id=certificate.id))


@bp.post("/skill-certificates/<int:external_certificate_id>/scan")
@roles_required(*STAFF)
def upload_scan(external_certificate_id: int):
    certificate = _managed(external_certificate_id)
    form = ScanForm()
    if not form.validate_on_submit() or form.scan.checked is None:
        return _page(certificate, scan=form, status=400)
    try:
        services.attach_scan(certificate.id, form.scan.checked, user_id=current_user.id)
    except CertificateRefused as refusal:
        _refused(form, refusal)
        return _page(_managed(external_certificate_id), scan=form, status=400)
    db.session.commit()
    flash(_("The scan was saved."), "success")
    return redirect(url_for("skillcerts.show", external_certificate_id=certificate.id))


@when_too_large("skillcerts.upload_scan")
def _scan_too_large(fields):
    certificate = queries.certificate_page((request.view_args or {}).get("external_certificate_id", 0))
    if certificate is None or not _staff_may(lambda: can_manage_cohort(current_user, certificate.enrollment.cohort)):
        return render_error(413)[0]
    form = ScanForm(formdata=None)
    form.scan.errors = [files.too_large_words()]
    return _page(certificate, scan=form)[0]


@bp.get("/skill-certificates/<int:external_certificate_id>/scan")
@roles_required(*STAFF, Role.TRAINEE)
def scan(external_certificate_id: int):
    certificate = db.get_or_404(ExternalCertificate, external_certificate_id)
    if not may_see_scan(current_user, certificate):
        deny("external_certificate_scan", external_certificate_id)
    if not certificate.scan_sha256 or not certificate.scan_type:
        abort(404)
    name = f"{certificate.number}{files.EXTENSIONS[certificate.scan_type][0]}"
    return files.send_evidence(certificate.scan_sha256, certificate.scan_type, name)
