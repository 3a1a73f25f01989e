"""What the claim pages show, each loaded in a fixed number of statements whatever the number of
lines: the list of claims in the user's scope, one claim with its lines, objections, versions and
the people named on it, and the claims waiting for a reviewer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from training.claims.access import claim_scope
from training.extensions import db
from training.models import (
    STANDING,
    Claim,
    ClaimLine,
    ClaimObjection,
    ClaimStatus,
    Cohort,
    LineDecision,
    ObjectionOutcome,
    User,
)

# What a reviewer has to act on: a submitted claim to publish, a notice to follow, a review to finish.
WAITING_FOR_REVIEW = (ClaimStatus.SUBMITTED, ClaimStatus.NOTICE, ClaimStatus.REVIEW)


def employment_rate(employed: int, completed: int) -> Decimal | None:
    """Employed ÷ completed in percent, one decimal (None when nobody completed)."""
    if not completed:
        return None
    return (Decimal(employed) * 100 / Decimal(completed)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def claims_query(user: User, status: str | None = None, cohort_id: int | None = None) -> Select:
    """The claims the user reads, newest first, with their cohort and course."""
    query = (
        select(Claim)
        .join(Cohort, Cohort.id == Claim.cohort_id)
        .where(claim_scope(user))
        .options(joinedload(Claim.cohort).joinedload(Cohort.course))
        .order_by(Claim.prepared_at.desc(), Claim.id.desc())
    )
    if status:
        query = query.where(Claim.status == status)
    if cohort_id:
        query = query.where(Claim.cohort_id == cohort_id)
    return query


def has_standing_claim(cohort_id: int) -> bool:
    found = select(Claim.id).where(Claim.cohort_id == cohort_id, Claim.status.in_(STANDING))
    return db.session.scalar(found.limit(1)) is not None


@dataclass
class ClaimPage:
    claim: Claim
    versions: list[Claim]
    people: dict[int, User]  # everyone named on the claim, its lines and objections, by id

    @property
    def rate(self) -> Decimal | None:
        return employment_rate(self.claim.employed_count, self.claim.completed_count)

    @property
    def undecided(self) -> int:
        return sum(1 for line in self.claim.lines if line.decision is None)

    @property
    def approved_lines(self) -> int:
        return sum(1 for line in self.claim.lines if line.decision == LineDecision.APPROVED)

    @property
    def pending_objections(self) -> list[ClaimObjection]:
        return [o for line in self.claim.lines for o in line.objections if o.outcome == ObjectionOutcome.PENDING]

    @property
    def eligible_lines(self) -> int:
        return sum(1 for line in self.claim.lines if line.eligible)

    def name_of(self, user_id: int | None) -> str:
        user = self.people.get(user_id) if user_id is not None else None
        return (user.display_name or user.username) if user else "—"


def claim_page(claim_id: int) -> ClaimPage:
    """The claim with its cohort, lines and their objections, the cohort's versions, the people named."""
    claim = db.session.scalars(
        select(Claim)
        .where(Claim.id == claim_id)
        .options(
            joinedload(Claim.cohort).joinedload(Cohort.course),
            joinedload(Claim.cohort).joinedload(Cohort.county),
            selectinload(Claim.lines).selectinload(ClaimLine.objections),
        )
        .execution_options(populate_existing=True)
    ).one()
    versions = list(db.session.scalars(select(Claim).where(Claim.cohort_id == claim.cohort_id).order_by(Claim.version)))
    ids = {
        claim.prepared_by_id,
        claim.submitted_by_id,
        claim.approved_by_id,
        claim.returned_by_id,
        claim.paid_recorded_by_id,
        *(line.decided_by_id for line in claim.lines),
        *(o.recorded_by_id for line in claim.lines for o in line.objections),
        *(o.decided_by_id for line in claim.lines for o in line.objections),
    } - {None}
    people = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return ClaimPage(claim=claim, versions=versions, people=people)


@dataclass(frozen=True)
class Waiting:
    claim: Claim
    undecided: int


def waiting_for_review(user: User, limit: int = 50) -> list[Waiting]:
    """Claims a reviewer acts on next, oldest submission first, with how many lines are still undecided."""
    claims = list(
        db.session.scalars(
            claims_query(user)
            .where(Claim.status.in_(WAITING_FOR_REVIEW))
            .order_by(None)
            .order_by(Claim.submitted_at, Claim.id)
            .limit(limit)
        )
    )
    undecided = dict(
        db.session.execute(
            select(ClaimLine.claim_id, func.count())
            .where(ClaimLine.claim_id.in_([c.id for c in claims]), ClaimLine.decision.is_(None))
            .group_by(ClaimLine.claim_id)
        )
        .tuples()
        .all()
    )
    return [Waiting(claim, undecided.get(claim.id, 0)) for claim in claims]
