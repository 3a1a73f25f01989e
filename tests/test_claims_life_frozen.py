"""After submission a claim's snapshot never changes, even written through the ORM directly, below
every service (training/claims/frozen.py): its lines' verdicts, reasons, amounts and snapshots and
the claim's figures; after approval its decisions; a returned version not at all. A draft changes freely."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.support.claims import build_claim, snapshot_of
from training.claims.frozen import FrozenClaim
from training.extensions import db
from training.models import FROZEN, Claim, ClaimLine, utcnow

LINE_CHANGES = {
    "eligible": False,
    "reasons": [{"rule": "not_completed", "params": {}}],
    "amount_yuan": Decimal("9999.00"),
    "snapshot": {"name": "冒名顶替"},
    "position": 9,
}
CLAIM_CHANGES = {
    "total_yuan": Decimal("99999.00"),
    "tier_pct": 60,
    "standard_yuan": Decimal("5000.00"),
    "completed_count": 30,
    "employed_count": 30,
    "measured_on": utcnow().date(),
    "version": 7,
}


def stored(make, status: str, **fields) -> Claim:
    """A claim committed in `status` (written as a draft, then moved there), loaded afresh."""
    claim = build_claim(make, **fields)
    claim.status = status
    db.session.commit()
    db.session.expire_all()
    return db.session.get_one(Claim, claim.id)


def refused(change) -> None:
    with pytest.raises(FrozenClaim):
        change()
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("status", FROZEN)
@pytest.mark.parametrize(("column", "value"), LINE_CHANGES.items())
def test_a_line_of_a_submitted_claim_cannot_change(make, status, column, value):
    claim = stored(make, status)
    line_id, before = claim.lines[0].id, getattr(claim.lines[0], column)

    refused(lambda: setattr(claim.lines[0], column, value))

    assert getattr(db.session.get_one(ClaimLine, line_id), column) == before


@pytest.mark.parametrize("status", FROZEN)
@pytest.mark.parametrize(("column", "value"), CLAIM_CHANGES.items())
def test_the_figures_of_a_submitted_claim_cannot_change(make, status, column, value):
    claim = stored(make, status)
    claim_id, before = claim.id, getattr(claim, column)

    refused(lambda: setattr(claim, column, value))

    assert getattr(db.session.get_one(Claim, claim_id), column) == before


@pytest.mark.parametrize(("column", "value"), [*LINE_CHANGES.items(), ("decision", "rejected")])
def test_a_draft_changes_freely(make, column, value):
    claim = stored(make, "draft")

    setattr(claim.lines[0], column, value)
    claim.total_yuan = Decimal("1.00")
    db.session.commit()

    assert db.session.get_one(Claim, claim.id).total_yuan == Decimal("1.00")


def test_no_line_is_added_to_a_submitted_claim(make):
    claim = stored(make, "submitted")
    newcomer = make.graduate(cohort=claim.cohort, name="后补学员")

    refused(
        lambda: claim.lines.append(
            ClaimLine(
                enrollment=newcomer,
                position=4,
                eligible=True,
                amount_yuan=Decimal("4500"),
                snapshot=snapshot_of(newcomer),
            )
        )
    )

    assert db.session.scalar(select(ClaimLine.id).where(ClaimLine.enrollment_id == newcomer.id)) is None


def test_no_line_is_added_by_its_claim_id_either(make):
    claim = stored(make, "notice")
    newcomer = make.graduate(cohort=claim.cohort, name="后补学员")

    refused(
        lambda: db.session.add(
            ClaimLine(
                claim_id=claim.id,
                enrollment_id=newcomer.id,
                position=4,
                eligible=True,
                amount_yuan=Decimal("4500"),
                snapshot=snapshot_of(newcomer),
            )
        )
    )


@pytest.mark.parametrize("how", ["delete", "remove from the claim"])
def test_no_line_leaves_a_submitted_claim(make, how):
    claim = stored(make, "review")
    line = claim.lines[0]

    refused(lambda: db.session.delete(line) if how == "delete" else claim.lines.remove(line))

    assert len(db.session.get_one(Claim, claim.id).lines) == 3


def test_a_line_does_not_move_to_another_claim(make):
    claim, draft = stored(make, "submitted"), stored(make, "draft")

    refused(lambda: setattr(claim.lines[0], "claim", draft))


def test_a_submitted_claim_is_not_deleted(make):
    claim = stored(make, "paid")

    refused(lambda: db.session.delete(claim))

    assert db.session.get(Claim, claim.id) is not None


@pytest.mark.parametrize("status", FROZEN)
def test_a_submitted_claim_never_goes_back_to_draft(make, status):
    claim = stored(make, status)

    refused(lambda: setattr(claim, "status", "draft"))


def test_going_back_to_draft_and_changing_an_amount_in_one_flush_is_refused_even_unread(make):
    claim = stored(make, "submitted")
    line = claim.lines[0]
    db.session.commit()  # everything expired: the status is set without its stored value being read

    def sneak():
        claim.status = "draft"
        line.amount_yuan = Decimal("1.00")

    refused(sneak)

    assert db.session.get_one(ClaimLine, line.id).amount_yuan == Decimal("4500.00")


@pytest.mark.parametrize("status", ["approved", "paid"])
@pytest.mark.parametrize(
    ("target", "column", "value"),
    [("line", "decision", "rejected"), ("line", "decision_reason", "改了"), ("claim", "approved_yuan", Decimal("1"))],
)
def test_after_approval_the_decisions_and_the_approved_total_cannot_change(make, status, target, column, value):
    claim = build_claim(make)
    for line in claim.lines:
        line.decision = "approved"
    claim.approved_yuan = Decimal("13500.00")
    claim.status = status
    db.session.commit()

    refused(lambda: setattr(claim if target == "claim" else claim.lines[0], column, value))


def test_under_review_decisions_change_but_not_the_snapshot(make):
    claim = stored(make, "review")

    claim.lines[0].decision, claim.lines[0].decision_reason = "rejected", "证书无效"
    claim.notice_ends_on = utcnow().date()
    db.session.commit()

    assert db.session.get_one(ClaimLine, claim.lines[0].id).decision == "rejected"


@pytest.mark.parametrize(
    ("target", "column", "value"),
    [
        ("claim", "return_reason", "改写理由"),
        ("claim", "status", "review"),
        ("line", "standing", True),
        ("line", "decision", "approved"),
    ],
)
def test_a_returned_version_is_kept_as_it_was(make, target, column, value):
    claim = build_claim(make)
    claim.status, claim.return_reason = "returned", "名单有误"
    for line in claim.lines:
        line.standing = False
    db.session.commit()

    refused(lambda: setattr(claim if target == "claim" else claim.lines[0], column, value))
