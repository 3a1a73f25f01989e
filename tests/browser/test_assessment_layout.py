"""The score grid and the finalise page on a 360-px phone and a 1280-px desktop (headless Chromium)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.factories import TEST_PASSWORD
from tests.support.browser import DESKTOP, PHONE, assert_fits, sign_in
from training.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def cohort(make):
    trainer = make.user("trainer", county_code="610924", username="trainer_layout")
    cohort = make.cohort(
        sessions=5,
        start_date=date.today() - timedelta(days=8),
        trainers=[trainer],
        site_name="紫阳县蒿坪镇金川社区新社区工厂（二期）",
    )
    for n in range(6):
        enrollment = make.enrollment(
            cohort=cohort, trainee=make.trainee(name=f"欧阳秀英{n}"), theory_score=Decimal(55 + 5 * n) if n else None
        )
        for day, session in enumerate(cohort.sessions):
            make.attendance(enrollment, session, "absent" if day < n % 3 else "present")
    make.user("coordinator", county_code="610924", username="coord_assess_layout")
    db.session.commit()
    return cohort


def grid_fits(page) -> None:
    """The score cells are reachable without scrolling the table sideways."""
    overflow = page.evaluate(
        "(() => { const t = document.querySelector('.score-grid .table-responsive');"
        " return t.scrollWidth - t.clientWidth; })()"
    )
    assert overflow <= 1, f"the score grid is {overflow}px wider than its box"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_trainer_enters_scores_on_a_phone_and_sees_the_errors_by_the_cells(
    live_server, new_page, cohort, viewport, tmp_path
):
    page = new_page(viewport)
    sign_in(page, live_server, "trainer_layout", TEST_PASSWORD)
    page.goto(f"{live_server}/cohorts/{cohort.id}/scores")
    assert_fits(page)
    page.screenshot(path=tmp_path / f"scores-before-{viewport['width']}.png", full_page=True)
    grid_fits(page)
    cells = page.locator("input[inputmode=decimal]")
    assert cells.count() == 12
    cells.nth(0).fill("88.5")
    cells.nth(1).fill("101")
    page.click(".score-grid button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback").count() == 1
    assert page.locator("input[inputmode=decimal]").nth(0).input_value() == "88.5"
    assert_fits(page)
    grid_fits(page)
    page.screenshot(path=tmp_path / f"scores-{viewport['width']}.png", full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_finalise_page_fits_the_screen(live_server, new_page, cohort, viewport, tmp_path):
    page = new_page(viewport)
    sign_in(page, live_server, "coord_assess_layout", TEST_PASSWORD)
    response = page.goto(f"{live_server}/cohorts/{cohort.id}/finalise")
    assert response.ok
    assert page.locator(".standing").count() == 6
    assert_fits(page)
    page.screenshot(path=tmp_path / f"finalise-{viewport['width']}.png", full_page=True)
