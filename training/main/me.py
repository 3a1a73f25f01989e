"""Everything the trainee's own page (/me) shows, loaded in a fixed number of statements however
many sessions and marks there are: hours are summed in SQL, grouped by enrollment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from training.attendance import warnings as absence
from training.attendance.rules import checkin_open as checkin_is_open
from training.completion import Verdict, completion_verdict, held, meets_minimum
from training.extensions import db
from training.models import (
    SEATED,
    Attendance,
    Certificate,
    CertificateStatus,
    ClassSession,
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
)
from training.orm import prepared
from training.placement.queries import JobRecord, trainee_job_record

FINISHED = (EnrollmentStatus.COMPLETED, EnrollmentStatus.FAILED)
RECENT_CLASSES = 5
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class AttendanceProgress:
    """One enrollment's hours against its course minimum, over every session of the cohort.

    The completion rule (training.completion) judges the sessions held so far; a trainee
    wants to know how many hours the whole course still asks of them. Both agree once the
    last session has been held. What is missing is told in classes, not hours: "0.8 hours"
    means nothing to someone who comes to a class of 4.
    """

    attended: Decimal  # present or late, in any session marked so far
    scheduled: Decimal  # every session of the cohort, held or still to come
    # The hours of each session with no mark yet (still to come, or not marked so far): what is still to win.
    unmarked_sessions: tuple[Decimal, ...]
    min_pct: int

    @property
    def unmarked(self) -> Decimal:
        return sum(self.unmarked_sessions, Decimal(0))

    @property
    def needed(self) -> Decimal:
        """The fewest hours that reach the minimum, rounded up to the tenth of an hour sessions are counted in."""
        return (self.scheduled * self.min_pct / 100).quantize(_TENTH, rounding=ROUND_CEILING)

    @property
    def reached(self) -> bool:
        return meets_minimum(self.attended, self.scheduled, self.min_pct)

    @property
    def missing(self) -> Decimal:
        return Decimal(0) if self.reached else max(self.needed - self.attended, Decimal(0))

    @property
    def reachable(self) -> bool:
        """Whether the sessions not marked yet can still make up what is missing."""
        return self.reached or self.attended + self.unmarked >= self.needed

    @property
    def classes_missing(self) -> int | None:
        """The fewest classes not marked yet that make up what is missing (longest first); None when
        even all of them would not."""
        if not self.reachable:
            return None
        count, won = 0, Decimal(0)
        for hours in sorted(self.unmarked_sessions, reverse=True):
            if won >= self.missing:
                break
            count, won = count + 1, won + hours
        return count

    @property
    def minimum_step(self) -> int:
        """The minimum rounded to a multiple of 5: where the bar's marker goes (a CSS class, no inline style)."""
        return int(5 * round(self.min_pct / 5))


@dataclass(frozen=True)
class Training:
    """One of the trainee's enrollments as /me shows it."""

    enrollment: Enrollment
    progress: AttendanceProgress | None  # None unless the trainee holds a place
    verdict: Verdict | None  # the completion rule's reasons, for a training not passed
    # Absences that warn, in a running class the trainee is enrolled in (attendance/warnings.py).
    absence: absence.TraineeWarning | None = None

    @property
    def holds_place(self) -> bool:
        return self.enrollment.status in SEATED

    @property
    def has_scores(self) -> bool:
        return self.enrollment.theory_score is not None or self.enrollment.practical_score is not None


@dataclass(frozen=True)
class ClassMark:
    session: ClassSession
    status: str | None  # None: not marked yet


@dataclass
class TraineePage:
    current: Training | None
    others: list[Training]
    next_session: ClassSession | None
    checkin_open: bool  # one of the trainee's sessions takes check-ins now
    recent: list[ClassMark]  # the current training's latest classes, newest first
    certificates: list[Certificate]
    job: JobRecord | None  # the current job, else the last one
    # Certificates and jobs follow a completed training only (one failed later keeps its revoked
    # certificate and its job), so nobody else's page asks for them.
    finished_a_training: bool


@prepared
def _enrollments_of_trainee():
    return (
        select(Enrollment)
        .where(Enrollment.trainee_id == bindparam("trainee_id"))
        .options(
            joinedload(Enrollment.cohort).joinedload(Cohort.course),
            joinedload(Enrollment.cohort).selectinload(Cohort.trainers),
        )
        .order_by(Enrollment.applied_at.desc(), Enrollment.id.desc())
    )


