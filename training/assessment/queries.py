"""What the score grid and the finalise page show, each loaded in a fixed number of statements.

Hours are summed in SQL (GROUP BY enrollment), never by loading attendance per trainee.
"Held" is completion.held, the SQL form of completion.is_held: the session has started by `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from training.completion import Verdict, completion_verdict, held
from training.extensions import db
from training.models import (
    SEATED,
    Attendance,
    ClassSession,
    Cohort,
    CohortStatus,
    Enrollment,
    Trainee,
)

# Trainees who hold a place to be assessed: enrolled, or already decided on.
FINALISABLE = (CohortStatus.RUNNING, CohortStatus.FINISHED)


def roster(cohort_id: int) -> list[Enrollment]:
    """The enrollments to assess, with their trainees, by name."""
    return list(
        db.session.scalars(
            select(Enrollment)
            .join(Trainee, Trainee.id == Enrollment.trainee_id)
            .where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(SEATED))
            .options(joinedload(Enrollment.trainee))
            .order_by(Trainee.name, Enrollment.id)
        )
    )


def _held(cohort_id: int, now: datetime):
    return and_(ClassSession.cohort_id == cohort_id, held(now))


def scheduled_hours(cohort_id: int, now: datetime) -> Decimal:
    """Hours of the cohort's sessions held by `now`."""
    total = db.session.scalar(select(func.sum(ClassSession.hours)).where(_held(cohort_id, now)))
    return Decimal(total or 0)


def attended_hours(cohort_id: int, now: datetime) -> dict[int, Decimal]:
    """Enrollment id → hours attended (present or late; signed out under two marks) in held sessions."""
    rows = db.session.execute(
        select(Attendance.enrollment_id, func.sum(ClassSession.hours))
        .join(ClassSession, ClassSession.id == Attendance.session_id)
        .where(_held(cohort_id, now), Attendance.counts_hours)
        .group_by(Attendance.enrollment_id)
    )
    return {enrollment_id: Decimal(hours or 0) for enrollment_id, hours in rows}


def upcoming_sessions(cohort_id: int, now: datetime) -> int:
    """How many of the cohort's sessions have not started by `now`."""
    return db.session.execute(select(func.count()).where(ClassSession.cohort_id == cohort_id, ~held(now))).scalar_one()


@dataclass(frozen=True)
class UnmarkedSession:
    session: ClassSession
    missing: int  # trainees holding a place with no attendance mark for it


def unmarked_sessions(cohort_id: int, now: datetime) -> list[UnmarkedSession]:
    """Held sessions where some trainee holding a place has no attendance row, oldest first."""
    rows = db.session.execute(
        select(ClassSession, func.count(Enrollment.id))
        .join(Enrollment, and_(Enrollment.cohort_id == ClassSession.cohort_id, Enrollment.status.in_(SEATED)))
        .outerjoin(
            Attendance, and_(Attendance.session_id == ClassSession.id, Attendance.enrollment_id == Enrollment.id)
        )
        .where(_held(cohort_id, now), Attendance.id.is_(None))
        .group_by(ClassSession.id)
        .order_by(ClassSession.starts_at)
    )
    return [UnmarkedSession(session, missing) for session, missing in rows]


@dataclass(frozen=True)
class Standing:
    """One trainee's position against the completion rule."""

    enrollment: Enrollment
    verdict: Verdict


def standings(cohort: Cohort, now: datetime) -> list[Standing]:
    """Every trainee holding a place, judged by the completion rule as of `now`."""
    course = cohort.course
    scheduled = scheduled_hours(cohort.id, now)
    attended = attended_hours(cohort.id, now)
    return [
        Standing(
            e,
            completion_verdict(
                attended.get(e.id, Decimal(0)),
                scheduled,
                course.min_attendance_pct,
                e.theory_score,
                e.practical_score,
                course.pass_score,
            ),
        )
        for e in roster(cohort.id)
    ]


@dataclass
class FinalisePage:
    cohort: Cohort
    standings: list[Standing]
    unmarked: list[UnmarkedSession]
    upcoming: int  # sessions still to come, which finalising now leaves out

    @property
    def eligible(self) -> int:
        return sum(1 for s in self.standings if s.verdict.eligible)

    @property
    def no_scores_yet(self) -> bool:
        return bool(self.standings) and not any_scores(s.enrollment for s in self.standings)

    @property
    def can_finalise(self) -> bool:
        return (
            self.cohort.status in FINALISABLE and not self.unmarked and bool(self.standings) and not self.no_scores_yet
        )


def any_scores(enrollments) -> bool:
    """Whether any score is entered: finalising before then would fail everyone for want of one."""
    return any(e.theory_score is not None or e.practical_score is not None for e in enrollments)


def finalise_page(cohort: Cohort, now: datetime) -> FinalisePage:
    return FinalisePage(
        cohort, standings(cohort, now), unmarked_sessions(cohort.id, now), upcoming_sessions(cohort.id, now)
    )
