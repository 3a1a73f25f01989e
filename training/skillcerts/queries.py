"""What the pages of skill certificates issued elsewhere show, in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from training.extensions import db
from training.models import SEATED, Cohort, Enrollment, ExternalCertificate, Role, User
from training.permissions import cohort_scope

MANAGERS = (Role.ADMIN, Role.COORDINATOR)


@dataclass(frozen=True)
class TraineeCertificates:
    """The panel of a trainee's page: their certificates, and which of them the user may manage."""

    certificates: list[ExternalCertificate]
    recordable: list[Enrollment]  # the trainings the user may record a certificate on
    managed_cohort_ids: frozenset[int]

    def manages(self, certificate: ExternalCertificate) -> bool:
        return certificate.enrollment.cohort_id in self.managed_cohort_ids


def _certificates_of_trainee(trainee_id: int) -> list[ExternalCertificate]:
    return list(
        db.session.scalars(
            select(ExternalCertificate)
            .join(Enrollment, Enrollment.id == ExternalCertificate.enrollment_id)
            .where(Enrollment.trainee_id == trainee_id)
            .options(
                joinedload(ExternalCertificate.enrollment).joinedload(Enrollment.cohort).joinedload(Cohort.course),
                joinedload(ExternalCertificate.checked_by),
            )
            .order_by(
                ExternalCertificate.revoked_at.is_not(None),
                ExternalCertificate.issued_on.desc(),
                ExternalCertificate.id.desc(),
            )
        )
    )


def recordable_enrollments(trainee_id: int, user: User) -> list[Enrollment]:
    """The trainee's trainings (enrolled, completed, failed) in cohorts the user manages, newest first."""
    if user.role not in MANAGERS:
        return []
    return list(
        db.session.scalars(
            select(Enrollment)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .where(Enrollment.trainee_id == trainee_id, Enrollment.status.in_(SEATED), cohort_scope(user))
            .options(joinedload(Enrollment.cohort).joinedload(Cohort.course))
            .order_by(Cohort.start_date.desc(), Enrollment.id.desc())
        )
    )


def trainee_certificates(trainee_id: int, user: User) -> TraineeCertificates:
    """Three statements, however many certificates and trainings the trainee has."""
    certificates = _certificates_of_trainee(trainee_id)
    recordable = recordable_enrollments(trainee_id, user)
    cohort_ids = {c.enrollment.cohort_id for c in certificates} - {e.cohort_id for e in recordable}
    managed = {e.cohort_id for e in recordable}
    if cohort_ids and user.role in MANAGERS:  # a withdrawn trainee's certificate, say: in scope or not
        managed |= set(db.session.scalars(select(Cohort.id).where(Cohort.id.in_(cohort_ids), cohort_scope(user))))
    return TraineeCertificates(certificates, recordable, frozenset(managed))


def certificate_page(certificate_id: int) -> ExternalCertificate | None:
    return db.session.scalar(
        select(ExternalCertificate)
        .where(ExternalCertificate.id == certificate_id)
        .options(
            joinedload(ExternalCertificate.enrollment).joinedload(Enrollment.trainee),
            joinedload(ExternalCertificate.enrollment).joinedload(Enrollment.cohort).joinedload(Cohort.course),
            joinedload(ExternalCertificate.recorded_by),
            joinedload(ExternalCertificate.checked_by),
        )
    )
