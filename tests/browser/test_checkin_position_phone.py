"""A trainee on a 360-px phone, in Chinese, agrees to their position on the consent page, then scans
the QR: Chromium (with the geolocation permission and a set position) gives the position, the page
posts it, and the check-in is recorded inside or outside the site's radius."""

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
from training.models import CheckinRecord

pytestmark = pytest.mark.browser

NOW = datetime(2026, 5, 12, 1, 10, 7, tzinfo=UTC)  # 09:10 in Ankang
SITE = (32.6849, 109.0293)


@pytest.fixture
def server(database_url, tmp_path_factory, monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    with translated_app(database_url, compiled_translations(tmp_path_factory)) as app:
        make = Factories()
        cohort = make.cohort(site_latitude=SITE[0], site_longitude=SITE[1], checkin_radius_m=300)
        session = make.session(cohort, starts_at=NOW - timedelta(minutes=10), hours=3)
        enrollment = make.enrollment(trainee=make.trainee(name="欧阳秀英"), cohort=cohort)
        make.trainee_user(enrollment.trainee, username="trainee_ouyang")
        db.session.commit()
        window = checkin.window_at(NOW, app.config["CHECKIN_ROTATE_SECONDS"])
        token = checkin.make_token(app.config["SECRET_KEY"], session.id, window)
        with serving(app) as url:
            yield SimpleNamespace(url=url, token=token)


@pytest.mark.parametrize(
    ("latitude", "state", "distance"),
    [(SITE[0] + 0.0009, "inside", 100), (SITE[0] + 0.0151, "outside", 1679)],
)
def test_a_consenting_trainee_checks_in_with_the_phones_position(server, new_page, tmp_path, latitude, state, distance):
    position = {"latitude": latitude, "longitude": SITE[1], "accuracy": 15}
    phone = new_page(PHONE, permissions=["geolocation"], geolocation=position)
    sign_in(phone, server.url, "trainee_ouyang", TEST_PASSWORD)

    phone.goto(f"{server.url}/me/position-consent")
    assert "90 天" in phone.locator(".position-consent").inner_text()
    phone.check("input[name=agree]")
    phone.get_by_role("button", name="我同意").click()
    phone.wait_for_load_state()
    assert "撤回我的同意" in phone.locator(".me-position").inner_text()

    phone.goto(f"{server.url}/checkin/{server.token}")
    phone.wait_for_selector(".checkin-message")

    assert phone.locator(".checkin-message").inner_text() == "签到成功，欢迎上课！"
    assert_fits(phone)
    phone.screenshot(path=tmp_path / f"checkin-{state}-360.png", full_page=True)
    db.session.expire_all()
    record = db.session.scalar(select(CheckinRecord))
    assert (record.position_state, record.distance_m, record.accuracy_m) == (state, distance, 15)
    assert "jfw_device" in {cookie["name"] for cookie in phone.context.cookies(server.url)}
    assert record.device_id and not record.device_forged
