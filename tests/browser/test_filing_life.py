"""A class-opening filing in a real browser at 1280 px, in Chinese: the county's coordinator prepares and
submits it, a reviewer approves it from another account, and the coordinator starts the class."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import translated_app
from tests.factories import TEST_PASSWORD, Factories
from tests.support.browser import DESKTOP, assert_fits, serving, sign_in
from tests.support.translations import compiled_translations
from training.extensions import db
from training.models import CohortStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def served(database_url, tmp_path_factory):
    """The app in Chinese (the real catalog), serving an open class of 紫阳 with two trainees."""
    with translated_app(database_url, compiled_translations(tmp_path_factory)) as app:
        make = Factories()
        make.user("coordinator", username="coord_filing", county_code="610924")
        make.user("reviewer", username="reviewer_filing")
        trainer = make.user("trainer", county_code="610924", display_name="刘老师")
        start = date.today() + timedelta(days=30)
        cohort = make.cohort(status=CohortStatus.OPEN, start_date=start, timetable=True, trainers=[trainer])
        for name in ("王秀英", "欧阳娜"):
            make.enrollment(cohort=cohort, trainee=make.trainee(name=name))
        db.session.commit()
        with serving(app) as url:
            yield url, cohort


def test_a_filing_is_prepared_approved_by_another_account_and_the_class_starts(served, new_page):
    live_server, cohort = served
    coordinator = new_page(DESKTOP)
    sign_in(coordinator, live_server, "coord_filing", TEST_PASSWORD)
    coordinator.goto(f"{live_server}/cohorts/{cohort.id}")
    expect(coordinator.locator(".filing-panel")).to_contain_text("未备案")
    coordinator.click(".filing-panel a.filing-link")
    coordinator.fill("input[name=site_address]", "紫阳县蒿坪镇金川社区新社区工厂二楼")
    coordinator.fill("input[name=assessment_method]", "理论笔试＋实操考核")
    coordinator.fill("input[name=assessor]", "紫阳县足部修护行业协会")
    coordinator.fill(f"input[name=qualification_{cohort.trainers[0].id}]", "足部修护师二级/技师")
    coordinator.click("button.prepare-filing")
    expect(coordinator.locator(".filing-roster")).to_contain_text("欧阳娜")
    coordinator.click("form.step-submitted button[type=submit]")
    expect(coordinator.locator("h1 .filing-status")).to_have_text("待审核")
    assert_fits(coordinator)

    reviewer = new_page(DESKTOP)
    sign_in(reviewer, live_server, "reviewer_filing", TEST_PASSWORD)
    reviewer.goto(f"{live_server}/filing")
    reviewer.click(".waiting-filing a")
    reviewer.click("form.step-approved button[type=submit]")
    expect(reviewer.locator("h1 .filing-status")).to_have_text("审核通过")
    assert_fits(reviewer)

    coordinator.goto(f"{live_server}/cohorts/{cohort.id}")
    expect(coordinator.locator(".filing-panel .filing-status")).to_have_text("审核通过")
    coordinator.click("form:has(input[value=running]) button.status-action")
    expect(coordinator.locator("h1")).to_contain_text("开班中")
    expect(coordinator.locator(".alert-danger")).to_have_count(0)
