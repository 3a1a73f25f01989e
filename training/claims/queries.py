"""Everything one cohort's claim is judged on, loaded in a fixed number of statements whatever the
class size (tests/test_claims_prepare.py counts them; bench/claims.py times them beside their bare
SQL): the cohort, its claims so far, then per line of the claim: the enrollment and trainee, the
household categories with their proof, the hours attended against the hours held, our
certificates and other bodies', the jobs (flagged when they count as employment), the person's
other trainings for the subsidy rules and the other standing claims holding the enrollment; and
the cohort's completed and employed counts from training/employment.py, the reports' definition.

Each look-up selects by the cohort (a subquery of its lines), never by a list of ids.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager, joinedload

from training import employment
from training.assessment.queries import attended_hours, scheduled_hours
from training.claims.rules import CertificateFact, CohortFacts, LineFacts, OtherTraining
from training.claims.settings import OWN
from training.enrollment.rules import PastTraining
from training.extensions import db
from training.models import (
    LINE_STANDS,
    STANDING,
    Certificate,
    CertificateStatus,
    Claim,
    ClaimLine,
    Cohort,
    Course,
    Employer,
    Enrollment,
    ExternalCertificate,
    Placement,
    Trainee,
    TraineeCategory,
)
from training.reports.queries import ADMITTED


@dataclass(frozen=True)
class Job:
    """The job a line's snapshot names: one that counts as employment, the earliest."""

    employer: str | None
    kind: str
    start_date: date


@dataclass
class Line:
    """One subsidised admission with everything its verdict and snapshot need."""

    enrollment: Enrollment  # its trainee loaded
    facts: LineFacts
    job: Job | None


@dataclass
class ClaimData:
    cohort: Cohort
    claims: list[Claim]  # every version of the cohort's claim, oldest first
    cohort_facts: CohortFacts
    lines: list[Line]
    employment: employment.CohortEmployment

    @property
    def standing_claim(self) -> Claim | None:
        return next((c for c in reversed(self.claims) if c.status in STANDING), None)


def cohort(cohort_id: int) -> Cohort | None:
    """The cohort with its course and frozen standard."""
    return db.session.scalar(
        select(Cohort).where(Cohort.id == cohort_id).options(joinedload(Cohort.course), joinedload(Cohort.standard))
    )


def line_enrollments(cohort_id: int):
    """The enrollments that are lines of the cohort's claim: admitted and subsidised."""
    return and_(Enrollment.cohort_id == cohort_id, Enrollment.subsidised.is_(True), Enrollment.status.in_(ADMITTED))


def load(
    cohort: Cohort, *, definition: employment.Definition, measured_on: date, now: datetime, timezone: str
) -> ClaimData:
    """Everything the claim of `cohort` is judged on, `now` (sessions held by then) and with the
    employment rate on `measured_on`."""
    cohort_id = cohort.id
    claims = list(db.session.scalars(select(Claim).where(Claim.cohort_id == cohort_id).order_by(Claim.version)))
    enrollments = list(
        db.session.scalars(
            select(Enrollment)
            .join(Trainee, Trainee.id == Enrollment.trainee_id)
            .where(line_enrollments(cohort_id))
            .options(contains_eager(Enrollment.trainee))
            .order_by(Trainee.name, Enrollment.id)
        )
    )
    course = cohort.course
    facts = CohortFacts(
        cohort_id=cohort_id,
        training_type=cohort.training_type,
        occupation=course.occupation,
        level=course.level,
        start_date=cohort.start_date,
        held_hours=scheduled_hours(cohort_id, now),
        min_attendance_pct=course.min_attendance_pct,
        pass_score=course.pass_score,
        standard_min_hours=cohort.standard_min_hours,
    )
    attended = attended_hours(cohort_id, now)
    categories = _categories(cohort_id)
    certificates = _certificates(cohort_id, ZoneInfo(timezone))
    jobs = _jobs(cohort_id, definition, measured_on)
    others = _other_trainings(cohort_id)
    standing = _standing_claims(cohort_id)
    lines = [
        Line(
            enrollment=e,
            facts=LineFacts(
                enrollment_id=e.id,
                status=e.status,
                attended_hours=attended.get(e.id, Decimal(0)),
                theory_score=e.theory_score,
                practical_score=e.practical_score,
                categories=categories.get(e.trainee_id, {}),
                certificates=tuple(certificates.get(e.id, ())),
                other_trainings=tuple(others.get(e.trainee_id, ())),
                standing_claims=tuple(standing.get(e.id, ())),
            ),
            job=jobs.get(e.id),
        )
        for e in enrollments
    ]
    rate = employment.cohort_employment(db.session.connection(), cohort_id, definition, measured_on)
    return ClaimData(cohort, claims, facts, lines, rate)


