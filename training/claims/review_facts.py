"""What the 审核报告 states of a reviewed claim, read from the claim and its lines: who prepared it,
submitted it, reviewed its lines and approved it, and when; how many lines were approved and
which were not, each with its reasons, and the reasons counted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from training.claims import reasons
from training.extensions import db
from training.identity import mask_id_number
from training.models import Claim, ClaimLine, LineDecision, ObjectionOutcome, User

ROLE_NAMES = {"admin": "管理员", "coordinator": "协调员", "reviewer": "审核员"}
STAGES = {"eligibility": "资格审查未通过", "objection": "公示异议成立", "review": "审核未通过"}


@dataclass(frozen=True)
class Reviewer:
    """Someone who decided lines (or objections) of the claim: how many, from when to when."""

    name: str
    role: str
    decisions: int
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class NotApproved:
    number: int
    name: str
    masked_id: str
    stage: str
    reasons: str


@dataclass(frozen=True)
class ReviewFacts:
    preparer: str
    prepared_at: datetime | None
    submitted_by: str
    submitted_at: datetime | None
    reviewers: list[Reviewer]
    approver: str
    approver_role: str
    approved_at: datetime | None
    lines: int
    approved: int
    not_approved: list[NotApproved]
    reason_counts: list[tuple[str, int]]
    objections: int
    upheld: int
    approved_yuan: Decimal


def why_not_claimed(line: ClaimLine) -> tuple[str, str] | None:
    """(stage, reasons) of a line the claim does not ask money for: not eligible when prepared, an
    objection to it upheld, or rejected in review; None for a line it claims."""
    if not line.eligible:
        return STAGES["eligibility"], "；".join(reasons.describe(r) for r in line.reasons) or "—"
    upheld = [o for o in line.objections if o.outcome == ObjectionOutcome.UPHELD]
    if upheld:
        return STAGES["objection"], "；".join(o.outcome_reason or o.content for o in upheld)
    if line.decision == LineDecision.REJECTED:
        return STAGES["review"], line.decision_reason or "—"
    return None


def _users(ids: set[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}


def _name(user: User | None) -> str:
    return (user.display_name or user.username) if user else ""


def _role(user: User | None) -> str:
    return ROLE_NAMES.get(user.role, user.role) if user else ""


def review_facts(claim: Claim) -> ReviewFacts:
    """The facts of the review report, in a fixed number of statements beyond the claim's lines."""
    lines = list(claim.lines)
    decisions: list[tuple[int, datetime | None]] = [
        (line.decided_by_id, line.decided_at) for line in lines if line.decided_by_id is not None
    ]
    decisions += [
        (o.decided_by_id, o.decided_at) for line in lines for o in line.objections if o.decided_by_id is not None
    ]
    users = _users(
        {claim.prepared_by_id, claim.submitted_by_id, claim.approved_by_id, *(user for user, _ in decisions)}
    )
    reviewers = []
    for user_id in sorted({user for user, _ in decisions}):
        times = [at for user, at in decisions if user == user_id and at is not None]
        user = users.get(user_id)
        reviewers.append(
            Reviewer(
                _name(user),
                _role(user),
                sum(1 for user, _ in decisions if user == user_id),
                min(times, default=None),
                max(times, default=None),
            )
        )
    not_approved, counts = [], Counter[str]()
    for line in lines:
        why = why_not_claimed(line)
        if why is None:
            continue
        stage, reasons = why
        counts[f"{stage}：{reasons}"] += 1
        not_approved.append(
            NotApproved(
                line.position, line.snapshot["name"], mask_id_number(line.snapshot["id_number"]), stage, reasons
            )
        )
    approved_lines = [line for line in lines if why_not_claimed(line) is None]
    total = claim.approved_yuan
    if total is None:
        total = sum((line.amount_yuan for line in approved_lines), Decimal("0.00"))
    objections = [o for line in lines for o in line.objections]
    return ReviewFacts(
        preparer=_name(users.get(claim.prepared_by_id)),
        prepared_at=claim.prepared_at,
        submitted_by=_name(users.get(claim.submitted_by_id)) if claim.submitted_by_id else "",
        submitted_at=claim.submitted_at,
        reviewers=reviewers,
        approver=_name(users.get(claim.approved_by_id)) if claim.approved_by_id else "",
        approver_role=_role(users.get(claim.approved_by_id)) if claim.approved_by_id else "",
        approved_at=claim.approved_at,
        lines=len(lines),
        approved=len(approved_lines),
        not_approved=not_approved,
        reason_counts=sorted(counts.items(), key=lambda item: (-item[1], item[0])),
        objections=len(objections),
        upheld=sum(1 for o in objections if o.outcome == ObjectionOutcome.UPHELD),
        approved_yuan=total,
    )


def claimed_lines(claim: Claim) -> list[ClaimLine]:
    """The lines the claim asks money for (why_not_claimed says why the others are not):
    the roster, the public notice and its PDF list these."""
    return [line for line in claim.lines if why_not_claimed(line) is None]
