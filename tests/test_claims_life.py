"""The life of a claim after it is prepared (training/claims/lifecycle.py): every step, every refusal,
four-eyes, objections, the review line by line, payment, a return that keeps the old version, and
the audit trail. The frozen snapshot's guard below the services is tests/test_claims_life_frozen.py."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import format_date
from sqlalchemy import select

from tests.support.claimable import TODAY as CLAIMABLE_TODAY
from tests.support.claimable import claimable_cohort
from tests.support.claims import build_claim
from training.claims import lifecycle, objections, review, services
from training.claims.checks import ClaimStepRefused
from training.claims.lifecycle import Payment, Step
from training.claims.review import LinesRefused
from training.extensions import db
from training.models import AuditEvent, Claim, ClaimLine, ClaimStatus, utcnow

TODAY = date(2026, 7, 20)
HOME, OTHER = "610924", "610902"


@pytest.fixture
def people(make):
    """The claim's county coordinator (its preparer), a coordinator of the city, a reviewer, another county's."""

    class People:
        preparer = make.user("coordinator", county_code=HOME)
        city = make.user("coordinator")
        reviewer = make.user("reviewer")
        other_county = make.user("coordinator", county_code=OTHER)
        admin = make.user("admin")
        trainer = make.user("trainer", county_code=HOME)

    return People


def step(user, today=TODAY, **typed) -> Step:
    return Step(user=user, today=today, now=utcnow(), notice_days=7, **typed)


def claim_in(make, people, status: str, **fields) -> Claim:
    """A claim of 3 eligible lines (and `ineligible` more) prepared by people.preparer, written in `status`;
    on notice or later its notice ran from 1 to 7 July, submitted by the preparer."""
    claim = build_claim(make, prepared_by=people.preparer, **fields)
    claim.status = status  # written as a draft first: the frozen claim's guard lets a draft become anything
    if status != ClaimStatus.DRAFT:
        claim.submitted_by_id, claim.submitted_at = people.preparer.id, utcnow()
    if status not in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED):
        claim.notice_starts_on, claim.notice_ends_on = date(2026, 7, 1), date(2026, 7, 7)
    db.session.flush()
    return claim


def decide_all(claim, user, decision="approved", reason=""):
    return review.decide_lines(claim, {line.id: (decision, reason) for line in claim.lines}, user=user, now=utcnow())


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# ---- the path ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("draft", ("submitted",)),
        ("submitted", ("notice", "returned")),
        ("notice", ("review", "returned")),
        ("review", ("approved", "returned")),
        ("approved", ("paid",)),
        ("paid", ()),
        ("returned", ()),
    ],
)
def test_each_status_leads_only_to_the_next_steps(make, people, status, allowed):
    assert lifecycle.next_statuses(claim_in(make, people, status)) == allowed


@pytest.mark.parametrize(
    ("status", "to"),
    [
        ("draft", "notice"),
        ("draft", "approved"),
        ("draft", "returned"),
        ("submitted", "review"),
        ("submitted", "draft"),
        ("notice", "approved"),
        ("review", "notice"),
        ("review", "paid"),
        ("approved", "returned"),
        ("approved", "review"),
        ("paid", "returned"),
        ("returned", "draft"),
        ("draft", "archived"),
    ],
)
def test_a_claim_cannot_skip_a_step_or_go_back(make, people, status, to):
    claim = claim_in(make, people, status)

    with pytest.raises(ClaimStepRefused, match="cannot go from"):
        lifecycle.change_status(claim, to, step(people.city))

    assert claim.status == status


def test_the_county_coordinator_submits_a_draft_and_it_is_recorded_and_audited(make, people):
    claim = claim_in(make, people, "draft")

    lifecycle.change_status(claim, "submitted", step(people.preparer))

    assert (claim.status, claim.submitted_by_id) == ("submitted", people.preparer.id)
    assert claim.submitted_at is not None
    [event] = events("claim_status_changed")
    assert (event.entity_id, event.before, event.after["status"]) == (str(claim.id), {"status": "draft"}, "submitted")
    assert event.after["total_yuan"] == "13500.00"


def test_a_city_coordinator_submits_a_draft_of_any_county(make, people):
    claim = claim_in(make, people, "draft")

    lifecycle.change_status(claim, "submitted", step(people.city))

    assert claim.submitted_by_id == people.city.id


@pytest.mark.parametrize("who", ["other_county", "reviewer", "admin", "trainer"])
def test_only_a_coordinator_of_the_county_or_the_city_submits(make, people, who):
    claim = claim_in(make, people, "draft")

    with pytest.raises(ClaimStepRefused, match="submits its claim"):
        lifecycle.change_status(claim, "submitted", step(getattr(people, who)))

    assert claim.status == "draft"


def test_a_claim_that_asks_for_nothing_cannot_be_submitted(make, people):
    claim = claim_in(make, people, "draft", tier_pct=0)

    with pytest.raises(ClaimStepRefused, match="asks for nothing"):
        lifecycle.change_status(claim, "submitted", step(people.preparer))


def test_publishing_the_notice_runs_it_for_the_set_number_of_days_from_today(make, people):
    claim = claim_in(make, people, "submitted")

    lifecycle.change_status(claim, "notice", Step(user=people.reviewer, today=TODAY, now=utcnow(), notice_days=5))

    assert (claim.status, claim.notice_starts_on, claim.notice_ends_on) == ("notice", TODAY, TODAY + timedelta(days=4))
    assert events("claim_status_changed")[-1].after["notice_ends_on"] == "2026-07-24"


@pytest.mark.parametrize("who", ["preparer", "other_county", "admin"])
def test_only_a_reviewer_or_the_city_publishes_the_notice(make, people, who):
    claim = claim_in(make, people, "submitted")

    with pytest.raises(ClaimStepRefused, match="Only a reviewer"):
        lifecycle.change_status(claim, "notice", step(getattr(people, who)))


@pytest.mark.parametrize("today", [date(2026, 7, 1), date(2026, 7, 7)])
def test_the_review_cannot_start_before_the_notice_ends_and_the_message_names_the_date(make, people, today):
    claim = claim_in(make, people, "notice")

    with pytest.raises(ClaimStepRefused) as refused:
        lifecycle.change_status(claim, "review", step(people.reviewer, today=today))

    assert format_date(date(2026, 7, 8), "long") in str(refused.value)
    assert claim.status == "notice"


def test_the_review_starts_the_day_after_the_notice_ends(make, people):
    claim = claim_in(make, people, "notice")

    lifecycle.change_status(claim, "review", step(people.reviewer, today=date(2026, 7, 8)))

    assert claim.status == "review"


# ---- four-eyes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["preparer", "submitter"])
def test_nobody_decides_the_lines_of_a_claim_they_prepared_or_submitted(make, people, who):
    city_preparer = make.user("coordinator")  # a reviewer by role: four-eyes is not a matter of role
    claim = build_claim(make, status="review", prepared_by=city_preparer if who == "preparer" else people.preparer)
    claim.submitted_by_id = city_preparer.id if who == "submitter" else people.preparer.id

    with pytest.raises(ClaimStepRefused, match=f"You {'prepared' if who == 'preparer' else 'submitted'} this claim"):
        decide_all(claim, city_preparer)

    assert all(line.decision is None for line in claim.lines)


@pytest.mark.parametrize("who", ["preparer", "submitter"])
def test_nobody_approves_a_claim_they_prepared_or_submitted(make, people, who):
    city_preparer = make.user("coordinator")
    claim = build_claim(make, status="review", prepared_by=city_preparer if who == "preparer" else people.preparer)
    claim.submitted_by_id = city_preparer.id if who == "submitter" else people.preparer.id
    decide_all(claim, people.reviewer)

    with pytest.raises(ClaimStepRefused, match="someone else must review it"):
        lifecycle.change_status(claim, "approved", step(city_preparer))

    assert (claim.status, claim.approved_yuan) == ("review", None)


def test_nobody_decides_an_objection_to_a_claim_they_prepared(make, people):
    city_preparer = make.user("coordinator")
    claim = build_claim(make, status="notice", prepared_by=city_preparer)
    objection = objections.record_objection(
        claim.lines[0],
        raised_by="村民",
        content="她在外地打工",
        received_at=utcnow(),
        user=people.reviewer,
        now=utcnow(),
    )

    with pytest.raises(ClaimStepRefused, match="You prepared this claim"):
        objections.decide_objection(objection, "upheld", "属实", user=city_preparer, now=utcnow())

    assert objection.outcome == "pending"


@pytest.mark.parametrize("who", ["preparer", "other_county", "admin", "trainer"])
def test_only_a_reviewer_or_the_city_decides_lines(make, people, who):
    claim = claim_in(make, people, "review")

    with pytest.raises(ClaimStepRefused):
        decide_all(claim, getattr(people, who))


@pytest.mark.parametrize("who", ["reviewer", "city"])
def test_a_reviewer_or_a_city_coordinator_decides_the_lines(make, people, who):
    claim = claim_in(make, people, "review")

    changed = decide_all(claim, getattr(people, who))

    assert changed == 3
    assert {(line.decision, line.decided_by_id) for line in claim.lines} == {("approved", getattr(people, who).id)}


# ---- the review, line by line --------------------------------------------------------------------


def test_lines_are_decided_only_during_the_review(make, people):
    claim = claim_in(make, people, "notice")

    with pytest.raises(ClaimStepRefused, match="during the review"):
        decide_all(claim, people.reviewer)


def test_rejecting_a_line_needs_a_reason(make, people):
    claim = claim_in(make, people, "review")
    line = claim.lines[0]

    with pytest.raises(LinesRefused) as refused:
        review.decide_lines(claim, {line.id: ("rejected", " ")}, user=people.reviewer, now=utcnow())

    assert "reason for rejecting" in refused.value.errors[line.id]
    assert line.decision is None


def test_a_line_that_is_not_eligible_can_only_be_rejected(make, people):
    claim = claim_in(make, people, "review", ineligible=1)
    line = claim.lines[-1]

    with pytest.raises(LinesRefused) as refused:
        review.decide_lines(claim, {line.id: ("approved", "")}, user=people.reviewer, now=utcnow())

    assert "can only be rejected" in refused.value.errors[line.id]


def test_one_refused_decision_saves_none_of_those_posted_with_it(make, people):
    claim = claim_in(make, people, "review")
    first, second = claim.lines[0], claim.lines[1]

    with pytest.raises(LinesRefused) as refused:
        review.decide_lines(
            claim, {first.id: ("approved", ""), second.id: ("rejected", "")}, user=people.reviewer, now=utcnow()
        )

    assert set(refused.value.errors) == {second.id}
    assert (first.decision, second.decision) == (None, None)
    assert events("claim_line_decided") == []


def test_each_decision_is_audited_and_posting_it_again_changes_nothing(make, people):
    claim = claim_in(make, people, "review")
    line = claim.lines[0]
    review.decide_lines(claim, {line.id: ("rejected", "证书查询不到")}, user=people.reviewer, now=utcnow())

    again = review.decide_lines(claim, {line.id: ("rejected", "证书查询不到")}, user=people.reviewer, now=utcnow())

    assert again == 0
    [event] = events("claim_line_decided")
    assert (event.entity_id, event.before["decision"], event.after["decision"]) == (str(line.id), None, "rejected")
    assert event.after["decision_reason"] == "证书查询不到"


def test_approval_needs_every_line_decided(make, people):
    claim = claim_in(make, people, "review")
    review.decide_lines(claim, {claim.lines[0].id: ("approved", "")}, user=people.reviewer, now=utcnow())

    with pytest.raises(ClaimStepRefused, match="2 lines are not decided"):
        lifecycle.change_status(claim, "approved", step(people.reviewer))

    assert claim.status == "review"


def test_approval_freezes_the_total_of_the_approved_lines(make, people):
    claim = claim_in(make, people, "review", trainees=4, ineligible=1)
    lines = claim.lines
    review.decide_lines(
        claim,
        {
            lines[0].id: ("approved", ""),
            lines[1].id: ("approved", ""),
            lines[2].id: ("rejected", "就业协议不足一年"),
            lines[3].id: ("rejected", "未结业"),
        },
        user=people.reviewer,
        now=utcnow(),
    )

    lifecycle.change_status(claim, "approved", step(people.city))

    assert (claim.status, claim.approved_yuan, claim.approved_by_id) == ("approved", Decimal("9000.00"), people.city.id)
    assert events("claim_status_changed")[-1].after == {
        "status": "approved",
        "approved_yuan": "9000.00",
        "approved_lines": 2,
    }


# ---- objections during the notice ----------------------------------------------------------------


def object_to(claim, people, position=1, by=None):
    return objections.record_objection(
        claim.lines[position - 1],
        raised_by="同村村民 李某",
        content="此人培训期间在外地打工，未参加培训。",
        received_at=utcnow() - timedelta(hours=2),
        user=by or people.preparer,
        now=utcnow(),
    )


def test_an_objection_is_recorded_against_a_line_with_who_what_when_and_who_recorded_it(make, people):
    claim = claim_in(make, people, "notice")

    objection = object_to(claim, people, position=2)

    assert objection.line is claim.lines[1]
    assert (objection.raised_by, objection.outcome, objection.recorded_by_id) == (
        "同村村民 李某",
        "pending",
        people.preparer.id,
    )
    assert objection.received_at < utcnow()
    [event] = events("claim_objection_recorded")
    assert event.after["line"] == 2 and event.after["claim_id"] == claim.id


@pytest.mark.parametrize("status", ["draft", "submitted", "review", "approved"])
def test_objections_are_recorded_only_while_the_notice_runs(make, people, status):
    claim = claim_in(make, people, status)

    with pytest.raises(ClaimStepRefused, match="while the claim's public notice runs"):
        object_to(claim, people)


@pytest.mark.parametrize(("raised_by", "content"), [("", "内容"), ("李某", "  ")])
def test_an_objection_says_who_raised_it_and_what_it_says(make, people, raised_by, content):
    claim = claim_in(make, people, "notice")

    with pytest.raises(ClaimStepRefused, match="who raised the objection"):
        objections.record_objection(
            claim.lines[0], raised_by=raised_by, content=content, received_at=utcnow(), user=people.city, now=utcnow()
        )


def test_an_objection_cannot_be_received_in_the_future(make, people):
    claim = claim_in(make, people, "notice")

    with pytest.raises(ClaimStepRefused, match="in the future"):
        objections.record_objection(
            claim.lines[0],
            raised_by="李某",
            content="内容",
            received_at=utcnow() + timedelta(hours=1),
            user=people.city,
            now=utcnow(),
        )


def test_a_coordinator_of_another_county_records_no_objection(make, people):
    claim = claim_in(make, people, "notice")

    with pytest.raises(ClaimStepRefused, match="records objections"):
        object_to(claim, people, by=people.other_county)


def test_an_upheld_objection_excludes_its_line_with_the_objections_reason(make, people):
    claim = claim_in(make, people, "notice")
    objection = object_to(claim, people)

    objections.decide_objection(objection, "upheld", "经核实，此人培训期间在外务工", user=people.reviewer, now=utcnow())

    line = claim.lines[0]
    assert (objection.outcome, objection.decided_by_id) == ("upheld", people.reviewer.id)
    assert (line.decision, line.decision_reason, line.decided_by_id) == (
        "rejected",
        "经核实，此人培训期间在外务工",
        people.reviewer.id,
    )
    assert events("claim_objection_decided")[0].after["line_decision"] == "rejected"


def test_a_dismissed_objection_leaves_its_line_to_the_review(make, people):
    claim = claim_in(make, people, "notice")
    objection = object_to(claim, people)

    objections.decide_objection(objection, "dismissed", "考勤与签到表一致", user=people.reviewer, now=utcnow())

    assert (objection.outcome, objection.outcome_reason, claim.lines[0].decision) == (
        "dismissed",
        "考勤与签到表一致",
        None,
    )


def test_an_objections_outcome_needs_a_reason_and_is_decided_once(make, people):
    claim = claim_in(make, people, "notice")
    objection = object_to(claim, people)
    with pytest.raises(ClaimStepRefused, match="reason for the outcome"):
        objections.decide_objection(objection, "dismissed", "", user=people.reviewer, now=utcnow())
    objections.decide_objection(objection, "dismissed", "不属实", user=people.reviewer, now=utcnow())

    with pytest.raises(ClaimStepRefused, match="decided already"):
        objections.decide_objection(objection, "upheld", "属实", user=people.reviewer, now=utcnow())

    assert objection.outcome == "dismissed"


def test_a_line_an_upheld_objection_excluded_cannot_be_approved_in_review(make, people):
    claim = claim_in(make, people, "notice")
    objections.decide_objection(object_to(claim, people), "upheld", "属实", user=people.reviewer, now=utcnow())
    claim.status = "review"

    with pytest.raises(LinesRefused) as refused:
        review.decide_lines(claim, {claim.lines[0].id: ("approved", "")}, user=people.reviewer, now=utcnow())

    assert "upheld objection" in next(iter(refused.value.errors.values()))


def test_a_claim_with_an_objection_waiting_for_its_outcome_is_not_approved(make, people):
    claim = claim_in(make, people, "notice")
    object_to(claim, people, position=3)
    claim.status = "review"
    review.decide_lines(
        claim, {line.id: ("rejected", "待核实") for line in claim.lines}, user=people.reviewer, now=utcnow()
    )

    with pytest.raises(ClaimStepRefused, match="1 objection is waiting"):
        lifecycle.change_status(claim, "approved", step(people.reviewer))


# ---- payment -------------------------------------------------------------------------------------


def approved_claim(make, people) -> Claim:
    claim = claim_in(make, people, "review")
    decide_all(claim, people.reviewer)
    lifecycle.change_status(claim, "approved", step(people.reviewer))
    return claim


def test_the_payment_is_recorded_with_its_date_amount_and_reference(make, people):
    claim = approved_claim(make, people)

    lifecycle.change_status(
        claim,
        "paid",
        step(people.reviewer, payment=Payment(date(2026, 7, 18), Decimal("13500"), " 国库集中支付 2026-0718-01 ")),
    )

    assert (claim.status, claim.paid_on, claim.paid_yuan, claim.payment_reference) == (
        "paid",
        date(2026, 7, 18),
        Decimal("13500.00"),
        "国库集中支付 2026-0718-01",
    )
    assert claim.paid_recorded_by_id == people.reviewer.id
    assert events("claim_status_changed")[-1].after["payment_reference"] == "国库集中支付 2026-0718-01"


@pytest.mark.parametrize(
    ("payment", "message"),
    [
        (Payment(None, Decimal("13500"), "REF-1"), "date of the payment"),
        (Payment(TODAY + timedelta(days=1), Decimal("13500"), "REF-1"), "cannot be in the future"),
        (Payment(TODAY, Decimal("13000"), "REF-1"), "must be the approved total"),
        (Payment(TODAY, None, "REF-1"), "must be the approved total"),
        (Payment(TODAY, Decimal("13500"), "  "), "payment's reference"),
        (Payment(TODAY, Decimal("13500"), "R" * 81), "payment's reference"),
    ],
)
def test_a_payment_that_does_not_add_up_is_refused(make, people, payment, message):
    claim = approved_claim(make, people)

    with pytest.raises(ClaimStepRefused, match=message):
        lifecycle.change_status(claim, "paid", step(people.reviewer, payment=payment))

    assert (claim.status, claim.paid_on) == ("approved", None)


def test_a_claim_whose_lines_were_all_rejected_has_nothing_to_pay(make, people):
    claim = claim_in(make, people, "review")
    decide_all(claim, people.reviewer, "rejected", "证书无效")
    lifecycle.change_status(claim, "approved", step(people.reviewer))

    with pytest.raises(ClaimStepRefused, match="nothing to pay"):
        lifecycle.change_status(claim, "paid", step(people.reviewer, payment=Payment(TODAY, Decimal("0"), "R")))


# ---- returned, and the new version ---------------------------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "notice", "review"])
def test_a_returned_claim_is_kept_as_it_was_and_a_new_version_is_the_draft(make, people, status):
    claim = claim_in(make, people, status, ineligible=1)
    before = [
        (line.enrollment_id, line.eligible, line.reasons, line.amount_yuan, line.snapshot) for line in claim.lines
    ]

    draft = lifecycle.change_status(claim, "returned", step(people.reviewer, reason="第2人的就业协议不足一年，请补充"))
    db.session.commit()

    db.session.expire_all()
    returned = db.session.get(Claim, claim.id)
    assert (returned.status, returned.return_reason, returned.returned_by_id) == (
        "returned",
        "第2人的就业协议不足一年，请补充",
        people.reviewer.id,
    )
    assert [line.standing for line in returned.lines] == [False] * 3
    assert [(ln.enrollment_id, ln.eligible, ln.reasons, ln.amount_yuan, ln.snapshot) for ln in returned.lines] == before
    assert (draft.status, draft.version, draft.previous_id, draft.prepared_by_id) == (
        "draft",
        2,
        claim.id,
        people.preparer.id,
    )
    # Prepared afresh from the records, not copied: these graduates hold no certificate in them.
    assert [line.enrollment_id for line in draft.lines] == [enrollment_id for enrollment_id, *_ in before]
    assert "no_certificate" in {reason["rule"] for reason in draft.lines[0].reasons}
    assert all(line.standing and line.decision is None for line in draft.lines)
    assert draft.total_yuan == sum(line.amount_yuan for line in draft.lines)


def test_a_return_is_audited_with_its_reason_and_the_new_version(make, people):
    claim = claim_in(make, people, "notice")

    draft = lifecycle.change_status(claim, "returned", step(people.reviewer, reason="名单有误"))

    assert events("claim_status_changed")[-1].after == {"status": "returned", "return_reason": "名单有误"}
    [created] = events("claim_version_created")
    assert (created.entity_id, created.after) == (str(draft.id), {"version": 2, "previous_id": claim.id, "lines": 3})


def test_a_return_needs_a_reason(make, people):
    claim = claim_in(make, people, "review")

    with pytest.raises(ClaimStepRefused, match="Say why the claim is returned"):
        lifecycle.change_status(claim, "returned", step(people.reviewer, reason="  "))

    assert claim.status == "review" and all(line.standing for line in claim.lines)


def test_the_new_version_goes_through_its_own_life_and_both_versions_are_kept(make, people):
    ready = claimable_cohort(make, trainees=3, county_code=HOME)
    first = services.prepare(ready.cohort.id, user_id=people.preparer.id, today=CLAIMABLE_TODAY)
    lifecycle.change_status(first, "submitted", step(people.preparer, today=CLAIMABLE_TODAY))
    second = lifecycle.change_status(first, "returned", step(people.preparer, today=CLAIMABLE_TODAY, reason="漏报一人"))

    lifecycle.change_status(second, "submitted", step(people.preparer, today=CLAIMABLE_TODAY))
    third = lifecycle.change_status(second, "returned", step(people.reviewer, today=CLAIMABLE_TODAY, reason="再次更正"))

    versions = db.session.execute(
        select(Claim.version, Claim.status, Claim.previous_id)
        .where(Claim.cohort_id == first.cohort_id)
        .order_by(Claim.version)
    ).all()
    assert versions == [(1, "returned", None), (2, "returned", first.id), (3, "draft", second.id)]
    assert db.session.scalar(select(ClaimLine.id).where(ClaimLine.claim_id == third.id, ~ClaimLine.standing)) is None


@pytest.mark.parametrize(
    ("who", "status", "allowed"),
    [("preparer", "submitted", True), ("preparer", "notice", False), ("other_county", "submitted", False)],
)
def test_a_county_coordinator_may_take_back_only_a_submitted_claim_of_their_county(make, people, who, status, allowed):
    claim = claim_in(make, people, status)

    if allowed:
        assert lifecycle.change_status(claim, "returned", step(getattr(people, who), reason="发现错误")).version == 2
    else:
        with pytest.raises(ClaimStepRefused, match="Only a reviewer"):
            lifecycle.change_status(claim, "returned", step(getattr(people, who), reason="发现错误"))
        assert claim.status == status


def test_the_whole_life_of_a_claim_is_in_the_audit_trail(make, people):
    claim = claim_in(make, people, "draft")
    lifecycle.change_status(claim, "submitted", step(people.preparer))
    lifecycle.change_status(claim, "notice", step(people.reviewer, today=date(2026, 7, 1)))
    lifecycle.change_status(claim, "review", step(people.reviewer, today=date(2026, 7, 8)))
    decide_all(claim, people.reviewer)
    lifecycle.change_status(claim, "approved", step(people.reviewer))
    lifecycle.change_status(claim, "paid", step(people.city, payment=Payment(TODAY, Decimal("13500.00"), "PAY-1")))

    trail = [(e.entity_id, e.before["status"], e.after["status"]) for e in events("claim_status_changed")]

    assert trail == [
        (str(claim.id), "draft", "submitted"),
        (str(claim.id), "submitted", "notice"),
        (str(claim.id), "notice", "review"),
        (str(claim.id), "review", "approved"),
        (str(claim.id), "approved", "paid"),
    ]
    assert len(events("claim_line_decided")) == 3
