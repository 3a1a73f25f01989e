"""Saving marks: the whole roster at once, under the locks and an optimistic version check;
and a trainee's own check-in by QR or code. Services never commit.

A roster save takes a fixed number of statements whatever the roster size: one SELECT of
what is stored, one UPDATE of every changed mark, one INSERT of every new one, and (at the
commit) one INSERT of their audit events. Both writes say exactly which rows they wrote:

- the UPDATE only touches a row whose version is still the one the page loaded
  (`WHERE id IN (…) AND version = CASE id WHEN … END … RETURNING id`); PostgreSQL re-checks
  that condition after waiting for a concurrent writer, so a row changed meanwhile is
  returned by nobody's UPDATE but the first;
- the INSERT skips a row another request inserted first (`ON CONFLICT (enrollment_id,
  session_id) DO NOTHING RETURNING …`, the unique constraint deciding).

A row that neither returned is reported as a conflict, with what is stored now. No savepoint
is needed: with the pysqlite driver a SAVEPOINT that opens the transaction is committed by
its RELEASE, which would split a save from its audit events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import format_datetime, format_time
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update

from training import audit
from training.attendance import queries, rules
from training.attendance.queries import RosterRow
from training.attendance.rules import Decision, Phase, PostedMark
from training.exceptions import DomainError
from training.extensions import db
from training.labels import ATTENDANCE_STATUSES
from training.models import ATTENDED, SEATED, Attendance, AttendanceStatus, ClassSession, Enrollment, MarkMethod
from training.orm import insert_ignoring_conflicts, table_of

TABLE = table_of(Attendance)


class MarkingRefused(DomainError):
    """The session may not be marked now, or not by this user, or not without a reason."""


class CheckinRefused(DomainError):
    """A check-in that changed nothing; str() tells the trainee why."""


class AlreadyCheckedIn(CheckinRefused):
    pass


@dataclass(frozen=True)
class Conflict:
    """A posted mark that was not saved because someone else changed the row first."""

    enrollment_id: int
    name: str
    yours: str
    current: RosterRow


@dataclass
class SaveOutcome:
    method: str
    saved: int = 0
    conflicts: list[Conflict] = field(default_factory=list)


def status_label(status: str | None) -> str:
    return str(ATTENDANCE_STATUSES.get(status, status)) if status else "—"


def marking_method(session: ClassSession, role: str, now: datetime, lock_hours: int) -> str:
    """How a mark made now is recorded (roster, or correction after the lock); MarkingRefused if it may not be."""
    phase = rules.marking_phase(session.starts_at, session.ends_at, now, lock_hours)
    if phase == Phase.NOT_STARTED:
        raise MarkingRefused(
            _(
                "This class has not started yet. You can mark attendance from %(time)s.",
                time=format_datetime(session.starts_at, "short"),
            )
        )
    if phase == Phase.LOCKED:
        if not rules.may_correct(role):
            raise MarkingRefused(
                _(
                    "Attendance for this class was locked at %(time)s. Ask a coordinator to correct it.",
                    time=format_datetime(rules.locks_at(session.ends_at, lock_hours), "short"),
                )
            )
        return MarkMethod.CORRECTION
    return MarkMethod.ROSTER


def save_marks(
    session: ClassSession,
    posted: list[PostedMark],
    *,
    user_id: int,
    role: str,
    now: datetime,
    lock_hours: int,
    reason: str | None = None,
) -> SaveOutcome:
    """Save what changed on a roster page; report the marks someone else changed first."""
    method = marking_method(session, role, now, lock_hours)
    outcome = SaveOutcome(method)
    writes = _classify(posted, {row.enrollment_id: row for row in queries.roster_rows(session)}, outcome)
    if not writes:
        return outcome
    reason = (reason or "").strip()
    if method == MarkMethod.CORRECTION and not reason:
        raise MarkingRefused(_("Attendance for this class is locked: give a reason for the correction."))
    stamp = {"method": method, "marked_by_id": user_id, "marked_at": now}
    updated = _update([(m, r) for m, r in writes if r.attendance_id is not None], stamp)
    written = _insert(
        session.id,
        [m for m, r in writes if r.attendance_id is None],
        stamp,
        signout_required=session.cohort.course.signs_out,
    )
    written |= {r.enrollment_id: r.attendance_id for _m, r in writes if r.attendance_id in updated}
    lost = [(m, r) for m, r in writes if m.enrollment_id not in written]
    if lost:
        current = {row.enrollment_id: row for row in queries.roster_rows(session, [m.enrollment_id for m, _r in lost])}
        outcome.conflicts += [
            Conflict(m.enrollment_id, r.name, m.status, current.get(m.enrollment_id, r)) for m, r in lost
        ]
    action = "attendance_corrected" if method == MarkMethod.CORRECTION else "attendance_marked"
    extra = {"reason": reason} if method == MarkMethod.CORRECTION else {}
    events = [
        (
            written[m.enrollment_id],
            {"status": r.status},
            {"status": m.status, "method": method, "enrollment_id": m.enrollment_id, "session_id": session.id, **extra},
        )
        for m, r in writes
        if m.enrollment_id in written
    ]
    audit.record_many(action, "attendance", events, at=now)
    outcome.saved = len(events)
    return outcome


def _classify(posted: list[PostedMark], stored: dict[int, RosterRow], outcome: SaveOutcome):
    """The posted marks to write, with their stored rows; conflicts go into the outcome."""
    writes = []
    for mark in posted:
        row = stored.get(mark.enrollment_id)
        if row is None or mark.status not in rules.STATUSES:
            continue  # not on this roster (withdrawn, another cohort) or nothing chosen
        decision = rules.decide(mark, row.status, row.version)
        if decision == Decision.CONFLICT:
            outcome.conflicts.append(Conflict(row.enrollment_id, row.name, mark.status, row))
        elif decision == Decision.WRITE:
            writes.append((mark, row))
    return writes


def _update(changes: list[tuple[PostedMark, RosterRow]], stamp: dict) -> set[int]:
    """Every changed mark by one executemany UPDATE, each only if its version is still the one
    loaded; the ids it wrote."""
    if not changes:
        return set()
    statement = (
        update(TABLE)
        .where(TABLE.c.id == bindparam("mark_id"), TABLE.c.version == bindparam("loaded_version"))
        .values(
            status=bindparam("new_status"),
            version=TABLE.c.version + 1,
            **{name: bindparam(f"stamp_{name}") for name in stamp},
        )
    )
    stamped = {f"stamp_{name}": value for name, value in stamp.items()}
    ids = [row.attendance_id for _mark, row in changes if row.attendance_id is not None]  # all: stored rows only
    written = db.session.execute(
        statement,
        [
            {"mark_id": row.attendance_id, "loaded_version": row.version, "new_status": mark.status, **stamped}
            for mark, row in changes
        ],
    ).rowcount  # type: ignore[attr-defined]  # Result.rowcount: CursorResult at run time
    if written == len(changes):
        return set(ids)
    # Someone saved some of these since the page loaded: ours are the rows with our stamp (our
    # transaction holds them, so nobody has changed them since).
    return set(
        db.session.scalars(
            select(TABLE.c.id).where(
                TABLE.c.id.in_(ids),
                TABLE.c.marked_at == stamp["marked_at"],
                TABLE.c.marked_by_id == stamp["marked_by_id"],
            )
        )
    )


def _insert(session_id: int, marks: list[PostedMark], stamp: dict, *, signout_required: bool) -> dict[int, int]:
    """One INSERT of every new mark, skipping any inserted meanwhile; {enrollment id: attendance id} written.
    signout_required: the course's two-mark rule, kept on the row as it was when the mark was made."""
    if not marks:
        return {}
    statement = insert_ignoring_conflicts(
        db.session, TABLE, index_elements=[TABLE.c.enrollment_id, TABLE.c.session_id]
    ).returning(TABLE.c.enrollment_id, TABLE.c.id)
    rows = [
        {
            "enrollment_id": m.enrollment_id,
            "session_id": session_id,
            "status": m.status,
            "version": 1,
            "signout_required": signout_required,
            **stamp,
        }
        for m in marks
    ]
    return {enrollment_id: attendance_id for enrollment_id, attendance_id in db.session.execute(statement, rows)}


