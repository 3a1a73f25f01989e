"""The life of a cohort's filing:

    (none) → draft → submitted → approved
                      submitted → returned → (prepared again: draft) → submitted …

One filing per cohort, kept through its returns (each return's reason is kept on it, oldest first).
prepare takes the snapshot from the records (filing/snapshot.py) with what the coordinator typed;
submission takes it afresh, so what is filed is the class as it stands that day, and marks the
filing late when it comes after its deadline (filing/deadline.py), which needs a written reason.
One function changes a filing's status, change_status. Each step checks, here and not only in the
page, who may take it (access.may) and four-eyes: who prepared or submitted a filing never
approves or returns it. Every step is audited; nothing is committed here (the view ends the
transaction). After submission nothing prepares the filing again until it is returned; after
approval what changes is recorded beside it (filing/changes.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from training import audit
from training.exceptions import DomainError
from training.extensions import db
from training.filing import snapshot
from training.filing.access import Action, may
from training.filing.deadline import deadline_of
from training.labels import FILING_STATUSES
from training.models import PREPARABLE, Cohort, CohortStatus, Filing, FilingStatus, User
from training.orm import lock_row

NEXT = {
    FilingStatus.DRAFT: (FilingStatus.SUBMITTED,),
    FilingStatus.RETURNED: (FilingStatus.SUBMITTED,),
    FilingStatus.SUBMITTED: (FilingStatus.APPROVED, FilingStatus.RETURNED),
}
STEP: dict[str, Action] = {
    FilingStatus.SUBMITTED: Action.SUBMIT,
    FilingStatus.APPROVED: Action.REVIEW,
    FilingStatus.RETURNED: Action.REVIEW,
}
REASON_MAX = 500


class FilingRefused(DomainError):
    """A step of a filing refused; str() is the user's message."""


@dataclass(frozen=True)
class Step:
    """Who takes a step, when, and what they typed."""

    user: User
    today: date  # the local working day: what the deadline is compared with
    now: datetime  # the moment, UTC, for the records' timestamps
    timezone: str
    reason: str = ""  # a return's
    late_reason: str = ""  # a late submission's


def filing_of(cohort_id: int) -> Filing | None:
    return db.session.scalar(select(Filing).where(Filing.cohort_id == cohort_id))


def next_statuses(filing: Filing) -> tuple[str, ...]:
    return NEXT.get(FilingStatus(filing.status), ())


def may_review(user: User, filing: Filing) -> bool:
    """Whether the user may approve or return this filing: a reviewer who neither prepared nor submitted it."""
    return may(user, Action.REVIEW, filing.cohort) and user.id not in (filing.prepared_by_id, filing.submitted_by_id)


def steps_for(user: User, filing: Filing) -> list[str]:
    """The next steps this user may take: submitting is the coordinators', the review four-eyes."""
    submits = may(user, Action.SUBMIT, filing.cohort)
    reviews = may_review(user, filing)
    return [to for to in next_statuses(filing) if (submits if to == FilingStatus.SUBMITTED else reviews)]


def reason(text: str | None, missing: str) -> str:
    """The reason typed, stripped; refused when empty or too long."""
    typed = (text or "").strip()
    if not typed:
        raise FilingRefused(missing)
    if len(typed) > REASON_MAX:
        raise FilingRefused(_("At most %(n)d characters.", n=REASON_MAX))
    return typed


def _must_be_open(cohort: Cohort) -> None:
    if cohort.status != CohortStatus.OPEN:
        raise FilingRefused(_("A cohort is filed while it is open for enrollment, before it starts."))


