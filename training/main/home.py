"""What each staff role's home page shows, as queries over the user's scope: the coordinator's
overview, the trainer's day, the admin's accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from training.extensions import db
from training.models import ClassSession, Cohort, CohortStatus, Enrollment, EnrollmentStatus, Role, Trainee, User
from training.permissions import cohort_scope, sees_everything, trainee_scope


@dataclass
class CoordinatorOverview:
    cohorts_by_status: dict[str, int]
    trainees: int
    enrollments_by_status: dict[str, int]
    upcoming_sessions: list[ClassSession]


def coordinator_overview(user: User, now: datetime, days: int = 7) -> CoordinatorOverview:
    """Counts in the coordinator's scope and the sessions of the coming days."""
    scope = cohort_scope(user)
    cohorts = dict(
        db.session.execute(select(Cohort.status, func.count()).where(scope).group_by(Cohort.status)).tuples().all()
    )
    enrollment_counts = select(Enrollment.status, func.count()).group_by(Enrollment.status)
    if not sees_everything(user):
        enrollment_counts = enrollment_counts.join(Cohort, Cohort.id == Enrollment.cohort_id).where(scope)
    enrollments = dict(db.session.execute(enrollment_counts).tuples().all())
    trainees = db.session.scalar(select(func.count()).select_from(Trainee).where(trainee_scope(user)))
    return CoordinatorOverview(
        cohorts_by_status={status.value: cohorts.get(status.value, 0) for status in CohortStatus},
        trainees=trainees or 0,
        enrollments_by_status={status.value: enrollments.get(status.value, 0) for status in EnrollmentStatus},
        upcoming_sessions=sessions_between(user, now, now + timedelta(days=days), limit=20),
    )


def sessions_between(user: User, start: datetime, end: datetime, limit: int = 50) -> list[ClassSession]:
    """Sessions in the user's scope starting in [start, end), earliest first, with their cohort and course."""
    return list(
        db.session.scalars(
            select(ClassSession)
            .join(Cohort, Cohort.id == ClassSession.cohort_id)
            .where(cohort_scope(user), ClassSession.starts_at >= start, ClassSession.starts_at < end)
            .options(joinedload(ClassSession.cohort).joinedload(Cohort.course))
            .order_by(ClassSession.starts_at)
            .limit(limit)
        )
    )


@dataclass
class TrainerDay:
    today: list[ClassSession]
    upcoming: list[ClassSession]
    recent: list[ClassSession]


def trainer_day(user: User, day_start: datetime, lock_hours: int) -> TrainerDay:
    """Today's sessions, the next week's, and recent ones still open for marking."""
    day_end = day_start + timedelta(days=1)
    return TrainerDay(
        today=sessions_between(user, day_start, day_end),
        upcoming=sessions_between(user, day_end, day_end + timedelta(days=7), limit=10),
        recent=sessions_between(user, day_start - timedelta(hours=lock_hours), day_start, limit=10),
    )


def accounts_by_role() -> dict[str, dict[str, int]]:
    """Active and disabled accounts per role, for the admin's home page."""
    rows = db.session.execute(select(User.role, User.active, func.count()).group_by(User.role, User.active))
    counts = {role.value: {"active": 0, "disabled": 0} for role in Role}
    for role, active, count in rows:
        counts[role]["active" if active else "disabled"] = count
    return counts
