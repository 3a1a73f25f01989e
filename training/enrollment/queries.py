"""What the enrollment pages show, loaded in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select, true
from sqlalchemy.orm import joinedload

from training.enrollment import services
from training.enrollment.checks import EnrollmentRefused
from training.extensions import db
from training.labels import ENROLLMENT_STATUSES
from training.models import SEATED, Cohort, CohortStatus, Enrollment, EnrollmentStatus, Role, Trainee, User
from training.permissions import trainee_scope
from training.search import contains
from training.trainees.services import registry_query

PANEL_ORDER = ["enrolled", "waitlisted", "applied", "completed", "failed", "withdrawn", "declined"]


def status_label(status: str) -> str:
    return str(ENROLLMENT_STATUSES.get(status, status))


@dataclass
class CohortPanel:
    cohort: Cohort
    can_manage: bool
    groups: dict[str, list[Enrollment]]
    matches: list[Trainee] | None = None  # a search by name on the single-enrollment form
    coordinators: list[User] = field(default_factory=list)  # who may approve an override, when one waits

    @property
    def more_matches(self) -> bool:
        """The search shows its first MATCHES_SHOWN: more of the name narrows it."""
        return len(self.matches or []) >= MATCHES_SHOWN

    def approvers(self, enrollment: Enrollment) -> list[str]:
        """Who may approve this enrollment's override: any coordinator of the cohort but its preparer."""
        return [u.display_name or u.username for u in self.coordinators if u.id != enrollment.override_prepared_by_id]

    @property
    def enrolled(self) -> int:
        return sum(len(self.groups.get(status, [])) for status in SEATED)


def cohort_panel(cohort: Cohort, can_manage: bool, matches: list[Trainee] | None = None) -> CohortPanel:
    """The panel; after a single enrollment by name that did not go through, the matches."""
    enrollments = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.cohort_id == cohort.id)
        .options(joinedload(Enrollment.trainee), joinedload(Enrollment.override_prepared_by))
        .order_by(Enrollment.waitlisted_at, Enrollment.applied_at, Enrollment.id)
    ).all()
    groups: dict[str, list[Enrollment]] = {status: [] for status in PANEL_ORDER}
    for enrollment in enrollments:
        groups[enrollment.status].append(enrollment)
    waiting = can_manage and any(e.awaits_override_approval for e in groups["applied"])
    return CohortPanel(
        cohort,
        can_manage,
        groups,
        matches,
        override_approvers(cohort) if waiting else [],
    )


def override_approvers(cohort: Cohort) -> list[User]:
    """The active coordinators who manage the cohort: its county's and the city's."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.COORDINATOR,
                User.active.is_(True),
                or_(User.county_code.is_(None), User.county_code == cohort.county_code),
            )
            .order_by(User.county_code.is_(None), User.display_name, User.id)
        )
    )


@dataclass
class TickResult:
    trainee: Trainee
    enrollment: Enrollment | None
    refusal: EnrollmentRefused | None


def enroll_ticked(
    cohort: Cohort, trainee_ids: list[int], user: User, override_reason: str | None, overlap_reason: str | None = None
) -> list[TickResult]:
    """Enroll each ticked trainee in scope; a refusal for one leaves the others enrolled.

    No savepoints are needed: enroll() refuses before it writes anything.
    """
    trainees = db.session.scalars(
        select(Trainee).where(Trainee.id.in_(trainee_ids), trainee_scope(user)).order_by(Trainee.name)
    ).all()
    results = []
    for trainee in trainees:
        try:
            enrollment = services.enroll(trainee.id, cohort.id, user.id, override_reason, overlap_reason)
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


MATCHES_SHOWN = 20


def is_id_number_attempt(text: str) -> bool:
    """Names hold no digits: anything with one is an ID number, checked as one (and refused if wrong)."""
    return any(ch.isdigit() for ch in text)


def trainee_with_id_number(id_number: str, user: User) -> Trainee | None:
    return db.session.scalar(select(Trainee).where(Trainee.id_number == id_number, trainee_scope(user)))


def picked_trainee(trainee_id: int, cohort: Cohort, user: User, text: str) -> Trainee | None:
    """The trainee picked from the matches, if still among them (a forged id finds nobody)."""
    return next((t for t in matching_candidates(cohort, user, text) if t.id == trainee_id), None)


def matching_candidates(cohort: Cohort, user: User, text: str) -> list[Trainee]:
    """Candidates whose name holds the text: a county coordinator finds only their county's people
    (not those of other counties enrolled in their cohorts), the city everyone."""
    own_county = Trainee.county_code == user.county_code if user.county_code else true()
    query = candidates(cohort, user, "", "").where(own_county, contains(Trainee.name, text))
    return list(db.session.scalars(query.limit(MATCHES_SHOWN)).unique())


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
