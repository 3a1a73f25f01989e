"""A trainee on a 360-px phone, in Chinese, signs in at the start of a two-mark class and signs out
in its last minutes, both by the number on the trainer's screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.conftest import translated_app
from tests.factories import TEST_PASSWORD, Factories
from tests.support.browser import PHONE, assert_fits, serving, sign_in
from tests.support.translations import compiled_translations
from training.attendance import checkin, views
from training.extensions import db
from training.models import Attendance

pytestmark = pytest.mark.browser

STARTS = datetime(2026, 5, 12, 1, 0, tzinfo=UTC)  # 09:00 in Ankang
ENDS = STARTS + timedelta(hours=3)


@pytest.fixture
def server(database_url, tmp_path_factory, monkeypatch):
    clock = SimpleNamespace(at=STARTS + timedelta(minutes=4))
    monkeypatch.setattr(views, "utcnow", lambda: clock.at)
    with translated_app(database_url, compiled_translations(tmp_path_factory)) as app:
        make = Factories()
        cohort = make.cohort(course=make.course(marks_per_session=2, name="足部修护"))
        session = make.session(cohort, starts_at=STARTS, hours=3)
        enrollment = make.enrollment(trainee=make.trainee(name="欧阳秀英"), cohort=cohort)
        make.trainee_user(enrollment.trainee, username="trainee_ouyang")
        db.session.commit()

        def code() -> str:
            window = checkin.window_at(clock.at, app.config["CHECKIN_ROTATE_SECONDS"])
            return checkin.make_code(app.config["SECRET_KEY"], session.id, window)

        with serving(app) as url:
            yield SimpleNamespace(url=url, clock=clock, code=code)


def test_a_trainee_signs_in_then_signs_out_on_a_phone(server, new_page, tmp_path):
    phone = new_page(PHONE)
    sign_in(phone, server.url, "trainee_ouyang", TEST_PASSWORD)

    phone.goto(f"{server.url}/checkin")
    assert phone.locator("h1").inner_text() == "签到"
    phone.locator("input[name=code]").fill(server.code())
    phone.get_by_role("button", name="签到").click()
    phone.wait_for_load_state()
    assert phone.locator(".checkin-message").inner_text() == "签到成功，欢迎上课！"

    server.clock.at = ENDS - timedelta(minutes=8)  # 11:52, in the last 30 minutes
    phone.goto(f"{server.url}/checkin")
    assert phone.locator("h1").inner_text() == "签退"
    assert "签退后课时才计入" in phone.locator(".checkin-signout-phase").inner_text()
    assert_fits(phone)
    phone.screenshot(path=tmp_path / "signout-phase-360.png", full_page=True)
    phone.locator("input[name=code]").fill(server.code())
    button = phone.get_by_role("button", name="签退")
    assert button.bounding_box()["height"] >= 44
    button.click()
    phone.wait_for_load_state()

    assert phone.locator(".checkin-message").inner_text() == "签退成功。谢谢，下节课见！"
    assert_fits(phone)
    phone.screenshot(path=tmp_path / "signed-out-360.png", full_page=True)
    db.session.expire_all()
    mark = db.session.scalar(select(Attendance))
    assert (mark.marked_at, mark.signed_out_at, mark.signout_method) == (
        STARTS + timedelta(minutes=4),
        ENDS - timedelta(minutes=8),
        "code",
    )
