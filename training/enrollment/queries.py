"""What the enrollment pages show, loaded in a fixed number of statements."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from training.enrollment import services
from training.enrollment.forms import DecisionForm, EnrollOneForm, WithdrawForm
from training.enrollment.services import EnrollmentRefused
from training.extensions import db
from training.labels import ENROLLMENT_STATUSES
from training.models import SEATED, Cohort, CohortStatus, Enrollment, EnrollmentStatus, Trainee, User
from training.permissions import trainee_scope
from training.trainees.services import registry_query

PANEL_ORDER = ["enrolled", "waitlisted", "applied", "completed", "failed", "withdrawn", "declined"]


def status_label(status: str) -> str:
    return str(ENROLLMENT_STATUSES.get(status, status))


@dataclass
class CohortPanel:
    cohort: Cohort
    can_manage: bool
    groups: dict[str, list[Enrollment]]
    enroll_form: EnrollOneForm
    withdraw_form: WithdrawForm
    decision_form: DecisionForm

    @property
    def enrolled(self) -> int:
        return sum(len(self.groups.get(status, [])) for status in SEATED)


def cohort_panel(cohort: Cohort, can_manage: bool) -> CohortPanel:
    enrollments = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.cohort_id == cohort.id)
        .options(joinedload(Enrollment.trainee))
        .order_by(Enrollment.waitlisted_at, Enrollment.applied_at, Enrollment.id)
    ).all()
    groups: dict[str, list[Enrollment]] = {status: [] for status in PANEL_ORDER}
    for enrollment in enrollments:
        groups[enrollment.status].append(enrollment)
    return CohortPanel(cohort, can_manage, groups, EnrollOneForm(), WithdrawForm(), DecisionForm())


@dataclass
class TickResult:
    trainee: Trainee
    enrollment: Enrollment | None
    refusal: EnrollmentRefused | None


def enroll_ticked(cohort: Cohort, trainee_ids: list[int], user: User, override_reason: str | None) -> list[TickResult]:
    """Enroll each ticked trainee in scope; a refusal for one leaves the others enrolled.

    No savepoints are needed: enroll() refuses before it writes anything.
    """
    trainees = db.session.scalars(
        select(Trainee).where(Trainee.id.in_(trainee_ids), trainee_scope(user)).order_by(Trainee.name)
    ).all()
    results = []
    for trainee in trainees:
        try:
            enrollment = services.enroll(trainee.id, cohort.id, user.id, override_reason)
        except EnrollmentRefused as refusal:
            results.append(TickResult(trainee, None, refusal))
        else:
            results.append(TickResult(trainee, enrollment, None))
    return results


def candidates(cohort: Cohort, user: User, text: str, category: str):
    """Registry trainees in the user's scope who hold no place in this cohort."""
    holding = exists().where(
        Enrollment.trainee_id == Trainee.id,
        Enrollment.cohort_id == cohort.id,
        Enrollment.status.not_in([EnrollmentStatus.WITHDRAWN, EnrollmentStatus.DECLINED]),
    )
    return registry_query(trainee_scope(user), text, "", category).where(~holding)


@dataclass
class OpenClass:
    cohort: Cohort
    seats_left: int
    my_status: str | None


def open_cohorts_for(trainee: Trainee) -> list[OpenClass]:
    """Open cohorts in the trainee's county, with seats left and the trainee's own status."""
    taken = (
        select(func.count())
        .where(Enrollment.cohort_id == Cohort.id, Enrollment.status == EnrollmentStatus.ENROLLED)
        .scalar_subquery()
    )
    mine = (
        select(Enrollment.status)
        .where(Enrollment.cohort_id == Cohort.id, Enrollment.trainee_id == trainee.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Cohort, taken, mine)
        .where(Cohort.status == CohortStatus.OPEN, Cohort.county_code == trainee.county_code)
        .options(joinedload(Cohort.course))
        .order_by(Cohort.start_date)
    ).all()
    return [OpenClass(cohort, max(cohort.capacity - seats, 0), status) for cohort, seats, status in rows]