def trainee_enrollments(trainee_id: int) -> list[Enrollment]:
    """A trainee's enrollments, newest first, with cohort, course and trainers loaded."""
    return list(db.session.scalars(_enrollments_of_trainee(), {"trainee_id": trainee_id}))


def current_enrollment(enrollments: list[Enrollment]) -> Enrollment | None:
    """The training the page is about: one the trainee is enrolled in (the earliest to start), else the newest."""
    enrolled = [e for e in enrollments if e.status == EnrollmentStatus.ENROLLED]
    if enrolled:
        return min(enrolled, key=lambda e: (e.cohort.start_date, e.id))
    return enrollments[0] if enrollments else None


@dataclass(frozen=True)
class _Hours:
    scheduled: Decimal
    attended: Decimal
    held: Decimal
    attended_held: Decimal
    unmarked_sessions: tuple[Decimal, ...]
    missed_in_a_row: int = 0


@prepared
def _hours_of_trainee():
    # One row per enrollment and length of session (a cohort has few lengths): the sums, and how
    # many sessions of that length have no mark yet (or wait for the sign-out), which /me turns into
    # classes still to attend;
    # and the sessions of that length missed since the latest one not missed (absence warnings).
    hours = func.coalesce(func.sum(ClassSession.hours), 0)
    attended = Attendance.counts_hours
    started = held(bindparam("now"))
    of_trainee = select(Enrollment.id).where(Enrollment.trainee_id == bindparam("trainee_id"))
    last = absence.last_not_missed(Attendance.enrollment_id.in_(of_trainee))

    def total(*conditions):
        return func.coalesce(func.sum(ClassSession.hours).filter(*conditions), 0)

    return (
        select(
            Enrollment.id,
            ClassSession.hours,
            hours,
            total(attended),
            total(started),
            total(started, attended),
            func.count().filter(or_(Attendance.id.is_(None), Attendance.awaits_signout)),
            absence.missed_in_a_row_sql(last, bindparam("now")),
        )
        .join(ClassSession, ClassSession.cohort_id == Enrollment.cohort_id)
        .outerjoin(
            Attendance, and_(Attendance.session_id == ClassSession.id, Attendance.enrollment_id == Enrollment.id)
        )
        .outerjoin(last, last.c.enrollment_id == Enrollment.id)
        .where(Enrollment.trainee_id == bindparam("trainee_id"))
        .group_by(Enrollment.id, ClassSession.hours, last.c.starts_at)
    )


def _tenths(value) -> Decimal:
    return Decimal(str(value)).quantize(_TENTH)


def enrollment_hours(trainee_id: int, now: datetime) -> dict[int, _Hours]:
    """Enrollment id → its cohort's hours: all, attended, held by `now`, attended of those, the
    hours of each session not marked yet; and the sessions missed in a row."""
    sums: dict[int, list[Decimal]] = {}
    unmarked: dict[int, list[Decimal]] = {}
    missed: dict[int, int] = {}
    for enrollment_id, length, *values, unmarked_count, missed_count in db.session.execute(
        _hours_of_trainee(), {"trainee_id": trainee_id, "now": now}
    ):
        totals = sums.setdefault(enrollment_id, [Decimal(0)] * 4)
        sums[enrollment_id] = [a + _tenths(b) for a, b in zip(totals, values, strict=True)]
        unmarked.setdefault(enrollment_id, []).extend([_tenths(length)] * unmarked_count)
        missed[enrollment_id] = missed.get(enrollment_id, 0) + missed_count
    return {
        key: _Hours(scheduled, attended, held, attended_held, tuple(unmarked[key]), missed[key])
        for key, (scheduled, attended, held, attended_held) in sums.items()
    }


def _training(enrollment: Enrollment, hours: _Hours | None, warn_after: int) -> Training:
    if enrollment.status not in SEATED:
        return Training(enrollment, None, None)
    course = enrollment.cohort.course
    hours = hours or _Hours(*(Decimal(0),) * 4, ())
    progress = AttendanceProgress(hours.attended, hours.scheduled, hours.unmarked_sessions, course.min_attendance_pct)
    verdict = None
    if enrollment.status == EnrollmentStatus.FAILED:
        verdict = completion_verdict(
            hours.attended_held,
            hours.held,
            course.min_attendance_pct,
            enrollment.theory_score,
            enrollment.practical_score,
            course.pass_score,
        )
    warning = None
    if enrollment.status == EnrollmentStatus.ENROLLED and enrollment.cohort.status == CohortStatus.RUNNING:
        warning = absence.trainee_warning(
            progress.attended,
            progress.unmarked,
            progress.scheduled,
            progress.min_pct,
            hours.missed_in_a_row,
            warn_after,
        )
    return Training(enrollment, progress, verdict, warning)


