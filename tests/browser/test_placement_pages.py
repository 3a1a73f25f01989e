"""Placement pages in a real browser: they fit a 360-px phone and a 1280-px desktop, and the employer
search narrows the lists as one types, under the site's Content Security Policy."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import TEST_PASSWORD
from tests.support.browser import DESKTOP, PHONE, assert_fits, sign_in
from training.extensions import db

pytestmark = pytest.mark.browser
ENDED = date.today() - timedelta(days=30)


@pytest.fixture
def world(make):
    coordinator = make.user("coordinator", username="coord_jobs", county_code="610924")
    partner = make.employer(
        name="上海远元足部修护连锁有限公司（闵行区七宝镇第二分店）",
        contact_name="陈经理",
        contact_phone="021-62345678",
        province="上海市",
        city="上海市",
        county="闵行区",
    )
    make.employer(name="安康市汉滨区茶艺文化发展有限公司")
    cohort = make.cohort(
        start_date=ENDED - timedelta(days=20),
        end_date=ENDED,
        status="finished",
        employer_id=partner.id,
        committed_placements=15,
    )
    graduates = [
        make.enrollment(cohort=cohort, status="completed", trainee=make.trainee(name=f"欧阳秀英{n}")) for n in range(3)
    ]
    placement = make.placement(enrollment=graduates[0], employer=partner, start_date=ENDED, place="上海市闵行区七宝镇")
    placement.follow_ups[0].due_date = date.today()
    db.session.commit()
    return coordinator, cohort, graduates, placement


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_placement_pages_fit_the_screen(live_server, new_page, world, viewport, tmp_path):
    coordinator, cohort, graduates, placement = world
    page = new_page(viewport)
    sign_in(page, live_server, coordinator.username, TEST_PASSWORD)
    for path in (
        "/employers",
        "/employers/new",
        f"/employers/{placement.employer_id}/edit",
        f"/trainees/{graduates[1].trainee_id}/placements/new",
        f"/placements/{placement.id}",
        f"/placements/{placement.id}/edit",
        f"/cohorts/{cohort.id}/graduates",
        "/follow-ups",
        f"/follow-ups/{placement.follow_ups[0].id}",
    ):
        response = page.goto(live_server + path)
        assert response.ok, f"{path}: {response.status}"
        assert page.locator("h1").first.is_visible()
        assert_fits(page)
        page.screenshot(path=tmp_path / f"{path.strip('/').replace('/', '-')}-{viewport['width']}.png", full_page=True)


def test_typing_in_the_employer_search_narrows_every_employer_list(live_server, new_page, world):
    coordinator, cohort, _graduates, _placement = world
    page = new_page(DESKTOP)
    sign_in(page, live_server, coordinator.username, TEST_PASSWORD)
    page.goto(f"{live_server}/cohorts/{cohort.id}/graduates")

    page.fill("input[name=employer_q]", "茶艺")

    lists = page.locator("select.employer-select")
    assert lists.count() == 2
    for n in range(2):
        options = lists.nth(n).locator("option").all_inner_texts()
        # The partner stays: it is the row's choice. The tea house now shows; the empty choice stays.
        assert any("茶艺文化" in text for text in options) and len(options) == 3
    page.fill("input[name=employer_q]", "没有这个")
    assert lists.nth(0).locator("option").count() == 2
