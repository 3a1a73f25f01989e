"""Issuing a batch of certificates in one transaction: serials, snapshot, signature, PDF, file, row.

Order matters. The county's serial counter is locked first (so two batches take turns
and a failed batch gives its numbers back); then the batch is rendered as one document,
the rows are flushed, the files are written durably; the caller commits. A row is never
committed without its file, and a batch that fails leaves neither rows nor files.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from training import audit
from training.certificates import pdf, serials, signing, storage
from training.exceptions import DomainError
from training.extensions import db
from training.identity import mask_id_number
from training.localtime import local_today
from training.models import (
    Certificate,
    CertificateStatus,
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
)

log = logging.getLogger(__name__)

ISSUABLE_COHORTS = (CohortStatus.FINISHED, CohortStatus.CLOSED)
# National vocational qualification levels as a certificate names them.
LEVEL_NAMES = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}
PAYLOAD_VERSION = 2  # the name signed as a salted hash (signing.py); 1: the name itself


class CertificateRefused(DomainError):
    pass


class BatchFailed(Exception):
    """Nothing of the batch was kept; every certificate in it failed for this reason. Roll back."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.outcome = BatchOutcome()  # what the batch would have reported: the failures to show


@dataclass
class BatchOutcome:
    issued: list[Certificate] = field(default_factory=list)
    skipped: int = 0  # already had a valid certificate
    refused: list[dict] = field(default_factory=list)  # {"item", "reason"} for the job page


def chinese_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def verify_url(serial: str, token: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{serial}?t={token}"


def snapshot_for(enrollment: Enrollment, serial: str, issued_on: date, key_id: str) -> dict:
    """What the certificate states: printed as it is, signed with the name as its salted hash."""
    cohort, course = enrollment.cohort, enrollment.cohort.course
    return signing.with_name_hash(
        {
            "v": PAYLOAD_VERSION,
            "serial": serial,
            "name": enrollment.trainee.name,
            "course": course.name,
            "occupation": course.occupation,
            "level": LEVEL_NAMES.get(course.level, f"{course.level}级"),
            "hours": course.total_hours,
            "start_date": cohort.start_date.isoformat(),
            "end_date": cohort.end_date.isoformat(),
            "site": cohort.site_name,
            "issuer": current_app.config["ISSUING_AUTHORITY"],
            "issued_on": issued_on.isoformat(),
            "key_id": key_id,
        }
    )


def page_for(certificate: Certificate, id_number: str) -> pdf.CertificatePage:
    s = certificate.snapshot
    return pdf.CertificatePage(
        serial=s["serial"],
        name=s["name"],
        masked_id=mask_id_number(id_number),
        course=s["course"],
        occupation=s["occupation"],
        level=s["level"],
        hours=s["hours"],
        start_date=chinese_date(s["start_date"]),
        end_date=chinese_date(s["end_date"]),
        site=s["site"],
        issuer=s["issuer"],
        issued_on=chinese_date(s["issued_on"]),
        verify_url=verify_url(certificate.serial, certificate.token),
    )


def has_valid_certificate():
    return exists().where(Certificate.enrollment_id == Enrollment.id, Certificate.status == CertificateStatus.VALID)


def issue_batch(cohort_id: int, enrollment_ids: Sequence[int], issued_by_id: int | None) -> BatchOutcome:
    """Issue to those of these enrollments that completed the cohort and have no valid certificate yet."""
    cohort = db.session.get_one(Cohort, cohort_id)
    issued_on = local_today()
    serials.lock_counter(issued_on.year, cohort.county_code)
    # Read after taking the lock: a batch that ran meanwhile has committed its certificates.
    rows = db.session.execute(
        select(Enrollment, has_valid_certificate())
        .options(joinedload(Enrollment.trainee))
        .where(Enrollment.id.in_(list(enrollment_ids)), Enrollment.cohort_id == cohort_id)
        .order_by(Enrollment.id)
    ).all()
    outcome = BatchOutcome()
    pending = []
    for enrollment, has_one in rows:
        if has_one:
            outcome.skipped += 1
        elif enrollment.status != EnrollmentStatus.COMPLETED:
            outcome.refused.append({"item": enrollment.trainee.name, "reason": _("Has not completed the training.")})
        else:
            pending.append(enrollment)
    found = {enrollment.id for enrollment, _has_one in rows}
    outcome.refused += [
        {"item": f"#{enrollment_id}", "reason": _("Not enrolled in this cohort.")}
        for enrollment_id in enrollment_ids
        if enrollment_id not in found
    ]
    try:
        outcome.issued = issue(cohort, pending, issued_on, issued_by_id)
    except BatchFailed as failure:
        failure.outcome = BatchOutcome(
            skipped=outcome.skipped,
            refused=outcome.refused
            + [{"item": enrollment.trainee.name, "reason": failure.reason} for enrollment in pending],
        )
        raise
    return outcome


def issue(
    cohort: Cohort,
    enrollments: Sequence[Enrollment],
    issued_on: date,
    issued_by_id: int | None,
    reason: str | None = None,
) -> list[Certificate]:
    """Certificates for these enrollments; the counter must be locked. Raises BatchFailed."""
    if not enrollments:
        return []
    key = signing.current_key()
    prefix = current_app.config["CERTIFICATE_PREFIX"]
    numbers = serials.allocate(issued_on.year, cohort.county_code, len(enrollments))
    certificates = []
    for enrollment, number in zip(enrollments, numbers, strict=True):
        serial = serials.format_serial(prefix, issued_on.year, cohort.county_code, number)
        snapshot = snapshot_for(enrollment, serial, issued_on, key.key_id)
        certificates.append(
            Certificate(
                serial=serial,
                token=secrets.token_urlsafe(16),
                enrollment=enrollment,
                snapshot=snapshot,
                signature=key.sign(signing.signed_payload(snapshot)),
                key_id=key.key_id,
                issued_by_id=issued_by_id,
                status=CertificateStatus.VALID,
            )
        )
    try:
        files = pdf.render_batch(
            [page_for(c, c.enrollment.trainee.id_number) for c in certificates], storage.seal_data_uri()
        )
    except Exception:  # a batch job reports it per certificate instead of dying
        log.exception("certificate rendering failed", extra={"cohort_id": cohort.id})
        raise BatchFailed(_("The PDF could not be made.")) from None
    for certificate, data in zip(certificates, files, strict=True):
        certificate.pdf_sha256 = storage.sha256(data)
        audit.record(
            "certificate_issued",
            "certificate",
            certificate.serial,
            after={
                "serial": certificate.serial,
                "enrollment_id": certificate.enrollment.id,
                **({"reason": reason} if reason else {}),
            },
        )
    db.session.add_all(certificates)
    db.session.flush()  # a conflicting row fails here, before any file is written
    try:
        storage.store([(c.serial, data) for c, data in zip(certificates, files, strict=True)])
    except storage.StorageFailed as error:
        raise BatchFailed(_("The PDF could not be stored: %(error)s.", error=error.strerror)) from None
    return certificates
