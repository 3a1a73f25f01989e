"""Skill certificates issued elsewhere, on an enrollment: recording one (its number checked by
numbers.check_number), its scan, the manual check on the national query site, revocation.

Every operation raises CertificateRefused with the user's words instead of returning a flag,
records an audit event with before and after, and never commits. A scan is written to disk
(training/files.py) before the row that points at it is added, so no row is committed without
its file. Whoever recorded a certificate does not record its check: nobody approves what they
prepared. A revoked certificate stays on record, with its reason, and counts for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training import audit, files
from training.exceptions import DomainError
from training.extensions import db
from training.files import CheckedFile
from training.models import SEATED, Enrollment, ExternalCertificate, ExternalCertificateKind
from training.orm import lock_row
from training.skillcerts.numbers import check_number, normalize_number

ISSUER_LENGTH = 100
REASON_LENGTH = 500


class CertificateRefused(DomainError):
    """What is wrong, in words; `field` names the form field it belongs under (None: the form)."""

    def __init__(self, *messages: str, field: str | None = None):
        super().__init__(" ".join(messages))
        self.messages = list(messages)
        self.field = field


@dataclass(frozen=True)
class CertificateDetails:
    kind: str
    number: str
    issuer: str
    level: int | None
    issued_on: date


def snapshot(certificate: ExternalCertificate) -> dict:
    """What the audit trail keeps of a certificate."""
    return {
        "enrollment_id": certificate.enrollment_id,
        "kind": certificate.kind,
        "number": certificate.number,
        "issuer": certificate.issuer,
        "level": certificate.level,
        "issued_on": certificate.issued_on.isoformat(),
        "scan_sha256": certificate.scan_sha256,
    }


def _refuse_details(enrollment: Enrollment, details: CertificateDetails, today: date) -> None:
    if enrollment.status not in SEATED:
        raise CertificateRefused(_("Only a trainee who took part in this training can hold its certificate."))
    if details.kind not in set(ExternalCertificateKind):
        raise CertificateRefused(_("Choose the kind of certificate."), field="kind")
    if details.kind == ExternalCertificateKind.SKILL_LEVEL and details.level is None:
        raise CertificateRefused(_("A skill level certificate states its level: choose it."), field="level")
    if details.level is not None and not 1 <= details.level <= 5:
        raise CertificateRefused(_("The level is one of level 5 to level 1."), field="level")
    if not details.issuer.strip() or len(details.issuer.strip()) > ISSUER_LENGTH:
        raise CertificateRefused(_("Give who issued the certificate (at most 100 characters)."), field="issuer")
    if details.issued_on > today:
        raise CertificateRefused(_("The issue date is in the future."), field="issued_on")
    if details.issued_on < enrollment.cohort.start_date:
        raise CertificateRefused(
            _(
                "The issue date is before this training started (%(start)s): a certificate of this training "
                "comes after it.",
                start=enrollment.cohort.start_date.isoformat(),
            ),
            field="issued_on",
        )
    problems = check_number(details.kind, details.number, level=details.level, issued_on=details.issued_on)
    if problems:
        raise CertificateRefused(*problems, field="number")


def _already_recorded() -> CertificateRefused:
    return CertificateRefused(_("A certificate of this kind with this number is already recorded."), field="number")


def record_certificate(
    enrollment: Enrollment, details: CertificateDetails, *, scan: CheckedFile | None, user_id: int, today: date
) -> ExternalCertificate:
    """A certificate issued elsewhere for this enrollment, with its scan if there is one."""
    _refuse_details(enrollment, details, today)
    number = normalize_number(details.number)
    taken = select(ExternalCertificate.id).where(
        ExternalCertificate.kind == details.kind, ExternalCertificate.number == number
    )
    if db.session.scalar(taken) is not None:
        raise _already_recorded()
    certificate = ExternalCertificate(
        enrollment=enrollment,
        kind=details.kind,
        number=number,
        issuer=details.issuer.strip(),
        level=details.level,
        issued_on=details.issued_on,
        recorded_by_id=user_id,
    )
    if scan is not None:
        certificate.scan_sha256, certificate.scan_type = files.store_evidence(scan), scan.content_type
    db.session.add(certificate)
    try:
        db.session.flush()
    except IntegrityError:
        # The same number recorded by someone else a moment ago; the caller rolls back.
        raise _already_recorded() from None
    audit.record(
        "external_certificate_recorded",
        "external_certificate",
        certificate.id,
        after=snapshot(certificate),
        actor_id=user_id,
    )
    return certificate


def _live(certificate_id: int) -> ExternalCertificate:
    certificate = lock_row(db.session, ExternalCertificate, certificate_id)
    if certificate.revoked_at is not None:
        raise CertificateRefused(_("This certificate was revoked; it cannot be changed."))
    return certificate


def attach_scan(certificate_id: int, scan: CheckedFile, *, user_id: int) -> ExternalCertificate:
    """Keep the scan of a certificate (a new one replaces the old; the audit trail keeps both hashes)."""
    certificate = _live(certificate_id)
    before = {"scan_sha256": certificate.scan_sha256}
    certificate.scan_sha256, certificate.scan_type = files.store_evidence(scan), scan.content_type
    audit.record(
        "external_certificate_scan_attached",
        "external_certificate",
        certificate.id,
        before=before,
        after={"scan_sha256": certificate.scan_sha256, "scan_type": scan.content_type},
        actor_id=user_id,
    )
    return certificate


def record_check(certificate_id: int, *, found: bool, user_id: int, now: datetime) -> ExternalCertificate:
    """Record that someone looked the certificate up on the national query site, and what they found."""
    certificate = _live(certificate_id)
    if certificate.recorded_by_id == user_id:
        raise CertificateRefused(
            _(
                "You recorded this certificate: someone else checks it on the query site. Nobody approves what they prepared."
            )
        )
    before = {"check_found": certificate.check_found, "checked_by_id": certificate.checked_by_id}
    certificate.check_found, certificate.checked_at, certificate.checked_by_id = found, now, user_id
    audit.record(
        "external_certificate_checked",
        "external_certificate",
        certificate.id,
        before=before,
        after={"check_found": found, "checked_by_id": user_id},
        actor_id=user_id,
    )
    return certificate


def revoke(certificate_id: int, reason: str, *, user_id: int, now: datetime) -> ExternalCertificate:
    """Mark the certificate revoked with a reason: it stays on record and counts for no claim."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_LENGTH:
        raise CertificateRefused(_("Give the reason for the revocation (at most 500 characters)."), field="reason")
    certificate = _live(certificate_id)
    certificate.revoked_at, certificate.revoke_reason = now, reason
    audit.record(
        "external_certificate_revoked",
        "external_certificate",
        certificate.id,
        before={"revoked": False},
        after={"revoked": True, "reason": reason},
        actor_id=user_id,
    )
    return certificate
