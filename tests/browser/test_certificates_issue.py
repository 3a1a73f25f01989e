"""A coordinator issues a finished cohort's certificates and watches the job's bar reach 100 %;
an employer's phone opens the QR code's page."""

from __future__ import annotations

import urllib.parse

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import DESKTOP, PHONE, assert_fits, sign_in
from tests.factories import TEST_PASSWORD
from training.certificates import qr, storage
from training.extensions import db
from training.models import Certificate, CohortStatus

pytestmark = pytest.mark.slow


@pytest.fixture
def finished_cohort(make):
    coordinator = make.user("coordinator", county_code="610924", username="coord_certificates")
    course = make.course(name="足部修护师（五级）", occupation="足部修护师", total_hours=120)
    cohort = make.cohort(
        course=course,
        status=CohortStatus.FINISHED,
        county_code="610924",
        code="ZY-B-01",
        site_name="紫阳县蒿坪镇金川社区新社区工厂（二期）",
    )
    for name in ["王秀英", "李桂兰", "欧阳娜娜", "张玉梅", "陈静", "杨丽", "赵德林", "周伟"]:
        make.graduate(cohort=cohort, name=name)
    db.session.commit()
    return coordinator, cohort


def test_a_coordinator_issues_a_cohort_and_watches_the_bar_reach_100(
    live_server, new_page, finished_cohort, enqueue, consumer, tmp_path
):
    coordinator, cohort = finished_cohort
    page = new_page(DESKTOP)
    sign_in(page, live_server, coordinator.username, TEST_PASSWORD)

    page.goto(f"{live_server}/cohorts/{cohort.id}/certificates")
    expect(page.locator(".certificate-roster tbody tr")).to_have_count(8)
    page.click("button.issue-all")

    expect(page).to_have_url(f"{live_server}/jobs/" + page.url.rsplit("/", 1)[1])
    expect(page.locator(".job-status")).to_have_text("Done", timeout=60_000)
    expect(page.locator(".job-bar")).to_have_attribute("value", "100")
    expect(page.locator(".job-done")).to_have_text("8")
    expect(page.locator(".job-failures li")).to_have_count(0)
    page.screenshot(path=tmp_path / "job-done.png", full_page=True)

    page.click("a.job-back")
    expect(page).to_have_url(f"{live_server}/cohorts/{cohort.id}/certificates")
    expect(page.locator(".certificate-status", has_text="Valid")).to_have_count(8)
    assert_fits(page)


def test_the_qr_code_opens_a_page_that_fits_a_phone(live_server, new_page, make, tmp_path):
    [certificate] = make.issued(names=["欧阳秀英"])
    db.session.commit()
    [url] = qr.qr_texts(storage.path_for(certificate.serial).read_bytes())
    parts = urllib.parse.urlsplit(url)
    page = new_page(PHONE)

    response = page.goto(f"{live_server}{parts.path}?{parts.query}")

    assert response.ok and response.headers["x-robots-tag"].startswith("noindex")
    expect(page.locator(".verdict-title")).to_contain_text("Valid certificate")
    expect(page.locator(".verify-details")).to_contain_text("欧**英")
    assert_fits(page)
    page.screenshot(path=tmp_path / "verify-phone.png", full_page=True)
    assert db.session.scalar(select(Certificate.status)) == "valid"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_certificate_pages_fit_the_screen(live_server, new_page, make, viewport, tmp_path):
    coordinator = make.user("coordinator", county_code="610924", username="coord_fit")
    cohort = make.cohort(
        status=CohortStatus.FINISHED, county_code="610924", site_name="紫阳县蒿坪镇金川社区新社区工厂（二期）"
    )
    certificate, _ = make.issued(cohort=cohort, names=["欧阳秀英", "李桂兰"])
    trainee = make.trainee_user(trainee=certificate.enrollment.trainee, username="trainee_fit")
    db.session.commit()
    page = new_page(viewport)
    sign_in(page, live_server, coordinator.username, TEST_PASSWORD)
    for path in (f"/cohorts/{cohort.id}/certificates", f"/certificates/{certificate.serial}"):
        response = page.goto(live_server + path)
        assert response.ok, path
        assert_fits(page)
        page.screenshot(path=tmp_path / f"{path.strip('/').replace('/', '-')}-{viewport['width']}.png", full_page=True)

    trainee_page = new_page(viewport)
    sign_in(trainee_page, live_server, trainee.username, TEST_PASSWORD)
    trainee_page.goto(f"{live_server}/me/certificates")
    expect(trainee_page.locator(".my-certificates a.btn")).to_have_count(1)
    assert_fits(trainee_page)
    trainee_page.screenshot(path=tmp_path / f"mine-{viewport['width']}.png", full_page=True)
