"""Absence warnings: trainees of a running cohort who can no longer reach the course's minimum
attendance, or who missed ABSENCE_WARNING_IN_A_ROW sessions in a row (default 2).

- Cannot reach: the hours attended so far plus the hours of every session not marked yet (still to
  come, or held and not marked so far: a trainer marks until the lock) fall short of the minimum
  of the cohort's scheduled hours, by the completion rule's own test (completion.meets_minimum).
  It is the test /me's progress bar makes (main/me.AttendanceProgress.reachable), so the two agree.
- Missed in a row: the sessions that have ended since the latest one the trainee did not miss
  (models.NOT_MISSED: attended, or excused by the trainer). A session ended with no mark counts as
  missed (nobody checked them in); one still going on counts neither way, so a trainee checked in
  to today's class is no longer warned about the classes before it.

Each rule has its SQL form beside it; a cohort's (or a trainer's cohorts') warnings cost one
statement whatever the roster size, /me's come with its hours (main/me).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import Flask, current_app
from sqlalchemy import ColumnElement, Subquery, and_, func, or_, select

from training.completion import meets_minimum
from training.extensions import db
from training.models import (
    NOT_MISSED,
    SEATED,
    Attendance,
    ClassSession,
    Cohort,
    CohortStatus,
    Course,
    Enrollment,
    Trainee,
    User,
    utcnow,
)
from training.permissions import cohort_scope

SETTING = "ABSENCE_WARNING_IN_A_ROW"


def parse_in_a_row(value, name: str = SETTING) -> int:
    """A whole number of sessions, at least 1; refused (ValueError naming the setting) otherwise."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a whole number of sessions") from None
    if number < 1:
        raise ValueError(f"{name}={value!r}: warn after at least 1 missed session")
    return number


def init_app(app: Flask) -> None:
    """Parse the setting once, at start-up, and give the templates their warnings."""
    app.extensions[SETTING] = parse_in_a_row(app.config.get(SETTING, 2))
    app.add_template_global(cohort_absence_warnings, "absence_warnings")
    app.add_template_global(trainer_absence_warnings)


def in_a_row() -> int:
    """Missed sessions in a row that warn (parsed at start-up)."""
    return current_app.extensions[SETTING]


# ---- the rules and their SQL forms -----------------------------------------------------------


def cannot_reach(attended: Decimal, still_open: Decimal, scheduled: Decimal, min_pct: int) -> bool:
    """Even attending every session not marked yet would leave the trainee below the minimum."""
    return bool(scheduled) and not meets_minimum(Decimal(attended) + Decimal(still_open), scheduled, min_pct)


def missed_in_a_row(sessions: Iterable[tuple[bool, str | None]]) -> int:
    """(ended, mark) of a trainee's sessions, newest first: the ended sessions missed since the latest
    one not missed. `missed_in_a_row_sql` counts the same in SQL."""
    count = 0
    for ended, status in sessions:
        if status in NOT_MISSED:
            break
        count += ended
    return count


def last_not_missed(*where: ColumnElement[bool]) -> Subquery:
    """Per enrollment (of the sessions `where` picks), the start of the latest session not missed."""
    return (
        select(Attendance.enrollment_id, func.max(ClassSession.starts_at).label("starts_at"))
        .join(ClassSession, ClassSession.id == Attendance.session_id)
        .where(Attendance.status.in_(NOT_MISSED), *where)
        .group_by(Attendance.enrollment_id)
        .subquery("not_missed")
    )


def missed_in_a_row_sql(last: Subquery, now) -> ColumnElement[int]:
    """missed_in_a_row over ClassSession rows joined to `last` (outer-joined on the enrollment)."""
    after_last = or_(last.c.starts_at.is_(None), ClassSession.starts_at > last.c.starts_at)
    return func.count(ClassSession.id).filter(ClassSession.ends_at <= now, after_last)


# ---- the lists for trainers and coordinators -------------------------------------------------


