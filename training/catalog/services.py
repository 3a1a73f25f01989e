"""Catalog operations on cohorts: details, choices, who sees which, the status path and the cohort page.

Functions over db.session that raise CatalogRefused (a DomainError with a message for
the user) instead of returning flags; they never commit. Every change is audited.
Times are stored in UTC; dates and clock times given by people are in `timezone`.
CatalogRefused and its kinds are defined here for courses.py and timetable.py as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from training import audit
from training.catalog import opening
from training.exceptions import DomainError
from training.extensions import db
from training.filing import gate
from training.labels import COHORT_STATUSES
from training.models import (
    HOLDING_A_PLACE,
    SEATED,
    Attendance,
    ClassSession,
    Cohort,
    CohortStatus,
    County,
    Course,
    Employer,
    Enrollment,
    Role,
    TrainingType,
    User,
)
from training.permissions import cohort_scope, sees_everything
from training.search import contains
from training.standards import freezing

NEXT_STATUS: dict[str, CohortStatus] = {  # keyed by the stored text, which a StrEnum equals
    CohortStatus.DRAFT: CohortStatus.OPEN,
    CohortStatus.OPEN: CohortStatus.RUNNING,
    CohortStatus.RUNNING: CohortStatus.FINISHED,
    CohortStatus.FINISHED: CohortStatus.CLOSED,
}


class CatalogRefused(DomainError):
    pass


class StatusChangeRefused(CatalogRefused):
    """str() is every problem in one message; problems lists them one by one, for the page."""

    def __init__(self, message, problems: list[str] | None = None):
        super().__init__(str(message))
        self.problems = problems or [str(message)]


class ScheduleRefused(CatalogRefused):
    pass


# ---- cohorts ---------------------------------------------------------------------------------


@dataclass
class CohortDetails:
    code: str
    course_id: int
    county_code: str
    site_name: str
    site_kind: str
    start_date: date
    end_date: date
    capacity: int
    trainer_ids: list[int]
    employer_id: int | None = None
    committed_placements: int | None = None
    training_type: str = TrainingType.PROJECT
    # The site's position for self check-in (both or neither) and the radius round it.
    site_latitude: float | None = None
    site_longitude: float | None = None
    checkin_radius_m: int | None = None  # None: keep the cohort's (a new one: CHECKIN_RADIUS_METRES)


@dataclass
class CohortChoices:
    """What the cohort form offers to this user."""

    courses: list[Course]
    counties: list[County]
    trainers: list[User]
    employers: list[Employer]


def _cohort_snapshot(cohort: Cohort) -> dict:
    return {
        "code": cohort.code,
        "course_id": cohort.course_id,
        "county_code": cohort.county_code,
        "site_name": cohort.site_name,
        "site_kind": cohort.site_kind,
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "capacity": cohort.capacity,
        "status": cohort.status,
        "employer_id": cohort.employer_id,
        "committed_placements": cohort.committed_placements,
        "training_type": cohort.training_type,
        "site_latitude": cohort.site_latitude,
        "site_longitude": cohort.site_longitude,
        "checkin_radius_m": cohort.checkin_radius_m,
        "trainer_ids": sorted(t.id for t in cohort.trainers),
    }


def cohort_choices(user: User, cohort: Cohort | None = None) -> CohortChoices:
    """Active courses, the user's counties, active trainers they may assign, employers."""
    keep_course = cohort.course_id if cohort else 0
    keep_trainers = [t.id for t in cohort.trainers] if cohort else []
    trainers = (
        select(User)
        .options(joinedload(User.county))
        .where(User.role == Role.TRAINER, User.active | User.id.in_(keep_trainers))
    )
    counties = select(County).order_by(County.code)
    if not sees_everything(user):
        trainers = trainers.where((User.county_code == user.county_code) | User.county_code.is_(None))
        counties = counties.where(County.code == user.county_code)
    return CohortChoices(
        courses=list(
            db.session.scalars(select(Course).where(Course.active | (Course.id == keep_course)).order_by(Course.code))
        ),
        counties=list(db.session.scalars(counties)),
        trainers=list(db.session.scalars(trainers.order_by(User.county_code, User.display_name, User.username))),
        employers=list(db.session.scalars(select(Employer).order_by(Employer.name))),
    )


def filter_choices(user: User) -> tuple[list[County], list[Course]]:
    """The counties and courses the cohort list can be filtered by."""
    counties = select(County).order_by(County.code)
    if not sees_everything(user) and user.county_code:
        counties = counties.where(County.code == user.county_code)
    return list(db.session.scalars(counties)), list(db.session.scalars(select(Course).order_by(Course.code)))


