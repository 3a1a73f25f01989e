"""Who reads a subsidy claim and who does what to it.

Reading: admins, city-level coordinators (no county) and reviewers read every claim; a county
coordinator reads the claims of their county's cohorts; trainers and trainees read none (403, and
404 to trainees, who must not learn that a record exists).

Doing (the lifecycle's services ask `may` too, so a page cannot be bypassed):
- prepare and submit: a coordinator of the cohort's county or of the city;
- publish the notice, start the review, decide objections and lines, approve, record the payment,
  return: a reviewer, that is a city-level coordinator or an account of the reviewer role;
- record an objection: a coordinator who reads the claim, or a reviewer (the call may come to either);
- return a claim still at submitted (before its notice): also a coordinator who reads it.
Admins manage accounts, not claims: they read, and do nothing. Who may never review what they
prepared or submitted (four-eyes) is lifecycle's rule, beside the steps it guards.
"""

from __future__ import annotations

import enum

from flask_login import current_user
from sqlalchemy import ColumnElement, false, true

from training.extensions import db
from training.models import Claim, ClaimStatus, Cohort, Role, User
from training.permissions import coordinates, deny, is_reviewer


class Action(enum.StrEnum):
    SUBMIT = "submit"
    PUBLISH = "publish"  # submitted → notice
    RECORD_OBJECTION = "record_objection"
    DECIDE_OBJECTION = "decide_objection"
    START_REVIEW = "start_review"
    DECIDE_LINE = "decide_line"
    APPROVE = "approve"
    PAY = "pay"
    RETURN = "return"


REVIEWING = frozenset(
    {
        Action.PUBLISH,
        Action.DECIDE_OBJECTION,
        Action.START_REVIEW,
        Action.DECIDE_LINE,
        Action.APPROVE,
        Action.PAY,
        Action.RETURN,
    }
)


def sees_every_claim(user: User) -> bool:
    return user.role == Role.ADMIN or is_reviewer(user)


def claim_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Cohort (joined to Claim) limiting claims to those the user reads."""
    if sees_every_claim(user):
        return true()
    if user.role == Role.COORDINATOR:
        return Cohort.county_code == user.county_code
    return false()


def can_see_claim(user: User, claim: Claim) -> bool:
    if sees_every_claim(user):
        return True
    return user.role == Role.COORDINATOR and user.county_code == claim.cohort.county_code


def may_prepare(user: User, cohort: Cohort) -> bool:
    """Coordinators prepare their county's claims (the city's coordinators every county's)."""
    return coordinates(user, cohort)


def may(user: User, action: Action, claim: Claim) -> bool:
    """Whether the user's role and scope let them take this step (not whether its time has come)."""
    coordinator_in_scope = user.role == Role.COORDINATOR and can_see_claim(user, claim)
    if action == Action.SUBMIT:
        return coordinator_in_scope
    if action == Action.RECORD_OBJECTION:
        return coordinator_in_scope or is_reviewer(user)
    if action == Action.RETURN and claim.status == ClaimStatus.SUBMITTED and coordinator_in_scope:
        return True
    return action in REVIEWING and is_reviewer(user)


def require_claim(claim_id: int) -> Claim:
    """The claim, if the current user may read it; else 404 (unknown) or 403 (out of scope)."""
    claim = db.get_or_404(Claim, claim_id)
    if not can_see_claim(current_user, claim):
        deny("claim", claim_id)
    return claim
