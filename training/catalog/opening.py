"""The opening checks: what stops a cohort from opening or starting, every problem at once.

refusals(cohort, timezone) lists a message per problem (an empty list: the cohort may open or start),
so the cohort page can show them all; services.change_status raises them together. The checks read
and never write. A cohort may not open or start when:
- it has no sessions;
- its sessions' hours fall short of the course's total hours;
- a session lies outside its start and end dates (as days in `timezone`);
- one of its trainers teaches two sessions that overlap in time, in this cohort or another;
- more trainees are on its roster (models.SEATED) than it has places.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from training.extensions import db
from training.models import SEATED, TIMETABLE_COMMITTED, ClassSession, Cohort, Enrollment, User, cohort_trainer


def refusals(cohort: Cohort, timezone: str) -> list[str]:
    """Why the cohort may not open or start, one message per problem; empty when it may."""
    zone = ZoneInfo(timezone)
    sessions = list(
        db.session.execute(
            select(ClassSession.starts_at, ClassSession.ends_at, ClassSession.hours).where(
                ClassSession.cohort_id == cohort.id
            )
        ).tuples()
    )
    problems = []
    if not sessions:
        # Trainees would apply to a class with no timetable, and it could never be attended or finalised.
        problems.append(_("This cohort has no sessions yet. Schedule its sessions before it opens or starts."))
    else:
        problems += _hours_problems(cohort, sum((hours for _s, _e, hours in sessions), Decimal(0)))
        problems += _dates_problems(cohort, [(start, end) for start, end, _h in sessions], zone)
        problems += [clash.message(zone) for clash in trainer_clashes(cohort.id)]
    problems += _capacity_problems(cohort)
    return problems


def _hours_problems(cohort: Cohort, scheduled: Decimal) -> list[str]:
    required = cohort.course.total_hours
    if scheduled >= required:
        return []
    return [
        _(
            "The sessions add up to %(scheduled)s hours; the course requires %(required)d. "
            "Schedule the missing %(missing)s hours.",
            scheduled=_hours(scheduled),
            required=required,
            missing=_hours(required - scheduled),
        )
    ]


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _dates_problems(cohort: Cohort, spans: list[tuple[datetime, datetime]], zone: ZoneInfo) -> list[str]:
    days = sorted(
        {
            start.astimezone(zone).date()
            for start, end in spans
            if start.astimezone(zone).date() < cohort.start_date or end.astimezone(zone).date() > cohort.end_date
        }
    )
    if not days:
        return []
    return [
        _(
            "Sessions outside the cohort's dates (%(start)s to %(end)s): %(days)s. "
            "Move them, or change the cohort's dates.",
            start=cohort.start_date.isoformat(),
            end=cohort.end_date.isoformat(),
            days=format_list([day.isoformat() for day in days], locale=get_locale()),
        )
    ]


def _capacity_problems(cohort: Cohort) -> list[str]:
    seated = db.session.scalar(
        select(func.count()).where(Enrollment.cohort_id == cohort.id, Enrollment.status.in_(SEATED))
    )
    if not seated or seated <= cohort.capacity:
        return []
    return [
        _(
            "%(n)d trainees are on the roster, more than the %(capacity)d places. "
            "Withdraw some, or raise the capacity.",
            n=seated,
            capacity=cohort.capacity,
        )
    ]


# ---- trainers booked twice -------------------------------------------------------------------


@dataclass(frozen=True)
class TrainerClash:
    """A trainer of the cohort teaches two sessions at once: the first such pair with one other cohort
    (or within the cohort), and how many pairs there are."""

    trainer: str
    code: str
    starts_at: datetime
    ends_at: datetime
    other_code: str
    other_starts_at: datetime
    other_ends_at: datetime
    pairs: int = 1

    def message(self, zone: ZoneInfo) -> str:
        text = _(
            "%(trainer)s would teach two sessions at once: %(code)s %(time)s and %(other)s %(other_time)s.",
            trainer=self.trainer,
            code=self.code,
            time=_span(self.starts_at, self.ends_at, zone),
            other=self.other_code,
            other_time=_span(self.other_starts_at, self.other_ends_at, zone),
        )
        if self.pairs > 1:
            text += " " + _("%(n)d overlapping sessions in all.", n=self.pairs)
        return text


def _span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    start, end = start.astimezone(zone), end.astimezone(zone)
    return (
        f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
        if start.date() == end.date()
        else f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"
    )


def trainer_clashes(cohort_id: int) -> list[TrainerClash]:
    """The cohort's trainers' double bookings, in one statement whatever the timetables' size.

    A session's trainers are its cohort's (cohort_trainer). Two different sessions clash when their
    times overlap (a.starts_at < b.ends_at and b.starts_at < a.ends_at) and a trainer of this cohort
    is a trainer of both. The other session's cohort counts only when its timetable is committed
    (models.TIMETABLE_COMMITTED): a draft's may still change, and the draft that clashes is refused
    in its turn when it opens; a closed cohort's is history. Within this cohort each pair counts once.
    """
    mine, other = aliased(ClassSession), aliased(ClassSession)
    my_trainer, other_trainer = cohort_trainer.alias(), cohort_trainer.alias()
    this_cohort, other_cohort = aliased(Cohort), aliased(Cohort)
    rows = db.session.execute(
        select(
            User.display_name,
            User.username,
            this_cohort.code,
            mine.starts_at,
            mine.ends_at,
            other_cohort.code,
            other.starts_at,
            other.ends_at,
        )
        .select_from(mine)
        .join(this_cohort, this_cohort.id == mine.cohort_id)
        .join(my_trainer, my_trainer.c.cohort_id == mine.cohort_id)
        .join(User, User.id == my_trainer.c.user_id)
        .join(other_trainer, other_trainer.c.user_id == my_trainer.c.user_id)
        .join(other, other.cohort_id == other_trainer.c.cohort_id)
        .join(other_cohort, other_cohort.id == other.cohort_id)
        .where(
            mine.cohort_id == cohort_id,
            other.id != mine.id,
            mine.starts_at < other.ends_at,
            other.starts_at < mine.ends_at,
            or_(
                and_(other.cohort_id != cohort_id, other_cohort.status.in_(TIMETABLE_COMMITTED)),
                and_(other.cohort_id == cohort_id, mine.id < other.id),
            ),
        )
        .order_by(User.display_name, User.username, other_cohort.code, mine.starts_at, other.starts_at)
    ).tuples()
    clashes: dict[tuple[str, str], TrainerClash] = {}
    for name, username, code, starts, ends, other_code, other_starts, other_ends in rows:
        key = (username, other_code)
        if key in clashes:
            first = clashes[key]
            clashes[key] = TrainerClash(**{**vars(first), "pairs": first.pairs + 1})
        else:
            clashes[key] = TrainerClash(name or username, code, starts, ends, other_code, other_starts, other_ends)
    return list(clashes.values())