@dataclass(frozen=True)
class AbsenceWarning:
    """One trainee warned about, with the figures that say why."""

    enrollment_id: int
    cohort_id: int
    cohort_code: str
    course_name: str
    name: str
    attended: Decimal
    still_open: Decimal  # hours of the sessions not marked yet, or signed in and not out yet
    scheduled: Decimal
    min_pct: int
    missed: int  # sessions missed in a row
    unreachable: bool
    missed_too_many: bool


def absence_warnings(cohorts: ColumnElement[bool], now: datetime, warn_after: int) -> list[AbsenceWarning]:
    """The warnings of the running cohorts `cohorts` (a clause on Cohort) picks, in one statement:
    by cohort, those who cannot reach the minimum first, then the longest runs of absences."""
    running = select(Cohort.id).where(Cohort.status == CohortStatus.RUNNING, cohorts)
    last = last_not_missed(ClassSession.cohort_id.in_(running))
    hours = func.coalesce(func.sum(ClassSession.hours), 0)

    def hours_where(condition):
        return func.coalesce(func.sum(ClassSession.hours).filter(condition), 0)

    rows = db.session.execute(
        select(
            Enrollment.id,
            Cohort.id,
            Cohort.code,
            Course.name,
            Course.min_attendance_pct,
            Trainee.name,
            hours_where(Attendance.counts_hours),
            hours_where(or_(Attendance.id.is_(None), Attendance.awaits_signout)),  # not marked, or not out yet
            hours,
            missed_in_a_row_sql(last, now),
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .join(Trainee, Trainee.id == Enrollment.trainee_id)
        .join(ClassSession, ClassSession.cohort_id == Enrollment.cohort_id)
        .outerjoin(
            Attendance, and_(Attendance.session_id == ClassSession.id, Attendance.enrollment_id == Enrollment.id)
        )
        .outerjoin(last, last.c.enrollment_id == Enrollment.id)
        .where(Cohort.status == CohortStatus.RUNNING, cohorts, Enrollment.status.in_(SEATED))
        .group_by(
            Enrollment.id,
            Cohort.id,
            Cohort.code,
            Course.name,
            Course.min_attendance_pct,
            Trainee.name,
            last.c.starts_at,
        )
    )
    found = []
    for enrollment_id, cohort_id, code, course, min_pct, name, attended, still_open, scheduled, missed in rows:
        attended, still_open, scheduled = (Decimal(str(value)) for value in (attended, still_open, scheduled))
        unreachable = cannot_reach(attended, still_open, scheduled, min_pct)
        if unreachable or missed >= warn_after:
            found.append(
                AbsenceWarning(
                    enrollment_id,
                    cohort_id,
                    code,
                    course,
                    name,
                    attended,
                    still_open,
                    scheduled,
                    min_pct,
                    missed,
                    unreachable,
                    missed >= warn_after,
                )
            )
    return sorted(found, key=lambda w: (w.cohort_code, not w.unreachable, -w.missed, w.name, w.enrollment_id))


def cohort_absence_warnings(cohort: Cohort) -> list[AbsenceWarning]:
    """The cohort page's warnings (none unless it is running)."""
    if cohort.status != CohortStatus.RUNNING:
        return []
    return absence_warnings(Cohort.id == cohort.id, utcnow(), in_a_row())


def trainer_absence_warnings(user: User) -> list[AbsenceWarning]:
    """The warnings of the running cohorts the user teaches (or sees), for their home page."""
    return absence_warnings(cohort_scope(user), utcnow(), in_a_row())


# ---- the trainee's own ------------------------------------------------------------------------


@dataclass(frozen=True)
class TraineeWarning:
    """What /me tells a trainee: the classes missed in a row (0: not warned for that) and whether the
    minimum is out of reach; the hours come from /me's progress."""

    missed: int
    unreachable: bool


def trainee_warning(
    attended: Decimal, still_open: Decimal, scheduled: Decimal, min_pct: int, missed: int, warn_after: int
) -> TraineeWarning | None:
    """The warning of one training in a running cohort, None when neither rule warns."""
    unreachable = cannot_reach(attended, still_open, scheduled, min_pct)
    if not unreachable and missed < warn_after:
        return None
    return TraineeWarning(missed if missed >= warn_after else 0, unreachable)
