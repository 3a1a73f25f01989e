"""After submission a claim's snapshot never changes, whoever writes: a guard on every flush.

The lifecycle's services never change a submitted claim's figures or lines; this guard makes sure
that nothing else does either, below the services: a page, a command, a job or a test that sets
one of these columns through the ORM gets FrozenClaim when the session flushes (and must roll
back). What a claim's status was is read as it is stored, before this flush, so a change cannot
slip through in the same flush as a step back to draft.

- submitted, notice, review, approved, paid (models.FROZEN): the claim's figures and its lines'
  snapshot (who, eligible, reasons, amount) do not change, no line comes or goes, and the claim
  never goes back to draft;
- approved and paid: the approval (its total, who, when) and each line's decision do not change
  either;
- returned: the version is kept as it was, every column of it and of its lines.

Statements that bypass the unit of work (an UPDATE through session.execute, raw SQL) are not seen
here; no code of Jinfanwan writes claims that way.
"""

from __future__ import annotations

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from training.models import FROZEN, Claim, ClaimLine, ClaimStatus

CLAIM_FIGURES = (
    "cohort_id",
    "version",
    "previous_id",
    "measured_on",
    "completed_count",
    "employed_count",
    "tier_pct",
    "standard_yuan",
    "total_yuan",
    "prepared_by_id",
    "prepared_at",
)
LINE_SNAPSHOT = ("claim_id", "enrollment_id", "position", "eligible", "reasons", "amount_yuan", "snapshot")
APPROVAL = ("approved_yuan", "approved_by_id", "approved_at")
LINE_DECISION = ("decision", "decision_reason", "decided_by_id", "decided_at")
SETTLED = (ClaimStatus.APPROVED, ClaimStatus.PAID)


class FrozenClaim(Exception):
    """A change to what a submitted claim holds: a mistake in the code that tried, not the user's."""


def stored_status(session: Session, claim: Claim) -> str | None:
    """The claim's status as the database holds it before this flush (None: not written yet)."""
    state = inspect(claim)
    if state.key is None:
        return None
    history = state.attrs.status.history
    if history.deleted:
        return history.deleted[0]
    if history.added:  # set while unloaded (after a commit expired it): the old value is not known here
        return session.execute(select(Claim.status).where(Claim.id == claim.id)).scalar_one_or_none()
    return claim.status


def _changed(record, columns) -> list[str]:
    attrs = inspect(record).attrs
    changed = []
    for name in columns:
        history = attrs[name].history
        if history.added and (not history.deleted or history.added[0] != history.deleted[0]):
            changed.append(name)
    return changed


def _all_columns(model) -> tuple[str, ...]:
    return tuple(column.key for column in inspect(model).column_attrs)


def _refuse(claim: Claim, status: str | None, what) -> None:
    raise FrozenClaim(f"claim {claim.id} is {status}: {what} cannot change")


def _check_claim(session: Session, claim: Claim) -> None:
    status = stored_status(session, claim)
    if status == ClaimStatus.RETURNED:
        changed = _changed(claim, _all_columns(Claim))
    elif status in FROZEN:
        changed = _changed(claim, CLAIM_FIGURES + (APPROVAL if status in SETTLED else ()))
        if claim.status == ClaimStatus.DRAFT:
            changed.append("status (back to draft)")
    else:
        return
    if inspect(claim).attrs.lines.history.has_changes():
        changed.append("lines")
    if changed:
        _refuse(claim, status, changed)


def _check_line(session: Session, line: ClaimLine) -> None:
    history = inspect(line).attrs.claim.history
    claims = {*history.added, *history.deleted, *history.unchanged} - {None}
    if not claims and line.claim_id is not None:
        claims = {session.get_one(Claim, line.claim_id)}
    for claim in claims:
        status = stored_status(session, claim)
        if status == ClaimStatus.RETURNED:
            columns = _all_columns(ClaimLine)
        elif status in FROZEN:
            columns = LINE_SNAPSHOT + (LINE_DECISION if status in SETTLED else ())
        else:
            continue
        moved = history.has_changes() and inspect(line).key is not None
        changed = _changed(line, columns) + (["the claim it belongs to"] if moved else [])
        if inspect(line).key is None:
            changed.append("its lines (a line added)")
        if changed:
            _refuse(claim, status, [f"line {line.position}: {name}" for name in changed])


def _check_deleted(session: Session, record) -> None:
    claim = record if isinstance(record, Claim) else record.claim
    status = stored_status(session, claim) if claim is not None else None
    if status == ClaimStatus.RETURNED or status in FROZEN:
        _refuse(claim, status, "its records (a deletion)")


@event.listens_for(Session, "before_flush")
def refuse_changes_to_frozen_claims(session: Session, flush_context, instances) -> None:
    for record in (*session.new, *session.dirty):
        if isinstance(record, Claim):
            _check_claim(session, record)
        elif isinstance(record, ClaimLine):
            _check_line(session, record)
    for record in session.deleted:
        if isinstance(record, Claim | ClaimLine):
            _check_deleted(session, record)