def cohorts_query(
    user: User,
    county_code: str | None = None,
    course_id: int | None = None,
    status: str | None = None,
    text: str | None = None,
) -> Select:
    """The cohorts the user sees, filtered, newest first, with course and county loaded."""
    query = (
        select(Cohort)
        .where(cohort_scope(user))
        .options(joinedload(Cohort.course), joinedload(Cohort.county))
        .order_by(Cohort.start_date.desc(), Cohort.code)
    )
    if county_code:
        query = query.where(Cohort.county_code == county_code)
    if course_id:
        query = query.where(Cohort.course_id == course_id)
    if status:
        query = query.where(Cohort.status == status)
    if text and text.strip():
        query = query.where(contains(Cohort.code, text) | contains(Cohort.site_name, text))
    return query


def enrolled_counts(cohort_ids: list[int]) -> dict[int, int]:
    """Seats taken per cohort, finalised trainees included (models.SEATED)."""
    rows = db.session.execute(
        select(Enrollment.cohort_id, func.count())
        .where(Enrollment.cohort_id.in_(cohort_ids), Enrollment.status.in_(SEATED))
        .group_by(Enrollment.cohort_id)
    )
    return dict(rows.tuples().all())


def places_held(cohort_id: int) -> int:
    """Applications, waiting-list places and seats in the cohort."""
    return db.session.execute(
        select(func.count()).where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(HOLDING_A_PLACE))
    ).scalar_one()


def _check_changeable(cohort: Cohort) -> None:
    if cohort.status == CohortStatus.CLOSED:
        raise CatalogRefused(_("The cohort is closed and can no longer change."))


def _trainers(ids: list[int], county_code: str, kept: list[User]) -> list[User]:
    trainers = list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
    if len(trainers) != len(set(ids)):
        raise CatalogRefused(_("One of the chosen trainers does not exist."))
    for trainer in trainers:
        name = trainer.display_name or trainer.username
        if trainer.role != Role.TRAINER or trainer.county_code not in (None, county_code):
            raise CatalogRefused(_("%(name)s cannot teach a cohort in this county.", name=name))
        if not trainer.active and trainer not in kept:
            raise CatalogRefused(_("The account of %(name)s is disabled.", name=name))
    return trainers


def _check_cohort(user: User, details: CohortDetails, cohort: Cohort | None) -> list[User]:
    if not sees_everything(user) and details.county_code != user.county_code:
        raise CatalogRefused(_("You can only manage cohorts in your own county."))
    if db.session.get(County, details.county_code) is None:
        raise CatalogRefused(_("Unknown county."))
    course = db.session.get(Course, details.course_id)
    if course is None or not (course.active or (cohort and cohort.course_id == course.id)):
        raise CatalogRefused(_("Choose an active course."))
    taken = db.session.scalar(
        select(Cohort.id).where(
            func.lower(Cohort.code) == details.code.lower(), Cohort.id != (cohort.id if cohort else 0)
        )
    )
    if taken:
        raise CatalogRefused(_("The cohort code %(code)s is already used.", code=details.code))
    if details.end_date < details.start_date:
        raise CatalogRefused(_("The end date is before the start date."))
    if details.training_type not in set(TrainingType):
        raise CatalogRefused(_("Unknown training type."))
    if details.employer_id is not None and db.session.get(Employer, details.employer_id) is None:
        raise CatalogRefused(_("Unknown employer."))
    if details.committed_placements and details.employer_id is None:
        raise CatalogRefused(_("Committed placements need a partner employer."))
    if details.committed_placements and details.committed_placements > details.capacity:
        raise CatalogRefused(_("More placements are committed than the cohort has seats."))
    if (details.site_latitude is None) != (details.site_longitude is None):
        raise CatalogRefused(_("Give both the latitude and the longitude of the site, or neither."))
    return _trainers(details.trainer_ids, details.county_code, cohort.trainers if cohort else [])


def _apply_cohort(cohort: Cohort, details: CohortDetails, trainers: list[User]) -> None:
    for name, value in vars(details).items():
        if name == "checkin_radius_m" and value is None:
            continue
        if name != "trainer_ids":
            setattr(cohort, name, value.strip() if isinstance(value, str) else value)
    if not details.employer_id:
        cohort.committed_placements = None
    cohort.trainers = trainers


def create_cohort(user: User, details: CohortDetails, *, default_radius_m: int = 300) -> Cohort:
    """A new cohort in draft; a county coordinator only creates in their own county."""
    trainers = _check_cohort(user, details, None)
    cohort = Cohort(status=CohortStatus.DRAFT, checkin_radius_m=default_radius_m)
    _apply_cohort(cohort, details, trainers)
    db.session.add(cohort)
    db.session.flush()
    audit.record("cohort_created", "cohort", cohort.id, after=_cohort_snapshot(cohort))
    return cohort


def _session_days(cohort_id: int, timezone: str) -> tuple[date, date] | None:
    first, last = db.session.execute(
        select(func.min(ClassSession.starts_at), func.max(ClassSession.starts_at)).where(
            ClassSession.cohort_id == cohort_id
        )
    ).one()
    if first is None:
        return None
    zone = ZoneInfo(timezone)
    return first.astimezone(zone).date(), last.astimezone(zone).date()


