"""A finished class ready to be claimed, built the way the app builds one: a course and its
subsidy standard frozen on the cohort, sessions held, every trainee marked present, scored and
certified, their household category proven, and jobs for as many as asked; for the tests of
preparing a claim (services, command line, statement counts, the rate).

Class of 40 hours (4 sessions of 10) from START to END; the rate is measured on MEASURED (END + 2
months) and a claim prepared on TODAY is within every certificate's window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from training.extensions import db
from training.models import CohortStatus, EnrollmentStatus, TraineeCategory

START, END = date(2026, 5, 4), date(2026, 5, 20)
MEASURED = date(2026, 7, 20)
TODAY = date(2026, 8, 3)
STANDARD = Decimal("4500.00")


@dataclass
class Claimable:
    cohort: object
    coordinator: object
    enrollments: list = field(default_factory=list)


def claimable_cohort(make, trainees: int = 5, employed: int | None = None, county_code: str = "610924", **cohort):
    """A finished class of `trainees` graduates, each with a valid certificate of END; the first
    `employed` of them (default all) directed into a job with a 12-month contract 10 days after END."""
    course = make.course(min_attendance_pct=80, pass_score=60, total_hours=40)
    standard = make.standard(course)
    values = dict(
        course=course,
        county_code=county_code,
        start_date=START,
        end_date=END,
        status=CohortStatus.FINISHED,
        standard_id=standard.id,
        standard_yuan=STANDARD,
        standard_min_hours=40,
    )
    values.update(cohort)
    made = make.cohort(**values)
    sessions = [
        make.session(
            made, starts_at=datetime.combine(START + timedelta(days=3 * n), datetime.min.time(), UTC), hours=10
        )
        for n in range(4)
    ]
    employer = make.employer()
    result = Claimable(made, make.user("coordinator", county_code=county_code))
    for n in range(trainees):
        enrollment = graduate(make, made, sessions, name=f"王秀英{n + 1:02d}")
        if employed is None or n < employed:
            make.placement(enrollment=enrollment, employer=employer, start_date=END + timedelta(days=10))
        result.enrollments.append(enrollment)
    db.session.flush()
    return result


def graduate(make, cohort, sessions, name: str, attended: int | None = None, **enrollment):
    """A trainee of the class: present at the first `attended` sessions (default all), scored 80,
    completed, certified on the class's end date, poverty-alleviated with the proof recorded."""
    trainee = make.trainee(county_code=cohort.county_code, name=name)
    db.session.add(TraineeCategory(trainee=trainee, category="poverty_alleviated", evidence="脱贫户登记 610924001"))
    values = dict(status=EnrollmentStatus.COMPLETED, theory_score=Decimal(80), practical_score=Decimal(80))
    values.update(enrollment)
    made = make.enrollment(trainee=trainee, cohort=cohort, **values)
    for session in sessions[: len(sessions) if attended is None else attended]:
        make.attendance(made, session)
    certificate = make.certificate(made)
    certificate.snapshot = {"issued_on": cohort.end_date.isoformat()}  # what issuing states on it
    return made
