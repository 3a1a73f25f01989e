"""What every step of a claim's life checks, shared by the steps (lifecycle.py), the objections
(objections.py) and the review of its lines (review.py): the refusal they raise, who may take a
step, four-eyes, a written reason, and the claim locked and read afresh."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training.claims.access import Action, may
from training.exceptions import DomainError
from training.extensions import db
from training.models import Claim, ClaimLine, User
from training.orm import lock_row

REASON_MAX = 500


class ClaimStepRefused(DomainError):
    """A step of a claim's life refused; str() is the user's message."""


def locked(claim: Claim) -> Claim:
    """The claim's row locked until the transaction ends and read afresh: two reviewers acting at
    the same moment (one approves, one returns) take their turns, and the second sees the first's step."""
    return lock_row(db.session, Claim, claim.id)


def require(user: User, action: Action, claim: Claim) -> None:
    if may(user, action, claim):
        return
    if action == Action.SUBMIT:
        raise ClaimStepRefused(_("Only a coordinator of the cohort's county or of the city submits its claim."))
    if action == Action.RECORD_OBJECTION:
        raise ClaimStepRefused(
            _("Only a coordinator of the cohort's county or of the city, or a reviewer, records objections.")
        )
    raise ClaimStepRefused(_("Only a reviewer or a coordinator of the city may do this."))


def four_eyes(user: User, claim: Claim) -> None:
    """Nobody reviews what they prepared or submitted."""
    if user.id == claim.prepared_by_id:
        raise ClaimStepRefused(_("You prepared this claim: someone else must review it."))
    if user.id == claim.submitted_by_id:
        raise ClaimStepRefused(_("You submitted this claim: someone else must review it."))


def may_review(user: User, claim: Claim) -> bool:
    """Whether the user may decide this claim's objections, lines and approval (role, scope, four-eyes)."""
    return may(user, Action.DECIDE_LINE, claim) and user.id not in (claim.prepared_by_id, claim.submitted_by_id)


def reason_given(text: str | None, missing: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise ClaimStepRefused(missing)
    if len(reason) > REASON_MAX:
        raise ClaimStepRefused(_("At most %(n)d characters.", n=REASON_MAX))
    return reason


def with_lines(claim: Claim) -> Claim:
    """The claim's lines and their objections loaded in two statements, not one per line."""
    return db.session.scalars(
        select(Claim)
        .where(Claim.id == claim.id)
        .options(selectinload(Claim.lines).selectinload(ClaimLine.objections))
        .execution_options(populate_existing=True)
    ).one()