def update_cohort(user: User, cohort: Cohort, details: CohortDetails, timezone: str) -> None:
    """Change a cohort; refuses what would strand its trainees or sessions."""
    _check_changeable(cohort)
    trainers = _check_cohort(user, details, cohort)
    if details.course_id != cohort.course_id and db.session.scalar(
        select(func.count()).where(Enrollment.cohort_id == cohort.id)
    ):
        raise CatalogRefused(_("Trainees have applied to this cohort; its course can no longer change."))
    enrolled = enrolled_counts([cohort.id]).get(cohort.id, 0)
    if details.capacity < enrolled:
        raise CatalogRefused(_("%(n)d trainees are enrolled; the capacity cannot be lower.", n=enrolled))
    days = _session_days(cohort.id, timezone)
    if days and (days[0] < details.start_date or days[1] > details.end_date):
        raise CatalogRefused(
            _(
                "Sessions are scheduled from %(first)s to %(last)s; the dates must include them.",
                first=days[0].isoformat(),
                last=days[1].isoformat(),
            )
        )
    before = _cohort_snapshot(cohort)
    _apply_cohort(cohort, details, trainers)
    if _cohort_snapshot(cohort) != before:
        audit.record("cohort_updated", "cohort", cohort.id, before=before, after=_cohort_snapshot(cohort))


# ---- status ----------------------------------------------------------------------------------


def allowed_transitions(status: str, places_taken: bool) -> list[str]:
    """The next step along draft → open → running → finished → closed, and back to draft
    from open while nobody has applied or enrolled."""
    steps = [str(NEXT_STATUS[status])] if status in NEXT_STATUS else []
    if status == CohortStatus.OPEN and not places_taken:
        steps.append(str(CohortStatus.DRAFT))
    return steps


def change_status(cohort: Cohort, new_status: str, timezone: str | None = None) -> None:
    """The one way a cohort's status changes: one step along the path, audited. Opening or starting
    is refused with every problem the opening checks find (catalog.opening; session days in
    `timezone`, the app's by default). Opening freezes the subsidy standard in force on the start
    date (standards.freezing); back to draft lets it go."""
    if new_status not in COHORT_STATUSES:
        raise StatusChangeRefused(_("Unknown status."))
    taken = places_held(cohort.id) > 0
    if new_status not in allowed_transitions(cohort.status, taken):
        if cohort.status == CohortStatus.OPEN and new_status == CohortStatus.DRAFT:
            raise StatusChangeRefused(_("Trainees have applied or enrolled; the cohort cannot go back to draft."))
        raise StatusChangeRefused(
            _(
                "A cohort cannot go from “%(old)s” to “%(new)s”.",
                old=COHORT_STATUSES[cohort.status],
                new=COHORT_STATUSES[new_status],
            )
        )
    if new_status in (CohortStatus.OPEN, CohortStatus.RUNNING):
        problems = opening.refusals(cohort, timezone or current_app.config["BABEL_DEFAULT_TIMEZONE"])
        if new_status == CohortStatus.RUNNING:
            problems += filter(None, [gate.start_refusal(cohort)])
        if problems:
            raise StatusChangeRefused(" ".join(problems), problems)
    before = cohort.status
    cohort.status = new_status
    audit.record("cohort_status_changed", "cohort", cohort.id, before={"status": before}, after={"status": new_status})
    if new_status == CohortStatus.OPEN:
        freezing.freeze(cohort)
    elif new_status == CohortStatus.DRAFT:
        freezing.release(cohort)


# ---- the cohort page -------------------------------------------------------------------------


@dataclass
class CohortPage:
    """What the cohort page shows, loaded in a fixed number of statements."""

    cohort: Cohort
    sessions: list[ClassSession]
    marked: dict[int, int]  # session id → attendance rows
    employer: Employer | None
    next_statuses: list[str]
    standard: freezing.CohortStandard

    @property
    def scheduled_hours(self) -> Decimal:
        return sum((s.hours for s in self.sessions), Decimal(0))

    @property
    def hours_differ(self) -> bool:
        return self.scheduled_hours != self.cohort.course.total_hours


def cohort_page(cohort_id: int) -> CohortPage:
    cohort = db.session.scalars(
        select(Cohort)
        .where(Cohort.id == cohort_id)
        .options(
            joinedload(Cohort.course),
            joinedload(Cohort.county),
            joinedload(Cohort.standard),
            selectinload(Cohort.trainers),
            selectinload(Cohort.sessions),
        )
        .execution_options(populate_existing=True)
    ).one()
    marked = db.session.execute(
        select(Attendance.session_id, func.count())
        .join(ClassSession, ClassSession.id == Attendance.session_id)
        .where(ClassSession.cohort_id == cohort_id)
        .group_by(Attendance.session_id)
    )
    return CohortPage(
        cohort=cohort,
        sessions=list(cohort.sessions),
        marked=dict(marked.tuples().all()),
        employer=db.session.get(Employer, cohort.employer_id) if cohort.employer_id else None,
        next_statuses=allowed_transitions(cohort.status, places_held(cohort.id) > 0),
        standard=freezing.cohort_standard(cohort),
    )
