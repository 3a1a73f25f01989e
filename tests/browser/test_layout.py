"""Coordinator pages render without horizontal scrolling on a 360-px phone and a 1280-px desktop."""

import pytest
from sqlalchemy import select

from tests.factories import TEST_PASSWORD
from tests.support.browser import DESKTOP, PHONE, assert_fits, sign_in
from training.extensions import db
from training.models import CohortStatus, Enrollment, EnrollmentStatus


@pytest.fixture
def cohort_with_people(make):
    coordinator = make.user("coordinator", username="coord_layout")
    cohort = make.cohort(
        status=CohortStatus.OPEN, capacity=3, site_name="紫阳县蒿坪镇金川社区新社区工厂（二期）", sessions=3
    )
    running = make.cohort(status=CohortStatus.RUNNING, site_name=cohort.site_name, sessions=3)
    for session in cohort.sessions + running.sessions:
        session.location = cohort.site_name  # as the schedule generator fills it in
    for n in range(4):
        make.enrollment(
            cohort=cohort,
            trainee=make.trainee(name=f"欧阳秀英{n}"),
            status=EnrollmentStatus.ENROLLED if n < 3 else EnrollmentStatus.WAITLISTED,
        )
    make.enrollment(cohort=cohort, status=EnrollmentStatus.APPLIED)
    for n in range(3):
        make.trainee(name=f"候选人{n}")
    db.session.commit()
    return coordinator, cohort, running


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_catalog_and_enrollment_pages_fit_the_screen(live_server, new_page, cohort_with_people, viewport, tmp_path):
    coordinator, cohort, running = cohort_with_people
    page = new_page(viewport)
    sign_in(page, live_server, coordinator.username, TEST_PASSWORD)
    session_id = cohort.sessions[0].id
    trainee_id = db.session.scalar(select(Enrollment.trainee_id).where(Enrollment.cohort_id == cohort.id).limit(1))
    for path in (
        f"/cohorts/{cohort.id}",
        f"/cohorts/{running.id}",
        f"/cohorts/{cohort.id}/enroll",
        "/trainees",
        f"/trainees/{trainee_id}",
        "/courses",
        "/courses/new",
        "/cohorts",
        "/cohorts/new",
        f"/cohorts/{cohort.id}/edit",
        f"/cohorts/{cohort.id}/sessions/{session_id}",
        "/audit",
    ):
        response = page.goto(live_server + path)
        assert response.ok, f"{path}: {response.status}"
        assert page.locator("h1").first.is_visible()
        assert_fits(page)
        page.screenshot(path=tmp_path / f"{path.strip('/').replace('/', '-')}-{viewport['width']}.png", full_page=True)
