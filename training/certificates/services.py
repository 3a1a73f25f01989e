"""Certificate operations for the views and the command line: start issuing, revoke, reissue,
and the queries the pages show. They raise CertificateRefused and never commit."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from training import audit
from training.certificates import issuing, jobs, serials
from training.certificates.issuing import ISSUABLE_COHORTS, CertificateRefused
from training.extensions import db
from training.jobs.services import create_job
from training.localtime import local_today
from training.models import (
    Certificate,
    CertificateStatus,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Job,
    Trainee,
    User,
    utcnow,
)
from training.orm import lock_row

__all__ = [
    "CertificateRefused",
    "REVOKE_CATEGORIES",
    "cohort_roster",
    "issue_now",
    "reissue",
    "revoke",
    "start_issuing",
]

REVOKE_CATEGORIES = {
    "fraud": _l("Obtained by fraud"),
    "error": _l("Issued in error"),
    "other": _l("Other reason"),
}


@dataclass
class RosterRow:
    enrollment: Enrollment
    certificate: Certificate | None  # the valid one, else the latest

    @property
    def issuable(self) -> bool:
        return self.certificate is None or self.certificate.status != CertificateStatus.VALID


def cohort_roster(cohort_id: int) -> list[RosterRow]:
    """The cohort's completed trainees with their certificates, in two statements."""
    enrollments = db.session.scalars(
        select(Enrollment)
        .join(Trainee)
        .options(joinedload(Enrollment.trainee))
        .where(Enrollment.cohort_id == cohort_id, Enrollment.status == EnrollmentStatus.COMPLETED)
        .order_by(Trainee.name, Enrollment.id)
    ).all()
    current: dict[int, Certificate] = {}
    for certificate in db.session.scalars(
        select(Certificate).join(Enrollment).where(Enrollment.cohort_id == cohort_id).order_by(Certificate.id)
    ):
        held = current.get(certificate.enrollment_id)
        if held is None or held.status != CertificateStatus.VALID:
            current[certificate.enrollment_id] = certificate
    return [RosterRow(e, current.get(e.id)) for e in enrollments]


def issuable_enrollment_ids(cohort_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Enrollment.id)
            .where(
                Enrollment.cohort_id == cohort_id,
                Enrollment.status == EnrollmentStatus.COMPLETED,
                ~issuing.has_valid_certificate(),
            )
            .order_by(Enrollment.id)
        )
    )


def start_issuing(
    cohort: Cohort, user: User | None, ticked: list[int] | None, locale: str, ip: str | None = None
) -> Job:
    """A queued job issuing to every completed trainee without a certificate (or the ticked ones)."""
    if cohort.status not in ISSUABLE_COHORTS:
        raise CertificateRefused(_("Certificates are issued once the cohort is finished."))
    targets = issuable_enrollment_ids(cohort.id)
    if ticked is not None:
        chosen = set(ticked)
        targets = [enrollment_id for enrollment_id in targets if enrollment_id in chosen]
    if not targets:
        raise CertificateRefused(_("Nobody to issue to: every chosen trainee who completed already has a certificate."))
    params = jobs.params_for(cohort.id, targets, user, locale, ip)
    return create_job(jobs.KIND, params, user.id if user else None, total=len(targets))


def issue_now(cohort_code: str, issued_by_id: int | None = None) -> int:
    """Issue, in this process and transaction, to every completed trainee of a finished cohort who
    has no certificate yet; return how many. Idempotent. For the demo data: `flask seed-demo`.

    Raises issuing.BatchFailed if a batch cannot be rendered or stored (roll back then).
    """
    cohort = db.session.scalar(select(Cohort).where(Cohort.code == cohort_code))
    if cohort is None or cohort.status not in ISSUABLE_COHORTS:
        return 0
    issued = 0
    for batch in jobs.batches(issuable_enrollment_ids(cohort.id), jobs.MAX_BATCH):
        issued += len(issuing.issue_batch(cohort.id, batch, issued_by_id).issued)
    return issued


def certificate_by_serial(serial: str) -> Certificate | None:
    if not serials.is_serial(serial):
        return None
    return db.session.scalar(
        select(Certificate)
        .options(joinedload(Certificate.enrollment).joinedload(Enrollment.cohort))
        .where(Certificate.serial == serial)
    )


def history(enrollment_id: int) -> list[Certificate]:
    """Every certificate of one enrollment, oldest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .options(selectinload(Certificate.superseded_by))
            .where(Certificate.enrollment_id == enrollment_id)
            .order_by(Certificate.id)
        )
    )


def trainee_certificates(trainee_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .join(Enrollment)
            .options(selectinload(Certificate.superseded_by))
            .where(Enrollment.trainee_id == trainee_id)
            .order_by(Certificate.id.desc())
        )
    )


def revoke(certificate_id: int, category: str, reason: str, user_id: int | None) -> Certificate:
    """Mark a valid certificate revoked, with a reason; the verification page says so from now on."""
    reason = (reason or "").strip()
    if category not in REVOKE_CATEGORIES:
        raise CertificateRefused(_("Choose why the certificate is revoked."))
    if not reason:
        raise CertificateRefused(_("Give a reason for the revocation."))
    certificate = lock_row(db.session, Certificate, certificate_id)
    if certificate.status != CertificateStatus.VALID:
        raise CertificateRefused(_("Only a valid certificate can be revoked."))
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at, certificate.revoke_category, certificate.revoke_reason = utcnow(), category, reason
    audit.record(
        "certificate_revoked",
        "certificate",
        certificate.serial,
        before={"status": "valid"},
        after={"status": "revoked", "category": category, "reason": reason},
        actor_id=user_id,
    )
    return certificate


def reissue(certificate_id: int, reason: str, user_id: int | None) -> Certificate:
    """A corrected certificate under a new serial, from the records as they are now; the old one is superseded."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateRefused(_("Say what the new certificate corrects."))
    old = db.session.get_one(Certificate, certificate_id)
    cohort = old.enrollment.cohort
    issued_on = local_today()
    serials.lock_counter(issued_on.year, cohort.county_code)
    old = lock_row(db.session, Certificate, certificate_id)
    if old.status != CertificateStatus.VALID:
        raise CertificateRefused(_("Only a valid certificate can be reissued."))
    if old.enrollment.status != EnrollmentStatus.COMPLETED:
        raise CertificateRefused(_("The trainee no longer counts as having completed this training."))
    old.status = CertificateStatus.SUPERSEDED
    db.session.flush()  # the new certificate becomes the enrollment's one valid certificate
    try:
        [new] = issuing.issue(cohort, [old.enrollment], issued_on, user_id, reason=reason)
    except issuing.BatchFailed as failure:
        raise CertificateRefused(failure.reason) from None
    old.superseded_by = new
    audit.record(
        "certificate_reissued",
        "certificate",
        old.serial,
        before={"serial": old.serial, "status": "valid", "name": old.snapshot["name"]},
        after={"status": "superseded", "superseded_by": new.serial, "name": new.snapshot["name"], "reason": reason},
        actor_id=user_id,
    )
    return new
