"""The review of a claim line by line: each line approved or rejected with its reason, all the
decisions posted together saved or none, by a reviewer who did not prepare or submit the claim."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask_babel import gettext as _

from training import audit
from training.claims.access import Action
from training.claims.checks import REASON_MAX, ClaimStepRefused, four_eyes, locked, reason_given, require, with_lines
from training.models import Claim, ClaimLine, ClaimStatus, LineDecision, ObjectionOutcome, User


class LinesRefused(ClaimStepRefused):
    """Some of the decisions posted together were refused: by line id, the reason; none was saved."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(_("Some decisions could not be saved; see the lines marked below. Nothing was saved."))
        self.errors = errors


def decide_lines(claim: Claim, decisions: Mapping[int, tuple[str, str]], *, user: User, now: datetime) -> int:
    """Approve or reject lines of a claim under review: line id → (decision, reason), all or none.
    Returns how many lines changed (a decision posted again as it stands is not a change)."""
    locked(claim)
    if claim.status != ClaimStatus.REVIEW:
        raise ClaimStepRefused(_("Lines are decided during the review."))
    require(user, Action.DECIDE_LINE, claim)
    four_eyes(user, claim)
    lines = {line.id: line for line in with_lines(claim).lines}
    errors, changes = {}, []
    for line_id, (decision, reason) in decisions.items():
        line = lines.get(line_id)
        if line is None:
            raise ClaimStepRefused(_("This line is not part of the claim."))
        try:
            reason = _check_decision(line, decision, reason)
        except ClaimStepRefused as refusal:
            errors[line_id] = str(refusal)
            continue
        if (line.decision, line.decision_reason or "") != (decision, reason):
            changes.append((line, decision, reason))
    if errors:
        raise LinesRefused(errors)
    for line, decision, reason in changes:
        before = {"decision": line.decision, "decision_reason": line.decision_reason}
        set_decision(line, decision, reason, user, now)
        audit.record(
            "claim_line_decided",
            "claim_line",
            line.id,
            before=before,
            after={"claim_id": claim.id, "line": line.position, "decision": decision, "decision_reason": reason},
        )
    return len(changes)


def _check_decision(line: ClaimLine, decision: str, reason: str) -> str:
    """The reason to store, or the refusal of this decision on this line."""
    objections = [o.outcome for o in line.objections]
    if ObjectionOutcome.UPHELD in objections:
        raise ClaimStepRefused(_("An upheld objection excluded this line."))
    if decision == LineDecision.APPROVED:
        if not line.eligible:
            raise ClaimStepRefused(_("This line is not eligible: it can only be rejected."))
        if ObjectionOutcome.PENDING in objections:
            raise ClaimStepRefused(_("An objection to this line is waiting for its outcome."))
        return (reason or "").strip()[:REASON_MAX]
    if decision == LineDecision.REJECTED:
        return reason_given(reason, _("Give the reason for rejecting this line."))
    raise ClaimStepRefused(_("Choose approve or reject."))


def set_decision(line: ClaimLine, decision: str, reason: str, user: User, now: datetime) -> None:
    line.decision, line.decision_reason = decision, reason or None
    line.decided_by_id, line.decided_at = user.id, now
