"""The reports dashboard in Chromium: charts drawn, no console error (CSP included), fits a phone.

JFW_DOCS_SCREENSHOT=1 also saves the desktop view as docs/dashboard.png (the README's picture).
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD
from tests.support.browser import DESKTOP, PHONE, assert_fits, sign_in
from training.extensions import db
from training.models import CohortStatus, EnrollmentStatus, TraineeCategory

DOCS = Path(__file__).resolve().parents[2] / "docs"
COUNTIES = ["610924", "610902", "610921", "610926", "610981"]
KINDS = ["self_found"] * 4 + ["community_factory"] * 3 + ["self_employed", "public_welfare", "directed", "directed"]
SCOPES = ["same_county"] * 4 + ["in_city", "in_province", "in_province", "out_of_province", "out_of_province"]


@pytest.fixture
def a_year_of_classes(make):
    """Twelve finished classes over 2024 in five counties, 15 trainees each, most completed, many placed."""
    rng = random.Random(7)
    courses = [make.course(name=name) for name in ("足部修护师（五级）", "母婴护理员（五级）", "茶艺师（五级）")]
    partner = make.employer(name="上海远元足部修护连锁有限公司")
    for n in range(12):
        start = date(2024, 1, 8) + timedelta(days=28 * n)
        directed = n % 4 == 0
        cohort = make.cohort(
            course=courses[n % 3],
            county_code=COUNTIES[n % 5],
            start_date=start,
            end_date=start + timedelta(days=9),
            status=CohortStatus.FINISHED,
            employer_id=partner.id if directed else None,
            committed_placements=10 if directed else None,
        )
        for _ in range(15):
            roll = rng.random()
            status = EnrollmentStatus.COMPLETED if roll < 0.85 else EnrollmentStatus.FAILED
            trainee = make.trainee(county_code=cohort.county_code)
            if rng.random() < 0.45:
                db.session.add(
                    TraineeCategory(trainee=trainee, category=rng.choice(["poverty_alleviated", "relocated"]))
                )
            enrollment = make.enrollment(trainee=trainee, cohort=cohort, status=status)
            if status != EnrollmentStatus.COMPLETED:
                continue
            if rng.random() < 0.9:
                make.certificate(enrollment)
            if rng.random() < 0.7:
                kind = "directed" if directed and rng.random() < 0.8 else rng.choice(KINDS)
                placement = make.placement(
                    enrollment=enrollment,
                    start_date=cohort.end_date + timedelta(days=rng.randint(5, 120)),
                    monthly_wage=Decimal(rng.randrange(2500, 7500, 100)),
                    kind=kind,
                    scope=rng.choice(SCOPES),
                    contract_months=None if kind == "self_employed" else 12,
                    employer=partner if kind == "directed" else None,
                )
                make.follow_up_answer(placement, 6, still_employed=rng.random() < 0.85)
    coordinator = make.user("coordinator", username="city_reports", display_name="安康市就业服务中心")
    db.session.commit()
    return coordinator


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_dashboard_draws_its_charts(live_server, new_page, a_year_of_classes, viewport, tmp_path):
    page = new_page(viewport)
    sign_in(page, live_server, a_year_of_classes.username, TEST_PASSWORD)
    response = page.goto(f"{live_server}/reports?date_from=2024-01-01&date_to=2024-12-31")
    assert response.ok
    assert page.locator("svg.chart").count() == 4
    assert page.locator("svg.chart-funnel rect.funnel-bar").count() == 5
    assert page.locator("svg.chart-trend polyline").count() == 2
    assert page.locator("svg.chart-funnel").bounding_box()["width"] > 250
    assert_fits(page)
    page.screenshot(path=tmp_path / f"dashboard-{viewport['width']}.png", full_page=True)
    if viewport is DESKTOP and os.environ.get("JFW_DOCS_SCREENSHOT"):
        page.set_viewport_size({"width": 1280, "height": 1700})
        page.screenshot(path=DOCS / "dashboard.png", clip={"x": 0, "y": 0, "width": 1280, "height": 1700})


def test_ticking_full_ids_asks_for_the_reason(live_server, new_page, a_year_of_classes):
    page = new_page(DESKTOP)
    sign_in(page, live_server, a_year_of_classes.username, TEST_PASSWORD)
    page.goto(f"{live_server}/reports?date_from=2024-01-01&date_to=2024-12-31")
    reason = page.locator("input[name=reason]")
    assert not reason.is_visible()
    page.check("input[name=full_id]")
    assert reason.is_visible() and reason.evaluate("el => el.required")
