"""What the placement pages and snippets show, loaded in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import joinedload

from training.extensions import db
from training.models import Cohort, Employer, Enrollment, EnrollmentStatus, FollowUp, Placement, Trainee
from training.orm import prepared
from training.placement import rules
from training.search import contains

WEEK = rules.DUE_SOON_DAYS  # "due this week": today and the six days after it, not the calendar week


def employer_list(text: str = "") -> Select:
    """Employers by name, searched by name or code (literally: % and _ match themselves)."""
    query = select(Employer).order_by(Employer.name, Employer.id)
    if text.strip():
        query = query.where(or_(contains(Employer.name, text), contains(Employer.uscc, text)))
    return query


def current_placements(employer_ids: list[int]) -> dict[int, int]:
    """How many current (not ended) jobs each of these employers holds."""
    if not employer_ids:
        return {}
    rows = db.session.execute(
        select(Placement.employer_id, func.count())
        .where(Placement.employer_id.in_(employer_ids), Placement.end_date.is_(None))
        .group_by(Placement.employer_id)
    )
    return {employer_id: count for employer_id, count in rows if employer_id is not None}  # in employer_ids


def employer_options(text: str = "", keep: tuple[int | None, ...] = (), limit: int = 200) -> list[Employer]:
    """Employers for a select: those matching the search (at most `limit`), plus the ones to keep."""
    query = select(Employer).order_by(Employer.name).limit(limit)
    if text.strip():
        query = query.where(or_(contains(Employer.name, text), contains(Employer.uscc, text)))
    found = list(db.session.scalars(query))
    wanted = {i for i in keep if i} - {e.id for e in found}
    if wanted:
        found += db.session.scalars(select(Employer).where(Employer.id.in_(wanted)))
    return sorted(found, key=lambda e: e.name)


def completed_enrollments(trainee_id: int) -> list[Enrollment]:
    """The trainings a job can follow, most recent first."""
    return list(
        db.session.scalars(
            select(Enrollment)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .where(Enrollment.trainee_id == trainee_id, Enrollment.status == EnrollmentStatus.COMPLETED)
            .options(joinedload(Enrollment.cohort).joinedload(Cohort.course))
            .order_by(Cohort.end_date.desc())
        )
    )


@prepared
def _placements_of_trainee():
    return (
        select(Placement)
        .where(Placement.trainee_id == bindparam("trainee_id"))
        .options(
            joinedload(Placement.employer),
            joinedload(Placement.follow_ups),
            joinedload(Placement.enrollment).joinedload(Enrollment.cohort),
        )
        .order_by(Placement.end_date.is_not(None), Placement.start_date.desc(), Placement.id.desc())
    )


def trainee_placements(trainee_id: int) -> list[Placement]:
    """All of a person's jobs, the current one first, then newest first."""
    return list(db.session.scalars(_placements_of_trainee(), {"trainee_id": trainee_id}).unique())


@dataclass
class FollowUpResult:
    months: int
    due_date: date
    done: bool
    still_employed: bool | None
    monthly_wage: Decimal | None


@dataclass
class JobRecord:
    employer_name: str | None
    position: str
    kind: str
    place: str
    start_date: date
    end_date: date | None
    monthly_wage: Decimal
    follow_ups: list[FollowUpResult]

    @property
    def current(self) -> bool:
        return self.end_date is None


def trainee_job_record(trainee_id: int) -> JobRecord | None:
    """The current job, else the last one, as the trainee sees it on their own page."""
    placements = trainee_placements(trainee_id)
    if not placements:
        return None
    job = placements[0]
    return JobRecord(
        employer_name=job.employer.name if job.employer else None,
        position=job.position,
        kind=job.kind,
        place=job.place,
        start_date=job.start_date,
        end_date=job.end_date,
        monthly_wage=job.monthly_wage,
        follow_ups=[
            FollowUpResult(f.due_months, f.due_date, f.done_at is not None, f.still_employed, f.monthly_wage)
            for f in job.follow_ups
        ],
    )


def committed_vs_placed(cohort_id: int) -> tuple[int, int]:
    """Placements the partner employer committed to, and the cohort's graduates placed with it so far.

    A graduate counts once, whether or not the job has since ended: the commitment was to take them.
    """
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        return 0, 0
    if cohort.employer_id is None:
        return cohort.committed_placements or 0, 0
    placed = db.session.execute(
        select(func.count(func.distinct(Placement.trainee_id)))
        .join(Enrollment, Enrollment.id == Placement.enrollment_id)
        .where(Enrollment.cohort_id == cohort_id, Placement.employer_id == cohort.employer_id)
    ).scalar_one()
    return cohort.committed_placements or 0, placed


@dataclass
class CohortJobs:
    committed: int
    placed: int
    graduates: int
    with_job: int


def cohort_jobs(cohort: Cohort) -> CohortJobs:
    """The numbers the cohort page shows: committed vs placed, graduates with a current job."""
    committed, placed = committed_vs_placed(cohort.id)
    graduates, with_job = db.session.execute(
        select(func.count(), func.count(case((_has_open_placement(Enrollment.trainee_id), 1)))).where(
            Enrollment.cohort_id == cohort.id, Enrollment.status == EnrollmentStatus.COMPLETED
        )
    ).one()
    return CohortJobs(committed, placed, graduates, with_job)


def _has_open_placement(trainee_id) -> ColumnElement[bool]:
    return exists().where(Placement.trainee_id == trainee_id, Placement.end_date.is_(None))


def graduates_without_job(cohort_id: int) -> list[Enrollment]:
    """Completed enrollments of the cohort whose trainee has no current job, by name."""
    return list(
        db.session.scalars(
            select(Enrollment)
            .join(Trainee, Trainee.id == Enrollment.trainee_id)
            .where(
                Enrollment.cohort_id == cohort_id,
                Enrollment.status == EnrollmentStatus.COMPLETED,
                ~_has_open_placement(Enrollment.trainee_id),
            )
            .options(joinedload(Enrollment.trainee))
            .order_by(Trainee.name, Trainee.id)
        )
    )


def due_follow_ups(scope: ColumnElement[bool], today: date) -> Select:
    """Follow-ups not yet done and due by the end of this week, oldest first, in the trainee scope."""
    return (
        select(FollowUp)
        .join(Placement, Placement.id == FollowUp.placement_id)
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .where(FollowUp.done_at.is_(None), FollowUp.due_date < today + timedelta(days=WEEK), scope)
        .options(
            joinedload(FollowUp.placement).joinedload(Placement.trainee),
            joinedload(FollowUp.placement).joinedload(Placement.employer),
        )
        .order_by(FollowUp.due_date, FollowUp.id)
    )


def due_counts(scope: ColumnElement[bool], today: date) -> tuple[int, int]:
    """(overdue, due this week) among the follow-ups not yet done, in the trainee scope."""
    overdue, this_week = db.session.execute(
        select(
            func.count(case((FollowUp.due_date < today, 1))),
            func.count(case((and_(FollowUp.due_date >= today, FollowUp.due_date < today + timedelta(days=WEEK)), 1))),
        )
        .join(Placement, Placement.id == FollowUp.placement_id)
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .where(FollowUp.done_at.is_(None), scope)
    ).one()
    return overdue, this_week
