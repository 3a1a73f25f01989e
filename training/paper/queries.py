"""What a class's paper is printed from, each loaded in a fixed number of statements whatever the
roster's size: a session's sign-in sheet in three, a cohort's whole set (every document) in nine.

The people on every document are the cohort's roster, models.SEATED (enrolled, or already judged
completed or failed), in the roster page's order: by name, then enrollment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from training.enrollment.rules import SUBSIDY_USING
from training.extensions import db
from training.models import (
    SEATED,
    Attendance,
    Certificate,
    CertificateStatus,
    ClassSession,
    Cohort,
    Enrollment,
    ExternalCertificate,
    Trainee,
)


@dataclass(frozen=True)
class IssuedCertificate:
    """A certificate a trainee holds for this class: ours (kind "own") or another body's."""

    kind: str  # "own" or a models.ExternalCertificateKind
    number: str
    issued_on: date
    issuer: str


@dataclass
class Person:
    """One line of the roster: the enrollment, its trainee, and what the documents say of them."""

    enrollment: Enrollment
    trainee: Trainee
    marks: dict[int, str] = field(default_factory=dict)  # session id → attendance status
    awaiting_signout: set[int] = field(default_factory=set)  # sessions signed in under two marks, not out
    certificates: list[IssuedCertificate] = field(default_factory=list)
    subsidised_this_year: int = 0


@dataclass
class CohortRecords:
    """A cohort with its course, county, employer, trainers and sessions, and its roster."""

    cohort: Cohort
    people: list[Person]

    @property
    def sessions(self) -> list[ClassSession]:
        return self.cohort.sessions


@dataclass
class SessionRecords:
    """A session with its cohort (course, county, trainers) and the cohort's roster."""

    session: ClassSession
    people: list[Person]


def _seated(cohort_id: int):
    return and_(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(SEATED))


def _roster(cohort_id: int, *, categories: bool) -> list[Person]:
    trainee = joinedload(Enrollment.trainee)
    options = [trainee.joinedload(Trainee.county)]
    if categories:
        options.append(trainee.selectinload(Trainee.categories))
    query = (
        select(Enrollment)
        .join(Trainee, Trainee.id == Enrollment.trainee_id)
        .where(_seated(cohort_id))
        .options(*options)
        .order_by(Trainee.name, Enrollment.id)
    )
    return [Person(enrollment, enrollment.trainee) for enrollment in db.session.scalars(query)]


def session_records(session_id: int) -> SessionRecords | None:
    """The session and everyone on its cohort's roster (three statements), or None."""
    session = db.session.scalar(
        select(ClassSession)
        .where(ClassSession.id == session_id)
        .options(
            joinedload(ClassSession.cohort).joinedload(Cohort.course),
            joinedload(ClassSession.cohort).joinedload(Cohort.county),
            joinedload(ClassSession.cohort).selectinload(Cohort.trainers),
        )
    )
    if session is None:
        return None
    return SessionRecords(session, _roster(session.cohort_id, categories=False))


def cohort_records(cohort_id: int) -> CohortRecords | None:
    """The cohort and its roster with every mark, certificate and the year's subsidised trainings
    (nine statements), or None."""
    cohort = db.session.scalar(
        select(Cohort)
        .where(Cohort.id == cohort_id)
        .options(
            joinedload(Cohort.course),
            joinedload(Cohort.county),
            joinedload(Cohort.employer),
            selectinload(Cohort.trainers),
            selectinload(Cohort.sessions),
        )
    )
    if cohort is None:
        return None
    people = _roster(cohort.id, categories=True)
    by_enrollment = {person.enrollment.id: person for person in people}
    for enrollment_id, session_id, status, signout_required, signed_out_at in db.session.execute(
        select(
            Attendance.enrollment_id,
            Attendance.session_id,
            Attendance.status,
            Attendance.signout_required,
            Attendance.signed_out_at,
        )
        .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
        .where(_seated(cohort.id))
    ):
        by_enrollment[enrollment_id].marks[session_id] = status
        if signout_required and signed_out_at is None:
            by_enrollment[enrollment_id].awaiting_signout.add(session_id)
    for enrollment_id, certificate in _certificates(cohort.id):
        by_enrollment[enrollment_id].certificates.append(certificate)
    counts = _subsidised_in_year(cohort.id, cohort.start_date.year)
    for person in people:
        person.subsidised_this_year = counts.get(person.trainee.id, 0)
    return CohortRecords(cohort, people)


def _certificates(cohort_id: int) -> list[tuple[int, IssuedCertificate]]:
    """Every valid certificate of ours and every unrevoked one of another body, per enrollment."""
    found: list[tuple[int, IssuedCertificate]] = []
    own = db.session.execute(
        select(Certificate.enrollment_id, Certificate.serial, Certificate.issued_at, Certificate.snapshot)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(_seated(cohort_id), Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.issued_at)
    )
    for enrollment_id, serial, issued_at, snapshot in own:
        issued_on = date.fromisoformat(snapshot["issued_on"]) if snapshot.get("issued_on") else issued_at.date()
        found.append((enrollment_id, IssuedCertificate("own", serial, issued_on, snapshot.get("issuer") or "")))
    external = db.session.execute(
        select(
            ExternalCertificate.enrollment_id,
            ExternalCertificate.kind,
            ExternalCertificate.number,
            ExternalCertificate.issued_on,
            ExternalCertificate.issuer,
        )
        .join(Enrollment, Enrollment.id == ExternalCertificate.enrollment_id)
        .where(_seated(cohort_id), ExternalCertificate.revoked_at.is_(None))
        .order_by(ExternalCertificate.issued_on, ExternalCertificate.id)
    )
    for enrollment_id, kind, number, issued_on, issuer in external:
        found.append((enrollment_id, IssuedCertificate(kind, number, issued_on, issuer)))
    return found


def _subsidised_in_year(cohort_id: int, year: int) -> dict[int, int]:
    """Trainee id → subsidised trainings (enrollment.rules.SUBSIDY_USING) in classes starting in
    `year`, this one included: the roster's 本年度已享受补贴培训次数."""
    on_roster = select(Enrollment.trainee_id).where(_seated(cohort_id))
    rows = db.session.execute(
        select(Enrollment.trainee_id, func.count(Enrollment.id))
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(
            Enrollment.trainee_id.in_(on_roster),
            Enrollment.subsidised.is_(True),
            Enrollment.status.in_(sorted(SUBSIDY_USING)),
            Cohort.start_date >= date(year, 1, 1),
            Cohort.start_date <= date(year, 12, 31),
        )
        .group_by(Enrollment.trainee_id)
    )
    return dict(rows.tuples().all())
