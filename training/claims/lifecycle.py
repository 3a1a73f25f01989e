"""The life of a subsidy claim after it is prepared: submission, the public notice (公示), the
review, approval, payment, or a return for a correction.

    draft → submitted → notice → review → approved → paid
    submitted / notice / review → returned (kept as it was) + a new version, the draft

One function changes a claim's status, change_status; objections (objections.py) and the decisions
on lines (review.py) are recorded beside it, with the same checks (checks.py). Each step checks,
here and not only in the page:
- who may take it (access.may: role and scope);
- four-eyes: who prepared or submitted a claim never decides its objections, its lines or its
  approval;
- the order of things: the review starts the day after the notice ends (the refusal names the
  date), approval needs every line decided and no objection waiting, and freezes the approved
  total (the sum of the approved lines);
and each is audited. Every refusal is a ClaimStepRefused, whose message the page shows; nothing is
committed here (the view ends the transaction). After submission the snapshot is also guarded
below the services, at every flush (claims/frozen.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import format_currency, format_date, ngettext
from flask_babel import gettext as _

from training import audit
from training.claims import (
    frozen,  # noqa: F401  (imported for the guard it installs on every flush)
    services,
)
from training.claims.access import Action
from training.claims.checks import ClaimStepRefused, four_eyes, locked, reason_given, require, with_lines
from training.extensions import db
from training.labels import CLAIM_STATUSES
from training.models import (
    Claim,
    ClaimStatus,
    LineDecision,
    ObjectionOutcome,
    User,
)

NEXT = {
    ClaimStatus.DRAFT: (ClaimStatus.SUBMITTED,),
    ClaimStatus.SUBMITTED: (ClaimStatus.NOTICE, ClaimStatus.RETURNED),
    ClaimStatus.NOTICE: (ClaimStatus.REVIEW, ClaimStatus.RETURNED),
    ClaimStatus.REVIEW: (ClaimStatus.APPROVED, ClaimStatus.RETURNED),
    ClaimStatus.APPROVED: (ClaimStatus.PAID,),
}
STEP: dict[str, Action] = {
    ClaimStatus.SUBMITTED: Action.SUBMIT,
    ClaimStatus.NOTICE: Action.PUBLISH,
    ClaimStatus.REVIEW: Action.START_REVIEW,
    ClaimStatus.APPROVED: Action.APPROVE,
    ClaimStatus.PAID: Action.PAY,
    ClaimStatus.RETURNED: Action.RETURN,
}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Payment:
    paid_on: date | None
    amount: Decimal | None
    reference: str


@dataclass(frozen=True)
class Step:
    """What a step may need besides the claim: who, when, and what was typed."""

    user: User
    today: date  # the local working day
    now: datetime  # the moment, UTC, for the records' timestamps
    notice_days: int = 7
    reason: str = ""
    payment: Payment | None = None


def next_statuses(claim: Claim) -> tuple[str, ...]:
    return NEXT.get(ClaimStatus(claim.status), ())


def change_status(claim: Claim, new_status: str, step: Step) -> Claim:
    """The one way a claim's status changes: one step along the path, checked and audited.
    Returns the claim, or after a return the new version that is the draft."""
    locked(claim)
    if new_status not in next_statuses(claim):
        raise ClaimStepRefused(
            _(
                "A claim cannot go from “%(old)s” to “%(new)s”.",
                old=_status_word(claim.status),
                new=_status_word(new_status),
            )
        )
    require(step.user, STEP[new_status], claim)
    before = {"status": claim.status}
    details = _CHECKS[ClaimStatus(new_status)](claim, step)
    claim.status = new_status
    audit.record("claim_status_changed", "claim", claim.id, before=before, after={"status": new_status, **details})
    if new_status == ClaimStatus.RETURNED:
        return _new_version(claim, step.today)
    return claim


def _status_word(status: str) -> str:
    return str(CLAIM_STATUSES.get(status, status))


def _money(amount: Decimal) -> str:
    return format_currency(amount, "CNY")


# ---- the steps --------------------------------------------------------------------------------


def _submit(claim: Claim, step: Step) -> dict:
    if not claim.lines or claim.total_yuan <= 0:
        raise ClaimStepRefused(
            _(
                "This claim asks for nothing (its total is %(total)s): there is nothing to submit.",
                total=_money(claim.total_yuan),
            )
        )
    claim.submitted_by_id, claim.submitted_at = step.user.id, step.now
    return {"total_yuan": str(claim.total_yuan)}


def _publish(claim: Claim, step: Step) -> dict:
    if step.notice_days < 1:
        raise ClaimStepRefused(_("The public notice lasts at least one day (setting CLAIM_NOTICE_DAYS)."))
    claim.notice_starts_on = step.today
    claim.notice_ends_on = step.today + timedelta(days=step.notice_days - 1)
    return {"notice_starts_on": claim.notice_starts_on.isoformat(), "notice_ends_on": claim.notice_ends_on.isoformat()}


def review_opens_on(claim: Claim) -> date | None:
    """The first day the review may start: the day after the public notice's last day."""
    return claim.notice_ends_on + timedelta(days=1) if claim.notice_ends_on else None


