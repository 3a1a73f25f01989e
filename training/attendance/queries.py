"""What the attendance pages show, each loaded in one statement whatever the roster size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import aliased, joinedload

from training.attendance import rules
from training.extensions import db
from training.models import ATTENDED, SEATED, Attendance, ClassSession, Cohort, Enrollment, Trainee, User
from training.orm import prepared


@dataclass
class RosterRow:
    enrollment_id: int
    name: str
    id_number: str
    attendance_id: int | None
    status: str | None
    version: int  # 0 when not marked yet
    method: str | None
    by: str | None
    at: datetime | None  # under two marks: the sign-in
    signout_required: bool = False
    signed_out_at: datetime | None = None
    signout_method: str | None = None
    signout_by: str | None = None
    signout_reason: str | None = None

    @property
    def awaits_signout(self) -> bool:
        """Signed in under the two-mark rule and not out yet: the hours do not count so far."""
        return self.signout_required and self.status in ATTENDED and self.signed_out_at is None


SIGNED_OUT_BY = aliased(User)


@prepared
def _session_with_course():
    return (
        select(ClassSession)
        .where(ClassSession.id == bindparam("session_id"))
        .options(joinedload(ClassSession.cohort).joinedload(Cohort.course))
    )


def class_session(session_id: int) -> ClassSession | None:
    """The session with its cohort and course."""
    return db.session.scalar(_session_with_course(), {"session_id": session_id})


@prepared
def _roster():
    return (
        select(
            Enrollment.id,
            Trainee.name,
            Trainee.id_number,
            Attendance.id,
            Attendance.status,
            Attendance.version,
            Attendance.method,
            User.display_name,
            User.username,
            Attendance.marked_at,
            Attendance.signout_required,
            Attendance.signed_out_at,
            Attendance.signout_method,
            func.coalesce(SIGNED_OUT_BY.display_name, SIGNED_OUT_BY.username),
            Attendance.signout_reason,
        )
        .join(Trainee, Trainee.id == Enrollment.trainee_id)
        .outerjoin(
            Attendance,
            and_(Attendance.enrollment_id == Enrollment.id, Attendance.session_id == bindparam("session_id")),
        )
        .outerjoin(User, User.id == Attendance.marked_by_id)
        .outerjoin(SIGNED_OUT_BY, SIGNED_OUT_BY.id == Attendance.signout_by_id)
        .where(Enrollment.cohort_id == bindparam("cohort_id"), Enrollment.status.in_(SEATED))
        .order_by(Trainee.name, Enrollment.id)
    )


def roster_rows(session: ClassSession, enrollment_ids=None) -> list[RosterRow]:
    """Everyone holding a place in the session's cohort, with their mark for it, by name."""
    query = _roster()
    if enrollment_ids is not None:
        query = query.where(Enrollment.id.in_(enrollment_ids))
    rows = db.session.execute(query, {"session_id": session.id, "cohort_id": session.cohort_id})
    return [
        RosterRow(
            eid, name, id_number, aid, status, version or 0, method, display or username, at, bool(required), *out
        )
        for eid, name, id_number, aid, status, version, method, display, username, at, required, *out in rows
    ]


def row_json(row: RosterRow) -> dict:
    return {
        "id": row.enrollment_id,
        "status": row.status,
        "version": row.version,
        "method": row.method,
        "by": row.by,
        "at": row.at.isoformat() if row.at else None,
        "signed_out_at": row.signed_out_at.isoformat() if row.signed_out_at else None,
    }


def session_json(rows: list[RosterRow]) -> dict:
    """What roster.js polls: every row's mark and version, and the counts."""
    return {"rows": [row_json(row) for row in rows], "counts": rules.counts(row.status for row in rows)}


def tally(session: ClassSession) -> tuple[int, int]:
    """(present or late, on the roster): the QR page's counter."""
    attended = func.count(Attendance.id).filter(Attendance.status.in_(ATTENDED))
    row = db.session.execute(
        select(attended, func.count(Enrollment.id))
        .select_from(Enrollment)
        .outerjoin(Attendance, and_(Attendance.enrollment_id == Enrollment.id, Attendance.session_id == session.id))
        .where(Enrollment.cohort_id == session.cohort_id, Enrollment.status.in_(SEATED))
    ).one()
    return row[0], row[1]


def open_sessions_for(trainee_id: int, now: datetime, times: rules.CheckinTimes) -> list[ClassSession]:
    """The trainee's sessions open now for a sign-in or (two marks) a sign-out."""
    sessions = db.session.scalars(
        select(ClassSession)
        .join(Enrollment, Enrollment.cohort_id == ClassSession.cohort_id)
        .where(
            Enrollment.trainee_id == trainee_id,
            Enrollment.status.in_(SEATED),
            ClassSession.starts_at <= now + timedelta(minutes=times.opens_minutes),
            ClassSession.ends_at >= now - timedelta(minutes=times.grace_minutes),
        )
        .options(joinedload(ClassSession.cohort).joinedload(Cohort.course))
        .order_by(ClassSession.starts_at)
    ).all()
    return [s for s in sessions if phase_of(s, now, times) != rules.CheckinPhase.CLOSED]


def phase_of(session: ClassSession, now: datetime, times: rules.CheckinTimes) -> rules.CheckinPhase:
    """What a scan or a code does in this session now (its course says how many marks)."""
    return rules.checkin_phase(session.starts_at, session.ends_at, now, times, session.cohort.course.marks_per_session)