def prepare(cohort: Cohort, details: snapshot.FilingDetails, *, user: User, now: datetime, timezone: str) -> Filing:
    """The cohort's filing, new or prepared again (a draft, or returned and being corrected), from the records."""
    cohort = lock_row(db.session, Cohort, cohort.id)  # two coordinators preparing at once take turns
    if not may(user, Action.PREPARE, cohort):
        raise FilingRefused(_("Only a coordinator of the cohort's county or of the city prepares its filing."))
    _must_be_open(cohort)
    filing = filing_of(cohort.id)
    if filing is not None and filing.status not in PREPARABLE:
        raise FilingRefused(
            _("The filing is “%(status)s”: it cannot be prepared again.", status=FILING_STATUSES[filing.status])
        )
    taken = snapshot.take(cohort.id, details, timezone)
    before = None if filing is None else {"status": filing.status}
    if filing is None:
        filing = Filing(cohort_id=cohort.id, returns=[])
        db.session.add(filing)
    filing.snapshot, filing.status = taken, FilingStatus.DRAFT
    filing.deadline = deadline_of(cohort.start_date).day
    filing.prepared_by_id, filing.prepared_at = user.id, now
    db.session.flush()
    audit.record(
        "filing_prepared",
        "filing",
        filing.id,
        before=before,
        after={"status": filing.status, "cohort_id": cohort.id, "roster": len(taken["roster"])},
    )
    return filing


def change_status(filing: Filing, new_status: str, step: Step) -> Filing:
    """The one way a filing's status changes: one step along the path, checked and audited."""
    filing = lock_row(db.session, Filing, filing.id)
    if new_status not in next_statuses(filing):
        raise FilingRefused(
            _(
                "A filing cannot go from “%(old)s” to “%(new)s”.",
                old=FILING_STATUSES.get(filing.status, filing.status),
                new=FILING_STATUSES.get(new_status, new_status),
            )
        )
    if not may(step.user, STEP[new_status], filing.cohort):
        if STEP[new_status] == Action.SUBMIT:
            raise FilingRefused(_("Only a coordinator of the cohort's county or of the city submits its filing."))
        raise FilingRefused(_("Only a reviewer or a coordinator of the city reviews a filing."))
    before = {"status": filing.status}
    details = _CHECKS[FilingStatus(new_status)](filing, step)
    filing.status = new_status
    audit.record("filing_status_changed", "filing", filing.id, before=before, after={"status": new_status, **details})
    return filing


def _four_eyes(user: User, filing: Filing) -> None:
    if user.id == filing.prepared_by_id:
        raise FilingRefused(_("You prepared this filing: someone else must review it."))
    if user.id == filing.submitted_by_id:
        raise FilingRefused(_("You submitted this filing: someone else must review it."))


def _submit(filing: Filing, step: Step) -> dict:
    """Checked before anything is written: a refused submission leaves the filing as it was."""
    cohort = filing.cohort
    _must_be_open(cohort)
    deadline = deadline_of(cohort.start_date)
    late = deadline.missed_on(step.today)
    late_reason = None
    if late:
        late_reason = reason(
            step.late_reason,
            _(
                "The last day to file was %(date)s: say why the filing comes late.",
                date=format_date(deadline.day, "long"),
            ),
        )
    filing.snapshot = snapshot.take(cohort.id, snapshot.FilingDetails.of(filing.snapshot), step.timezone)
    filing.deadline, filing.late, filing.late_reason = deadline.day, late, late_reason
    filing.submitted_by_id, filing.submitted_at = step.user.id, step.now
    return {"deadline": deadline.day.isoformat(), "late": late, "late_reason": late_reason}


def _approve(filing: Filing, step: Step) -> dict:
    _four_eyes(step.user, filing)
    filing.reviewed_by_id, filing.reviewed_at = step.user.id, step.now
    return {}


def _return(filing: Filing, step: Step) -> dict:
    _four_eyes(step.user, filing)
    why = reason(step.reason, _("Say why the filing is returned: what must be corrected."))
    filing.reviewed_by_id, filing.reviewed_at = step.user.id, step.now
    filing.returns = [*filing.returns, {"reason": why, "by": step.user.id, "at": step.now.isoformat()}]
    return {"return_reason": why}


_CHECKS: dict[FilingStatus, Callable[[Filing, Step], dict]] = {
    FilingStatus.SUBMITTED: _submit,
    FilingStatus.APPROVED: _approve,
    FilingStatus.RETURNED: _return,
}
