"""What the attendance pages show, each loaded in one statement whatever the roster size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import joinedload

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
    at: datetime | None


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
        )
        .join(Trainee, Trainee.id == Enrollment.trainee_id)
        .outerjoin(
            Attendance,
            and_(Attendance.enrollment_id == Enrollment.id, Attendance.session_id == bindparam("session_id")),
        )
        .outerjoin(User, User.id == Attendance.marked_by_id)
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
        RosterRow(eid, name, id_number, aid, status, version or 0, method, display or username, at)
        for eid, name, id_number, aid, status, version, method, display, username, at in rows
    ]


def row_json(row: RosterRow) -> dict:
    return {
        "id": row.enrollment_id,
        "status": row.status,
        "version": row.version,
        "method": row.method,
        "by": row.by,
        "at": row.at.isoformat() if row.at else None,
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


def open_sessions_for(trainee_id: int, now: datetime, opens_minutes: int) -> list[ClassSession]:
    """The trainee's sessions open for check-in now."""
    sessions = db.session.scalars(
        select(ClassSession)
        .join(Enrollment, Enrollment.cohort_id == ClassSession.cohort_id)
        .where(
            Enrollment.trainee_id == trainee_id,
            Enrollment.status.in_(SEATED),
            ClassSession.starts_at <= now + timedelta(minutes=opens_minutes),
            ClassSession.ends_at >= now,
        )
        .options(joinedload(ClassSession.cohort).joinedload(Cohort.course))
        .order_by(ClassSession.starts_at)
    ).all()
    return [s for s in sessions if rules.checkin_open(s.starts_at, s.ends_at, now, opens_minutes)]
