"""A claim's life in a real browser: from the draft to paid at 1280 px, through the pages' own forms
(the county coordinator submits, a reviewer publishes the notice, records and decides an objection,
reviews line by line, approves and records the payment), and the public notice on a 360-px phone."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD
from tests.support.browser import DESKTOP, PHONE, assert_accessible, assert_fits, sign_in
from tests.support.claims import build_claim
from training.claims import notice
from training.extensions import db
from training.models import Claim, CohortStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(make):
    coordinator = make.user("coordinator", username="coord_claims", county_code="610924")
    make.user("reviewer", username="reviewer_claims")
    cohort = make.cohort(status=CohortStatus.FINISHED, start_date=date(2026, 5, 1), standard_yuan=Decimal("4500"))
    claim = build_claim(make, cohort=cohort, trainees=4, ineligible=1, prepared_by=coordinator)
    for line, name in zip(claim.lines, ["欧阳秀英", "王秀英", "李娜", "陈春花"], strict=True):
        line.snapshot = {**line.snapshot, "name": name}
    db.session.commit()
    return claim


def step(page, to: str) -> None:
    page.click(f"form.step-{to} button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator(".alert-danger")).to_have_count(0)


def test_a_claim_goes_from_draft_to_paid_through_its_pages(live_server, new_page, draft, tmp_path):
    claim_url = f"{live_server}/claims/{draft.id}"
    coordinator = new_page(DESKTOP)
    sign_in(coordinator, live_server, "coord_claims", TEST_PASSWORD)
    coordinator.goto(claim_url)
    step(coordinator, "submitted")
    assert_fits(coordinator)

    reviewer = new_page(DESKTOP)
    sign_in(reviewer, live_server, "reviewer_claims", TEST_PASSWORD)
    expect(reviewer.locator(".waiting-claim")).to_have_count(1)
    reviewer.click(".waiting-claim a")
    step(reviewer, "notice")
    reviewer.select_option("select[name=objection-line_id]", index=1)
    reviewer.fill("input[name=objection-raised_by]", "同村村民")
    reviewer.fill("textarea[name=objection-content]", "王秀英培训期间在外地务工")
    reviewer.fill("input[name=objection-received_at]", (date.today()).isoformat() + "T00:05")
    reviewer.click("form.record-objection button[type=submit]")
    reviewer.check("form.objection-decision input[value=dismissed]")
    reviewer.fill("form.objection-decision textarea", "签到表与照片核对一致")
    reviewer.click("form.objection-decision button[type=submit]")
    expect(reviewer.locator(".objection-outcome")).to_contain_text("签到表与照片核对一致")

    claim = db.session.get_one(Claim, draft.id)
    claim.notice_starts_on, claim.notice_ends_on = date.today() - timedelta(days=8), date.today() - timedelta(days=1)
    db.session.commit()  # a week goes by
    reviewer.goto(claim_url)
    step(reviewer, "review")
    for line in draft.lines[:3]:
        reviewer.check(f"#decision-{line.id}-a")
    reviewer.click("form.claim-review button[type=submit]")  # the ineligible line was proposed as rejected
    step(reviewer, "approved")
    expect(reviewer.locator(".claim-approved")).to_contain_text("13,500.00")
    reviewer.fill("input[name=paid-paid_on]", date.today().isoformat())
    reviewer.fill("input[name=paid-paid_yuan]", "13500.00")
    reviewer.fill("input[name=paid-reference]", "国库集中支付-0001")
    step(reviewer, "paid")

    expect(reviewer.locator("h1 .claim-status")).to_have_text("Paid")
    expect(reviewer.locator(".claim-payment")).to_contain_text("国库集中支付-0001")
    assert_fits(reviewer)
    reviewer.screenshot(path=tmp_path / "claim-paid-1280.png", full_page=True)


def test_the_public_notice_reads_on_a_phone(app, live_server, new_page, draft, tmp_path):
    draft.status = "notice"
    draft.notice_starts_on, draft.notice_ends_on = date.today(), date.today() + timedelta(days=6)
    db.session.commit()
    page = new_page(PHONE, bypass_csp=True)  # axe is injected into the page

    page.goto(f"{live_server}/claims/notice/{notice.token_for(app.config['SECRET_KEY'], draft.id)}")

    expect(page.locator(".notice-row")).to_have_count(3)
    expect(page.locator(".notice-name")).to_have_text(["欧*英", "王*英", "李*"])
    expect(page.locator(".notice-phone")).to_be_visible()
    assert page.locator(".notice-phone").bounding_box()["height"] >= 20
    assert_fits(page)
    assert_accessible(page)
    page.screenshot(path=tmp_path / "notice-360.png", full_page=True)
