"""The trainee list in SQL: the report's population as a streamed select, one row per admission
in id order, and the look-ups made per chunk of rows (categories, certificates, jobs), each one
statement whatever the chunk's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import aliased

from training import employment
from training.models import (
    Certificate,
    CertificateStatus,
    Cohort,
    County,
    Course,
    Employer,
    Enrollment,
    FollowUp,
    Placement,
    Trainee,
    TraineeCategory,
)
from training.reports.definitions import Settings
from training.reports.queries import Criteria, admissions_where


def trainee_list(scope: ColumnElement[bool], criteria: Criteria, settings: Settings) -> Select:
    """One row per admission of the population, in id order (people's details; jobs come per chunk)."""
    home = aliased(County)
    return (
        select(
            Enrollment.id.label("enrollment_id"),
            Trainee.id.label("trainee_id"),
            Trainee.name,
            Trainee.id_number,
            home.name.label("home_county"),
            Course.name.label("course"),
            Cohort.code.label("cohort"),
            Cohort.county_code.label("cohort_county"),
            Cohort.start_date,
            Cohort.end_date,
            Enrollment.status,
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .join(Trainee, Trainee.id == Enrollment.trainee_id)
        .outerjoin(home, home.code == Trainee.county_code)
        .where(*admissions_where(scope, criteria, settings))
        .order_by(Enrollment.id)
    )


def count_admissions(connection: Connection, scope, criteria: Criteria, settings: Settings) -> int:
    statement = (
        select(func.count())
        .select_from(Enrollment)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(*admissions_where(scope, criteria, settings))
    )
    return connection.execute(statement).scalar_one()


def categories_of(connection: Connection, trainee_ids: Sequence[int]) -> dict[int, list[str]]:
    rows = connection.execute(
        select(TraineeCategory.trainee_id, TraineeCategory.category)
        .where(TraineeCategory.trainee_id.in_(trainee_ids))
        .order_by(TraineeCategory.trainee_id, TraineeCategory.category)
    )
    found: dict[int, list[str]] = {}
    for trainee_id, category in rows:
        found.setdefault(trainee_id, []).append(category)
    return found


def certificates_of(connection: Connection, enrollment_ids: Sequence[int]) -> dict[int, str]:
    rows = connection.execute(
        select(Certificate.enrollment_id, Certificate.serial).where(
            Certificate.enrollment_id.in_(enrollment_ids), Certificate.status == CertificateStatus.VALID
        )
    )
    return dict(rows.tuples().all())


def jobs_of(connection: Connection, enrollment_ids: Sequence[int], settings: Settings, as_of: date) -> dict[int, dict]:
    """Each admission's job to show: one that counts as employment before one that does not, then the latest."""
    follow_up = aliased(FollowUp)
    counts = employment.counts_as_employment(settings.employment(), Cohort.end_date, as_of)
    rows = connection.execute(
        select(
            Placement.enrollment_id,
            Employer.name.label("employer"),
            Placement.position,
            Placement.kind,
            Placement.scope,
            Placement.monthly_wage,
            Placement.start_date,
            Placement.end_date,
            Placement.contract_months,
            case((counts, 1), else_=0).label("counts"),
            follow_up.due_date.label("follow_up_due"),
            follow_up.done_at.label("follow_up_done"),
            follow_up.still_employed,
        )
        .join(Enrollment, Enrollment.id == Placement.enrollment_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .outerjoin(Employer, Employer.id == Placement.employer_id)
        .outerjoin(
            follow_up, and_(follow_up.placement_id == Placement.id, follow_up.due_months == settings.retention_months)
        )
        .where(Placement.enrollment_id.in_(enrollment_ids))
        .order_by(
            Placement.enrollment_id, literal_column("counts").desc(), Placement.start_date.desc(), Placement.id.desc()
        )
    ).mappings()
    chosen: dict[int, dict] = {}
    for row in rows:
        chosen.setdefault(row["enrollment_id"], dict(row))
    return chosen
