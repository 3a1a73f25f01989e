"""The demo's subsidy claims (training/demo_claims.py): `seed-demo`, run twice, holds one draft claim on a
partial tier, ready to submit, with lines that are not eligible and why, and one claim that went all
the way to paid, reviewed by someone other than whoever prepared it; their figures add up; the second
run changes nothing; the demo reviewer signs in and reads both."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from training.claims import lifecycle, rules
from training.claims.access import Action, may
from training.claims.settings import ClaimRules
from training.demo_claims import DRAFT_CLASS, PAID_CLASS
from training.extensions import db
from training.models import (
    AuditEvent,
    Certificate,
    Claim,
    ClaimLine,
    ClaimObjection,
    ClaimStatus,
    Cohort,
    Enrollment,
    ExternalCertificate,
    LineDecision,
    ObjectionOutcome,
    Placement,
    User,
    utcnow,
)

COUNTED = (
    Cohort,
    Enrollment,
    Certificate,
    ExternalCertificate,
    Placement,
    Claim,
    ClaimLine,
    ClaimObjection,
    AuditEvent,
)


@dataclass
class Seeded:
    logins: dict[str, str]  # username → password
    counts: dict[str, int]  # rows after the first run


def _counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


@pytest.fixture
def seeded(app, runner) -> Seeded:
    """seed-demo run twice, as `make run` does on every start."""
    logins = Path(app.instance_path) / "demo-logins.txt"
    logins.unlink(missing_ok=True)
    first = runner.invoke(args=["seed-demo"])
    counts = _counts()
    second = runner.invoke(args=["seed-demo"])
    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    rows = (line.split() for line in logins.read_text().splitlines())
    return Seeded({username: password for _role, username, password in rows}, counts)


def _claim_of(code: str) -> Claim:
    return db.session.execute(select(Claim).join(Cohort).where(Cohort.code == code)).scalar_one()


def _user(username: str) -> User:
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


def test_seeding_the_demo_a_second_time_changes_nothing(seeded):
    assert _counts() == seeded.counts
    assert seeded.counts["Claim"] == 2


def test_the_draft_claim_pays_a_partial_tier_chosen_by_its_employment_rate(app, seeded):
    claim = _claim_of(DRAFT_CLASS)
    rate = rules.rate_pct(claim.employed_count, claim.completed_count)

    assert claim.status == ClaimStatus.DRAFT
    assert 0 < claim.tier_pct < 100
    assert claim.tier_pct == rules.tier_for(rate, ClaimRules.from_config(app.config).tiers)


def test_the_draft_claim_has_lines_that_are_not_eligible_each_with_its_reasons(seeded):
    lines = _claim_of(DRAFT_CLASS).lines
    ineligible = [line for line in lines if not line.eligible]

    assert ineligible and len(ineligible) < len(lines)
    assert all(line.reasons and line.amount_yuan == 0 for line in ineligible)
    assert {"not_completed", "evidence_missing"} <= {reason["rule"] for line in ineligible for reason in line.reasons}


def test_the_draft_claim_is_ready_for_its_county_coordinator_to_submit(seeded):
    claim = _claim_of(DRAFT_CLASS)
    coordinator = _user("demo_coord_baihe")
    today = utcnow().date()

    assert claim.measured_on <= today
    assert may(coordinator, Action.SUBMIT, claim) and claim.prepared_by_id == coordinator.id
    submitted = lifecycle.change_status(
        claim, ClaimStatus.SUBMITTED, lifecycle.Step(user=coordinator, today=today, now=utcnow())
    )
    assert submitted.status == ClaimStatus.SUBMITTED


@pytest.mark.parametrize("code", [DRAFT_CLASS, PAID_CLASS])
def test_each_demo_claims_total_is_the_sum_of_its_lines_at_the_standard_times_the_tier(seeded, code):
    claim = _claim_of(code)
    share = (claim.standard_yuan * claim.tier_pct / 100).quantize(Decimal("0.01"))

    assert claim.total_yuan == sum(line.amount_yuan for line in claim.lines) > 0
    assert {line.amount_yuan for line in claim.lines if line.eligible} == {share}


def test_the_paid_claim_was_paid_what_was_approved_the_sum_of_its_approved_lines(seeded):
    claim = _claim_of(PAID_CLASS)
    approved = [line for line in claim.lines if line.decision == LineDecision.APPROVED]

    assert claim.status == ClaimStatus.PAID
    assert claim.paid_yuan == claim.approved_yuan == sum(line.amount_yuan for line in approved) > 0
    assert claim.approved_yuan < claim.total_yuan  # an upheld objection took a line out
    assert claim.paid_on and claim.payment_reference
    assert all(line.decision for line in claim.lines)


def test_the_paid_claim_was_reviewed_line_by_line_by_the_reviewer_not_its_preparer(seeded):
    claim = _claim_of(PAID_CLASS)
    reviewer = _user("demo_reviewer")
    objections = [objection for line in claim.lines for objection in line.objections]

    assert claim.approved_by_id == reviewer.id != claim.prepared_by_id
    assert {line.decided_by_id for line in claim.lines} == {reviewer.id}
    assert sorted(o.outcome for o in objections) == [ObjectionOutcome.DISMISSED, ObjectionOutcome.UPHELD]
    assert {o.decided_by_id for o in objections} == {reviewer.id}


def test_the_paid_claims_life_runs_in_order_and_has_ended_by_the_demos_today(seeded):
    claim = _claim_of(PAID_CLASS)
    received = [objection.received_at for line in claim.lines for objection in line.objections]

    assert claim.measured_on < claim.prepared_at.date() < claim.submitted_at.date() <= claim.notice_starts_on
    assert all(claim.notice_starts_on <= moment.date() <= claim.notice_ends_on for moment in received)
    assert claim.notice_ends_on < claim.approved_at.date() <= claim.paid_on <= utcnow().date()


def test_the_demo_reviewer_signs_in_and_reads_both_claims(seeded, client):
    paid = _claim_of(PAID_CLASS)

    signed_in = client.submit("/login", {"username": "demo_reviewer", "password": seeded.logins["demo_reviewer"]})
    listed = client.get("/claims").get_data(as_text=True)

    assert signed_in.status_code == 302
    assert DRAFT_CLASS in listed and PAID_CLASS in listed
    assert client.get(f"/claims/{paid.id}").status_code == 200
