"""A cohort's timetable: sessions planned from weekdays and time slots, previewed, created, changed one by one.

Functions over db.session that raise ScheduleRefused instead of returning flags; they never
commit. Every change is audited. Times are stored in UTC; dates and clock times given by
people are in `timezone`. A closed cohort's timetable no longer changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from training import audit
from training.catalog.schedule import PlannedSession, Slot, plan_sessions
from training.catalog.services import ScheduleRefused, _check_changeable
from training.extensions import db
from training.models import Attendance, ClassSession, Cohort

MAX_SESSIONS_AT_ONCE = 400


@dataclass
class SchedulePreview:
    count: int
    hours: Decimal
    first: datetime
    last: datetime


def _check_slots(slots: list[Slot]) -> None:
    for slot in slots:
        if slot.end <= slot.start:
            raise ScheduleRefused(_("A time slot must end after it starts."))
    ordered = sorted(slots, key=lambda s: s.start)
    if any(later.start < earlier.end for earlier, later in pairwise(ordered)):
        raise ScheduleRefused(_("The two time slots overlap."))


def _overlapping(
    cohort_id: int, planned: list[PlannedSession] | list[tuple[datetime, datetime]], except_id: int | None = None
) -> list[datetime]:
    """Start times of the planned sessions that overlap a session the cohort already has."""
    spans = [(p.starts_at, p.ends_at) if isinstance(p, PlannedSession) else p for p in planned]
    existing = db.session.execute(
        select(ClassSession.starts_at, ClassSession.ends_at).where(
            ClassSession.cohort_id == cohort_id,
            ClassSession.id != (except_id or 0),
            ClassSession.starts_at < max(end for _, end in spans),
            ClassSession.ends_at > min(start for start, _ in spans),
        )
    ).all()
    return [start for start, end in spans if any(start < e_end and e_start < end for e_start, e_end in existing)]


def _local(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def plan_schedule(
    cohort: Cohort, weekdays: list[int], slots: list[Slot], holidays: list[date], timezone: str
) -> list[PlannedSession]:
    """Sessions from the cohort's start to end date; refuses an empty plan and any overlap."""
    _check_changeable(cohort)
    _check_slots(slots)
    planned = plan_sessions(cohort.start_date, cohort.end_date, weekdays, slots, timezone, holidays)
    if not planned:
        raise ScheduleRefused(
            _(
                "No day from %(start)s to %(end)s falls on the chosen weekdays.",
                start=cohort.start_date.isoformat(),
                end=cohort.end_date.isoformat(),
            )
        )
    if len(planned) > MAX_SESSIONS_AT_ONCE:
        raise ScheduleRefused(
            _(
                "That would be %(n)d sessions; at most %(max)d can be created at once.",
                n=len(planned),
                max=MAX_SESSIONS_AT_ONCE,
            )
        )
    clashes = _overlapping(cohort.id, planned)
    if clashes:
        raise ScheduleRefused(
            _(
                "%(n)d of the new sessions overlap sessions already scheduled, the first at %(when)s. "
                "Choose other days or times, or change the existing sessions first.",
                n=len(clashes),
                when=_local(clashes[0], timezone),
            )
        )
    return planned


def preview(planned: list[PlannedSession]) -> SchedulePreview:
    return SchedulePreview(
        len(planned), sum((p.hours for p in planned), Decimal(0)), planned[0].starts_at, planned[-1].starts_at
    )


def create_sessions(cohort: Cohort, planned: list[PlannedSession], topic: str = "") -> list[ClassSession]:
    """Store planned sessions; a clash that slipped in since the check is refused, not a 500."""
    db.session.scalars(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update()).one()
    sessions = [
        ClassSession(
            cohort_id=cohort.id,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            hours=p.hours,
            kind=p.kind,
            topic=topic.strip(),
        )
        for p in planned
    ]
    db.session.add_all(sessions)
    try:
        db.session.flush()
    except IntegrityError as clash:
        raise ScheduleRefused(
            _("Some of these sessions were just scheduled by someone else; reload the page and try again.")
        ) from clash
    audit.record(
        "sessions_generated",
        "cohort",
        cohort.id,
        after={
            "count": len(sessions),
            "hours": str(preview(planned).hours),
            "first": planned[0].starts_at.isoformat(),
            "last": planned[-1].starts_at.isoformat(),
        },
    )
    return sessions


@dataclass
class SessionDetails:
    day: date
    starts: time
    ends: time
    hours: Decimal | None
    topic: str
    kind: str
    location: str


def session_details(session: ClassSession, timezone: str) -> SessionDetails:
    """The session as people read it: local date and clock times."""
    zone = ZoneInfo(timezone)
    starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    return SessionDetails(
        starts.date(), starts.time(), ends.time(), session.hours, session.topic, session.kind, session.location
    )


def _session_snapshot(session: ClassSession) -> dict:
    return {
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "hours": str(session.hours),
        "topic": session.topic,
        "kind": session.kind,
        "location": session.location,
    }


def update_session(session: ClassSession, details: SessionDetails, timezone: str) -> None:
    """Move or describe one session; it stays within the cohort's dates and overlaps no other."""
    cohort = session.cohort
    _check_changeable(cohort)
    zone = ZoneInfo(timezone)
    starts = datetime.combine(details.day, details.starts, tzinfo=zone).astimezone(UTC)
    ends = datetime.combine(details.day, details.ends, tzinfo=zone).astimezone(UTC)
    if ends <= starts:
        raise ScheduleRefused(_("The session must end after it starts."))
    if not cohort.start_date <= details.day <= cohort.end_date:
        raise ScheduleRefused(_("The date must be between the cohort's start and end dates."))
    length = Slot(details.starts, details.ends).hours
    hours = details.hours or length
    if hours > length:
        raise ScheduleRefused(
            _("The session lasts %(length)s hours; it cannot count for more.", length=f"{length.normalize():f}")
        )
    if _overlapping(cohort.id, [(starts, ends)], except_id=session.id):
        raise ScheduleRefused(_("This time overlaps another session of the cohort."))
    before = _session_snapshot(session)
    session.starts_at, session.ends_at, session.hours = starts, ends, hours
    session.topic, session.kind, session.location = details.topic.strip(), details.kind, details.location.strip()
    if _session_snapshot(session) != before:
        audit.record("session_updated", "session", session.id, before=before, after=_session_snapshot(session))


def delete_session(session: ClassSession) -> None:
    """Only a session without attendance marks may go."""
    _check_changeable(session.cohort)
    if db.session.scalar(select(func.count()).where(Attendance.session_id == session.id)):
        raise ScheduleRefused(_("Attendance has been recorded for this session; it cannot be deleted."))
    audit.record(
        "session_deleted", "session", session.id, before=_session_snapshot(session) | {"cohort_id": session.cohort_id}
    )
    db.session.delete(session)