def _start_review(claim: Claim, step: Step) -> dict:
    opens = review_opens_on(claim)
    assert opens is not None and claim.notice_ends_on is not None  # set when the notice was published
    if step.today < opens:
        raise ClaimStepRefused(
            _(
                "The public notice runs until %(end)s: the review can start on %(date)s.",
                end=format_date(claim.notice_ends_on, "long"),
                date=format_date(opens, "long"),
            )
        )
    return {}


def _approve(claim: Claim, step: Step) -> dict:
    four_eyes(step.user, claim)
    with_lines(claim)
    undecided = sum(1 for line in claim.lines if line.decision is None)
    if undecided:
        raise ClaimStepRefused(
            ngettext(
                "%(num)d line is not decided yet: decide every line before approving the claim.",
                "%(num)d lines are not decided yet: decide every line before approving the claim.",
                undecided,
            )
        )
    waiting = sum(1 for line in claim.lines for o in line.objections if o.outcome == ObjectionOutcome.PENDING)
    if waiting:
        raise ClaimStepRefused(
            ngettext(
                "%(num)d objection is waiting for its outcome: decide it before approving the claim.",
                "%(num)d objections are waiting for their outcome: decide them before approving the claim.",
                waiting,
            )
        )
    approved = [line.amount_yuan for line in claim.lines if line.decision == LineDecision.APPROVED]
    claim.approved_yuan = sum(approved, Decimal("0")).quantize(CENT)
    claim.approved_by_id, claim.approved_at = step.user.id, step.now
    return {"approved_yuan": str(claim.approved_yuan), "approved_lines": len(approved)}


def _pay(claim: Claim, step: Step) -> dict:
    payment = step.payment or Payment(None, None, "")
    approved = claim.approved_yuan or Decimal("0")
    if approved <= 0:
        raise ClaimStepRefused(_("Nothing was approved in this claim: there is nothing to pay."))
    if payment.paid_on is None:
        raise ClaimStepRefused(_("Give the date of the payment."))
    if payment.paid_on > step.today:
        raise ClaimStepRefused(_("The payment date cannot be in the future."))
    if payment.amount is None or payment.amount.quantize(CENT) != approved:
        raise ClaimStepRefused(_("The amount paid must be the approved total, %(total)s.", total=_money(approved)))
    reference = payment.reference.strip()
    if not reference or len(reference) > 80:
        raise ClaimStepRefused(
            _("Give the payment's reference (at most 80 characters), as the bank or the treasury wrote it.")
        )
    claim.paid_on, claim.paid_yuan, claim.payment_reference = payment.paid_on, approved, reference
    claim.paid_recorded_by_id = step.user.id
    return {"paid_on": claim.paid_on.isoformat(), "paid_yuan": str(approved), "payment_reference": reference}


def _return(claim: Claim, step: Step) -> dict:
    reason = reason_given(step.reason, _("Say why the claim is returned: what must be corrected."))
    claim.returned_by_id, claim.returned_at, claim.return_reason = step.user.id, step.now, reason
    for line in claim.lines:  # the enrollments go to the new version
        line.standing = False
    return {"return_reason": reason}


_CHECKS: dict[ClaimStatus, Callable[[Claim, Step], dict]] = {
    ClaimStatus.SUBMITTED: _submit,
    ClaimStatus.NOTICE: _publish,
    ClaimStatus.REVIEW: _start_review,
    ClaimStatus.APPROVED: _approve,
    ClaimStatus.PAID: _pay,
    ClaimStatus.RETURNED: _return,
}


def _new_version(returned: Claim, today: date) -> Claim:
    """The draft that follows a returned claim: prepared afresh from the records as they are now (the
    correction is made in the records, then the claim is returned), version + 1, by the returned
    claim's preparer, so four-eyes still holds for whoever returned it. When the records no longer
    give a claim (services.prepare refuses: nothing to claim, say), the returned claim is all there
    is and its page offers to prepare again."""
    db.session.flush()  # the returned version lets go of its cohort and its enrollments first
    try:
        draft = services.prepare(returned.cohort_id, user_id=returned.prepared_by_id, today=today)
    except services.ClaimRefused:
        return returned
    audit.record(
        "claim_version_created",
        "claim",
        draft.id,
        after={"version": draft.version, "previous_id": returned.id, "lines": len(draft.lines)},
    )
    return draft