def _line_ids(cohort_id: int):
    return select(Enrollment.id).where(line_enrollments(cohort_id))


def _line_trainees(cohort_id: int):
    return select(Enrollment.trainee_id).where(line_enrollments(cohort_id))


def _categories(cohort_id: int) -> dict[int, dict[str, str | None]]:
    """Trainee id → {household category: its proof as recorded}."""
    found: dict[int, dict[str, str | None]] = defaultdict(dict)
    rows = db.session.execute(
        select(TraineeCategory.trainee_id, TraineeCategory.category, TraineeCategory.evidence).where(
            TraineeCategory.trainee_id.in_(_line_trainees(cohort_id))
        )
    )
    for trainee_id, category, evidence in rows:
        found[trainee_id][category] = evidence
    return found


def _certificates(cohort_id: int, zone: ZoneInfo) -> dict[int, list[CertificateFact]]:
    """Enrollment id → our valid or revoked certificates and other bodies' (superseded ones are
    replaced by their successor, which is listed itself)."""
    found: dict[int, list[CertificateFact]] = defaultdict(list)
    own = db.session.execute(
        select(
            Certificate.enrollment_id,
            Certificate.serial,
            Certificate.status,
            Certificate.snapshot,
            Certificate.issued_at,
        ).where(
            Certificate.enrollment_id.in_(_line_ids(cohort_id)),
            Certificate.status.in_((CertificateStatus.VALID, CertificateStatus.REVOKED)),
        )
    )
    for enrollment_id, serial, status, snapshot, issued_at in own:
        issued_on = (snapshot or {}).get("issued_on")
        found[enrollment_id].append(
            CertificateFact(
                kind=OWN,
                number=serial,
                issued_on=date.fromisoformat(issued_on) if issued_on else issued_at.astimezone(zone).date(),
                revoked=status == CertificateStatus.REVOKED,
            )
        )
    external = db.session.execute(
        select(
            ExternalCertificate.enrollment_id,
            ExternalCertificate.kind,
            ExternalCertificate.number,
            ExternalCertificate.issued_on,
            ExternalCertificate.revoked_at,
            ExternalCertificate.check_found,
        ).where(ExternalCertificate.enrollment_id.in_(_line_ids(cohort_id)))
    )
    for enrollment_id, kind, number, issued_on, revoked_at, found_on_site in external:
        found[enrollment_id].append(
            CertificateFact(kind, number, issued_on, revoked=revoked_at is not None, found=found_on_site)
        )
    return found


def _jobs(cohort_id: int, definition: employment.Definition, measured_on: date) -> dict[int, Job]:
    """Enrollment id → the earliest of its jobs that counts as employment on `measured_on`."""
    counts = employment.counts_as_employment(definition, Cohort.end_date, measured_on)
    rows = db.session.execute(
        select(Placement.enrollment_id, Employer.name, Placement.kind, Placement.start_date)
        .join(Enrollment, Enrollment.id == Placement.enrollment_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .outerjoin(Employer, Employer.id == Placement.employer_id)
        .where(line_enrollments(cohort_id), employment.completed(), counts)
        .order_by(Placement.enrollment_id, Placement.start_date, Placement.id)
    )
    jobs: dict[int, Job] = {}
    for enrollment_id, employer, kind, start_date in rows:
        jobs.setdefault(enrollment_id, Job(employer, kind, start_date))
    return jobs


def _other_trainings(cohort_id: int) -> dict[int, list[OtherTraining]]:
    """Trainee id → their trainings in other cohorts, as the subsidy rules see them."""
    rows = db.session.execute(
        select(
            Enrollment.trainee_id,
            Cohort.id,
            Cohort.code,
            Course.name,
            Course.occupation,
            Course.level,
            Cohort.start_date,
            Enrollment.status,
            Enrollment.subsidised,
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(Enrollment.trainee_id.in_(_line_trainees(cohort_id)), Enrollment.cohort_id != cohort_id)
    )
    found: dict[int, list[OtherTraining]] = defaultdict(list)
    for trainee_id, other_id, code, name, occupation, level, start, status, subsidised in rows:
        found[trainee_id].append(
            OtherTraining(other_id, start, PastTraining(code, name, occupation, level, start.year, status, subsidised))
        )
    return found


def _standing_claims(cohort_id: int) -> dict[int, list[int]]:
    """Enrollment id → the standing claims with a line of it."""
    rows = db.session.execute(
        select(ClaimLine.enrollment_id, ClaimLine.claim_id)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .where(
            ClaimLine.enrollment_id.in_(_line_ids(cohort_id)),
            LINE_STANDS,
            Claim.status.in_(STANDING),
        )
        .order_by(ClaimLine.claim_id)
    )
    found: dict[int, list[int]] = defaultdict(list)
    for enrollment_id, claim_id in rows:
        found[enrollment_id].append(claim_id)
    return found
