"""A trainee signs in on a 360-px phone and reads their own page: the next class, the hours bar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD
from tests.support.browser import PHONE, assert_fits, sign_in
from tests.support.me import certificate_row, in_class
from training.extensions import db
from training.models import EnrollmentStatus


def test_a_trainee_sees_the_next_class_and_the_hours_bar_on_a_phone(live_server, new_page, make, app, tmp_path):
    setup = in_class(make, held=3, to_come=5, marks=["present", "late", "absent"])
    make.session(
        setup.cohort,
        starts_at=datetime.now(UTC) - timedelta(minutes=10),
        location="紫阳县蒿坪镇金川社区新社区工厂（二期）三楼培训教室",
    )
    earlier = in_class(
        make,
        held=2,
        marks=["present"] * 2,
        status=EnrollmentStatus.COMPLETED,
        trainee=setup.trainee,
        course_name="茶艺师（五级）",
    )
    certificate_row(earlier.enrollment)
    db.session.commit()
    page = new_page(PHONE)

    sign_in(page, live_server, setup.user.username, TEST_PASSWORD)
    page.goto(f"{live_server}/me")

    next_class = page.locator(".me-next")
    expect(next_class).to_contain_text("三楼培训教室")
    time_size = page.locator(".me-next-time").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert time_size >= 28  # large type: the time of the class is read at a glance
    expect(page.locator(".attended-hours")).to_have_text("8")
    expect(page.locator(".missing-classes")).to_have_text("6")  # 80 % of 9 classes of 4 hours, less 8: 20.8 hours
    bar = page.locator("progress.me-bar-value")
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("8.0", "36.0")
    bar_box, marker_box = bar.bounding_box(), page.locator(".me-bar-min").bounding_box()
    assert bar_box["width"] > 250  # the whole width of the phone, not a sliver
    marker_at = (marker_box["x"] + marker_box["width"] / 2 - bar_box["x"]) / bar_box["width"]
    assert abs(marker_at - 0.8) < 0.02  # the minimum's marker sits at 80 %, placed by a CSS class
    targets = [page.locator(".me-apply")]
    if "attendance.checkin_code" in app.view_functions:
        targets.append(page.locator(".me-checkin"))
    for target in targets:
        expect(target).to_be_visible()
        assert target.bounding_box()["height"] >= 48
    assert_fits(page)
    page.screenshot(path=tmp_path / "me-360.png", full_page=True)
