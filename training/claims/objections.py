"""Objections to a claim's public notice (公示): recorded as received while the notice runs, and
decided (upheld: the line is rejected; or dismissed) by a reviewer who did not prepare the claim."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from training import audit
from training.claims.access import Action
from training.claims.checks import ClaimStepRefused, four_eyes, locked, reason_given, require
from training.claims.review import set_decision
from training.extensions import db
from training.models import ClaimLine, ClaimObjection, ClaimStatus, LineDecision, ObjectionOutcome, User


def record_objection(
    line: ClaimLine, *, raised_by: str, content: str, received_at: datetime, user: User, now: datetime
) -> ClaimObjection:
    """An objection to a line of the public notice, as received (who, what, when), while the notice runs."""
    claim = locked(line.claim)
    if claim.status != ClaimStatus.NOTICE:
        raise ClaimStepRefused(_("Objections are recorded while the claim's public notice runs."))
    require(user, Action.RECORD_OBJECTION, claim)
    raised_by, content = (raised_by or "").strip(), (content or "").strip()
    if not raised_by or not content:
        raise ClaimStepRefused(_("Say who raised the objection and what it says."))
    if received_at > now:
        raise ClaimStepRefused(_("The objection cannot have been received in the future."))
    objection = ClaimObjection(
        line=line, raised_by=raised_by, content=content, received_at=received_at, recorded_by_id=user.id
    )
    db.session.add(objection)
    db.session.flush()
    audit.record(
        "claim_objection_recorded",
        "claim_objection",
        objection.id,
        after={"claim_id": claim.id, "line": line.position, "raised_by": raised_by, "content": content},
    )
    return objection


def decide_objection(objection: ClaimObjection, outcome: str, reason: str, *, user: User, now: datetime) -> None:
    """Upheld (the line is rejected, with the objection's reason) or dismissed, with the reason."""
    line = objection.line
    claim = locked(line.claim)
    if claim.status not in (ClaimStatus.NOTICE, ClaimStatus.REVIEW):
        raise ClaimStepRefused(_("Objections are decided during the public notice or the review."))
    require(user, Action.DECIDE_OBJECTION, claim)
    four_eyes(user, claim)
    if objection.outcome != ObjectionOutcome.PENDING:
        raise ClaimStepRefused(_("This objection was decided already."))
    if outcome not in (ObjectionOutcome.UPHELD, ObjectionOutcome.DISMISSED):
        raise ClaimStepRefused(_("Choose whether the objection is upheld or dismissed."))
    reason = reason_given(reason, _("Give the reason for the outcome."))
    objection.outcome, objection.outcome_reason = outcome, reason
    objection.decided_by_id, objection.decided_at = user.id, now
    after = {"outcome": outcome, "outcome_reason": reason, "line": line.position}
    if outcome == ObjectionOutcome.UPHELD:
        set_decision(line, LineDecision.REJECTED, reason, user, now)
        after["line_decision"] = LineDecision.REJECTED
    audit.record("claim_objection_decided", "claim_objection", objection.id, before={"outcome": "pending"}, after=after)