def seated_enrollment_id(session: ClassSession, trainee_id: int) -> int:
    """The trainee's place in the session's cohort; CheckinRefused if they hold none."""
    enrollment_id = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.trainee_id == trainee_id,
            Enrollment.cohort_id == session.cohort_id,
            Enrollment.status.in_(SEATED),
        )
    )
    if enrollment_id is None:
        raise CheckinRefused(_("You are not on the list of this class, so you cannot check in to it."))
    return enrollment_id


def check_in(
    session: ClassSession, trainee_id: int, user_id: int, method: str, now: datetime, opens_minutes: int
) -> int:
    """Mark a trainee present by their own scan or code; never over a mark already there. The mark's id."""
    if not rules.checkin_open(session.starts_at, session.ends_at, now, opens_minutes):
        raise CheckinRefused(
            _(
                "Check-in for this class is open from %(start)s to %(end)s.",
                start=format_datetime(session.starts_at - timedelta(minutes=opens_minutes), "short"),
                end=format_time(session.ends_at, "short"),
            )
        )
    enrollment_id = seated_enrollment_id(session, trainee_id)
    stamp = {"method": method, "marked_by_id": user_id, "marked_at": now}
    inserted = _insert(
        session.id,
        [PostedMark(enrollment_id, AttendanceStatus.PRESENT, None, 0)],
        stamp,
        signout_required=session.cohort.course.signs_out,
    )
    if not inserted:
        status = db.session.scalar(
            select(Attendance.status).where(
                Attendance.enrollment_id == enrollment_id, Attendance.session_id == session.id
            )
        )
        if status in ATTENDED:
            raise AlreadyCheckedIn(_("You are already checked in to this class."))
        raise CheckinRefused(
            _(
                "Your trainer has already marked you as %(status)s for this class. Please speak to your trainer.",
                status=status_label(status),
            )
        )
    audit.record(
        "attendance_marked",
        "attendance",
        inserted[enrollment_id],
        before={"status": None},
        after={
            "status": AttendanceStatus.PRESENT.value,
            "method": method,
            "enrollment_id": enrollment_id,
            "session_id": session.id,
        },
    )
    return inserted[enrollment_id]