@prepared
def _next_session_of_trainee():
    return (
        select(ClassSession)
        .join(Enrollment, Enrollment.cohort_id == ClassSession.cohort_id)
        .where(
            Enrollment.trainee_id == bindparam("trainee_id"),
            Enrollment.status == EnrollmentStatus.ENROLLED,
            ClassSession.ends_at > bindparam("now"),
        )
        .options(joinedload(ClassSession.cohort).joinedload(Cohort.course))
        .order_by(ClassSession.starts_at)
        .limit(1)
    )


def next_session(trainee_id: int, now: datetime) -> ClassSession | None:
    """The trainee's next session (or the one going on now) in a cohort where they are enrolled."""
    return db.session.scalar(_next_session_of_trainee(), {"trainee_id": trainee_id, "now": now})


@prepared
def _recent_classes_of_enrollment():
    return (
        select(ClassSession, Attendance.status)
        .outerjoin(
            Attendance,
            and_(Attendance.session_id == ClassSession.id, Attendance.enrollment_id == bindparam("enrollment_id")),
        )
        .where(
            ClassSession.cohort_id == bindparam("cohort_id"),
            or_(held(bindparam("now")), Attendance.id.is_not(None)),
        )
        .order_by(ClassSession.starts_at.desc())
        .limit(bindparam("limit"))
    )


def recent_classes(enrollment: Enrollment, now: datetime, limit: int = RECENT_CLASSES) -> list[ClassMark]:
    """The latest classes held (or already checked in to), newest first, with the trainee's mark."""
    rows = db.session.execute(
        _recent_classes_of_enrollment(),
        {"enrollment_id": enrollment.id, "cohort_id": enrollment.cohort_id, "now": now, "limit": limit},
    )
    return [ClassMark(session, status) for session, status in rows]


@prepared
def _certificates_of_trainee():
    return (
        select(Certificate)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(Enrollment.trainee_id == bindparam("trainee_id"))
        .options(
            joinedload(Certificate.enrollment).joinedload(Enrollment.cohort).joinedload(Cohort.course),
            joinedload(Certificate.superseded_by),
        )
        .order_by(Certificate.status != CertificateStatus.VALID, Certificate.issued_at.desc(), Certificate.id.desc())
    )


def trainee_certificates(trainee_id: int) -> list[Certificate]:
    """The trainee's certificates, valid ones first, then newest first."""
    return list(db.session.scalars(_certificates_of_trainee(), {"trainee_id": trainee_id}))


def trainee_page(trainee_id: int, now: datetime, checkin_opens_minutes: int, absence_in_a_row: int = 2) -> TraineePage:
    """Everything the trainee's own page shows, for this trainee only (absences warn after
    `absence_in_a_row` sessions missed in a row)."""
    enrollments = trainee_enrollments(trainee_id)
    hours = enrollment_hours(trainee_id, now) if enrollments else {}
    trainings = [_training(e, hours.get(e.id), absence_in_a_row) for e in enrollments]
    current_one = current_enrollment(enrollments)
    current = next((t for t in trainings if t.enrollment is current_one), None)
    upcoming = (
        next_session(trainee_id, now) if any(e.status == EnrollmentStatus.ENROLLED for e in enrollments) else None
    )
    finished = any(e.status in FINISHED for e in enrollments)
    return TraineePage(
        current=current,
        others=[t for t in trainings if t is not current],
        next_session=upcoming,
        checkin_open=upcoming is not None
        and checkin_is_open(upcoming.starts_at, upcoming.ends_at, now, checkin_opens_minutes),
        recent=recent_classes(current.enrollment, now) if current and current.holds_place else [],
        certificates=trainee_certificates(trainee_id) if finished else [],
        job=trainee_job_record(trainee_id) if finished else None,
        finished_a_training=finished,
    )
