"""Two people taking a step of the same claim at the same moment take their turns on its row: the
second sees what the first did and is refused, so a claim is never both approved and returned."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import BACKEND
from tests.support.claims import build_claim
from tests.support.races import first_holds_second_waits
from training.claims import lifecycle, review
from training.claims.checks import ClaimStepRefused
from training.claims.lifecycle import Step
from training.extensions import db
from training.models import Claim, User, utcnow

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="row locks are a PostgreSQL matter; SQLite serialises writers itself"
)


def test_an_approval_and_a_return_at_the_same_moment_do_not_both_happen(app, make):
    claim = build_claim(make)
    claim.status = "review"
    reviewers = [make.user("reviewer"), make.user("coordinator")]
    for line in claim.lines:
        line.decision = "approved"
    db.session.commit()
    claim_id, user_ids = claim.id, [user.id for user in reviewers]

    def act(index: int) -> str:
        user = db.session.get_one(User, user_ids[index])
        step = Step(user=user, today=date.today(), now=utcnow(), reason="名单有误")
        lifecycle.change_status(db.session.get_one(Claim, claim_id), "approved" if index == 0 else "returned", step)
        return "done"

    outcomes = first_holds_second_waits(app, act, refused=(ClaimStepRefused,))

    assert outcomes == {0: "done", 1: "refused"}
    db.session.expire_all()
    assert db.session.get_one(Claim, claim_id).status == "approved"
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 1  # no new version was made


def test_a_decision_posted_while_the_claim_is_being_returned_waits_and_is_refused(app, make):
    claim = build_claim(make)
    claim.status = "review"
    reviewers = [make.user("reviewer"), make.user("reviewer")]
    db.session.commit()
    claim_id, user_ids = claim.id, [user.id for user in reviewers]

    def act(index: int) -> str:
        user, claim = db.session.get_one(User, user_ids[index]), db.session.get_one(Claim, claim_id)
        if index == 0:
            lifecycle.change_status(claim, "returned", Step(user=user, today=date.today(), now=utcnow(), reason="更正"))
        else:
            review.decide_lines(claim, {claim.lines[0].id: ("approved", "")}, user=user, now=utcnow())
        return "done"

    outcomes = first_holds_second_waits(app, act, refused=(ClaimStepRefused,))

    assert outcomes == {0: "done", 1: "refused"}
