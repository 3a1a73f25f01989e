"""What a coordinator's enrollment is checked against besides the subsidy rules: the trainee's other
classes at the same times, and a running class too far along to join.

- overlaps: the cohorts where the trainee holds a place (or sat) whose sessions overlap this cohort's.
  The coordinator may go on with a written reason (Enrollment.overlap_reason, audited, listed by the
  class-opening filing); a trainee's own application is not checked, the coordinator deciding on it is.
- too_late: a running class of which a share of the scheduled hours (FILING_ADD_TRAINEE_UNTIL,
  default 1/3) has passed takes nobody more: a coordinator may not quietly add people to a class
  they never attended. No reason overrides it.

EnrollmentRefused, every enrollment's refusal, lives here with the two kinds these checks raise.
These functions read, never write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from training.enrollment.rules import SubsidyConflict
from training.exceptions import DomainError
from training.extensions import db
from training.models import (
    HOLDING_A_PLACE,
    SEATED,
    TIMETABLE_COMMITTED,
    ClassSession,
    Cohort,
    CohortStatus,
    Enrollment,
    Trainee,
    utcnow,
)

SETTING = "FILING_ADD_TRAINEE_UNTIL"


class EnrollmentRefused(DomainError):
    """A rule refused the enrollment; conflicts: the subsidy rules that did, if they did."""

    def __init__(self, message, conflicts: list[SubsidyConflict] | None = None):
        super().__init__(str(message))
        self.conflicts = conflicts or []


class OverlapNeedsReason(EnrollmentRefused):
    """The trainee's other classes overlap this one's: the coordinator goes on only with a written reason."""

    def __init__(self, message, overlaps: list[Overlap]):
        super().__init__(message)
        self.overlaps = overlaps


class TooLateToAdd(EnrollmentRefused):
    """Too much of the running class has passed for anyone to join it."""


# ---- the trainee's other classes -------------------------------------------------------------


@dataclass(frozen=True)
class Overlap:
    """Another cohort of the trainee whose sessions overlap this one's, from `first` (a session here)."""

    cohort_code: str
    first: datetime


def overlaps(trainee_id: int, cohort_id: int) -> list[Overlap]:
    """The trainee's other cohorts (a place held or a seat taken, models.HOLDING_A_PLACE and SEATED,
    in a cohort whose timetable is committed) with a session overlapping one of this cohort's, and
    the first such session here; one statement."""
    mine, theirs = aliased(ClassSession), aliased(ClassSession)
    rows = db.session.execute(
        select(Cohort.code, func.min(mine.starts_at))
        .select_from(Enrollment)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(theirs, theirs.cohort_id == Cohort.id)
        .join(mine, (mine.starts_at < theirs.ends_at) & (theirs.starts_at < mine.ends_at))
        .where(
            Enrollment.trainee_id == trainee_id,
            Enrollment.cohort_id != cohort_id,
            Enrollment.status.in_({*HOLDING_A_PLACE, *SEATED}),
            Cohort.status.in_(TIMETABLE_COMMITTED),
            mine.cohort_id == cohort_id,
        )
        .group_by(Cohort.code)
        .order_by(func.min(mine.starts_at), Cohort.code)
    ).tuples()
    return [Overlap(code, first) for code, first in rows]


def overlap_message(name: str, found: list[Overlap]) -> str:
    """The warning: which other classes, and the first time they clash (in the centre's time zone)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return (
        " ".join(
            _(
                "%(name)s also holds a place in %(code)s, whose sessions overlap this cohort's, first at %(time)s.",
                name=name,
                code=overlap.cohort_code,
                time=overlap.first.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            )
            for overlap in found
        )
        + " "
        + _("To enroll anyway, give a written reason for the overlap.")
    )


# ---- too late to join ------------------------------------------------------------------------


def parse_share(text: str, name: str = SETTING) -> Fraction:
    """ "1/3", "0.33" or "33%" → the share; refused (ValueError naming the setting) unless from 0 to 1."""
    cleaned = str(text or "").replace(" ", "")
    try:
        share = Fraction(cleaned[:-1]) / 100 if cleaned.endswith("%") else Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{name}={text!r} is not a share of the hours: give it as 1/3, 0.33 or 33%") from None
    if not 0 <= share <= 1:
        raise ValueError(f"{name}={text!r}: the share of the hours must be from 0 to 1")
    return share


def init_app(app: Flask) -> None:
    """Parse the setting once, at start-up; the app does not start with a wrong one."""
    app.extensions[SETTING] = parse_share(app.config.get(SETTING, "1/3"))


def add_trainee_until() -> Fraction:
    """The share of a class's hours after which nobody joins it (parsed at start-up)."""
    return current_app.extensions[SETTING]


def hours_passed(cohort_id: int, now: datetime) -> tuple[Decimal, Decimal]:
    """(hours of the sessions that ended before now, hours scheduled), in one statement."""
    ended = func.coalesce(func.sum(ClassSession.hours).filter(ClassSession.ends_at < now), 0)
    passed, scheduled = db.session.execute(
        select(ended, func.coalesce(func.sum(ClassSession.hours), 0)).where(ClassSession.cohort_id == cohort_id)
    ).one()
    return Decimal(str(passed)), Decimal(str(scheduled))


def is_too_late(passed: Decimal, scheduled: Decimal, until: Fraction) -> bool:
    """Once `until` of the scheduled hours has passed (and any has), the class takes nobody more."""
    return passed > 0 and Fraction(passed) >= until * Fraction(scheduled)


def too_late_message(passed: Decimal, scheduled: Decimal, until: Fraction) -> str:
    return _(
        "%(passed)s of this class's %(scheduled)s hours have already passed; trainees may be added only "
        "until %(share)s of them (%(limit)s hours). A coordinator may not quietly add people to a class "
        "they never attended.",
        passed=_hours(passed),
        scheduled=_hours(scheduled),
        share=f"{float(until):.0%}",
        limit=_hours(scheduled * until.numerator / until.denominator),
    )


def _hours(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1')).normalize():f}"


# ---- the checks services.enroll makes --------------------------------------------------------


def check_not_too_late(cohort: Cohort) -> None:
    """Raise TooLateToAdd once the running class's share of hours (add_trainee_until) has passed."""
    if cohort.status != CohortStatus.RUNNING:
        return
    passed, scheduled = hours_passed(cohort.id, utcnow())
    until = add_trainee_until()
    if is_too_late(passed, scheduled, until):
        raise TooLateToAdd(too_late_message(passed, scheduled, until))


def check_overlaps(trainee: Trainee, cohort: Cohort, overlap_reason: str | None) -> list[Overlap]:
    """Raise OverlapNeedsReason naming the trainee's other classes at the same times, unless a reason is given."""
    found = overlaps(trainee.id, cohort.id)
    if found and not (overlap_reason and overlap_reason.strip()):
        raise OverlapNeedsReason(overlap_message(trainee.name, found), found)
    return found
