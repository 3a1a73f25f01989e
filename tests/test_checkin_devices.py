"""Shared phones: the signed device cookie a phone gets at its first check-in, kept on each check-in
record; a forged one replaced and flagged; one device used for two trainees in one session found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from training.attendance import checkin, devices, views
from training.extensions import db
from training.models import CheckinRecord

NOW = datetime(2026, 5, 12, 1, 10, 7, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)


@pytest.fixture
def lesson(app, make):
    """A class open for check-in with two trainees, each with a login."""
    trainer = make.user("trainer", county_code="610924")
    cohort = make.cohort(trainers=[trainer])
    session = make.session(cohort, starts_at=NOW - timedelta(minutes=10), hours=3)
    enrollments = [make.enrollment(trainee=make.trainee(name=name), cohort=cohort) for name in ("陈小红", "王秀英")]
    users = [make.trainee_user(e.trainee) for e in enrollments]
    db.session.commit()
    return SimpleNamespace(trainer=trainer, session=session, enrollments=enrollments, users=users)


def scan(app, client, session) -> object:
    token = checkin.make_token(app.config["SECRET_KEY"], session.id, checkin.window_at(NOW, 30))
    return client.get(f"/checkin/{token}")


def device_cookie(client):
    return client.get_cookie(devices.COOKIE_NAME)


def records() -> list[CheckinRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(CheckinRecord).order_by(CheckinRecord.id)))


def test_the_first_check_in_sets_a_signed_http_only_device_cookie_kept_on_the_record(app, client, auth, lesson):
    auth.login(lesson.users[0])
    response = scan(app, client, lesson.session)

    cookie = device_cookie(client)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert "Max-Age=" in response.headers["Set-Cookie"]
    [record] = records()
    assert record.device_id == devices.read_device(app.config["SECRET_KEY"], cookie.value).id
    assert record.device_forged is False


def test_the_device_cookie_is_reused_not_set_again(app, client, auth, lesson, make):
    other = make.session(lesson.session.cohort, starts_at=NOW - timedelta(minutes=5), hours=2)
    db.session.commit()
    auth.login(lesson.users[0])
    scan(app, client, lesson.session)
    first = device_cookie(client).value

    response = scan(app, client, other)

    assert devices.COOKIE_NAME not in response.headers.get("Set-Cookie", "")
    assert device_cookie(client).value == first
    assert len({r.device_id for r in records()}) == 1


def test_the_device_cookie_is_secure_over_https(app, client, auth, lesson):
    auth.login(lesson.users[0])
    token = checkin.make_token(app.config["SECRET_KEY"], lesson.session.id, checkin.window_at(NOW, 30))
    response = client.get(f"/checkin/{token}", base_url="https://localhost")
    assert "Secure" in next(h for h in response.headers.getlist("Set-Cookie") if devices.COOKIE_NAME in h)


@pytest.mark.parametrize("forged", ["not-a-cookie", "ImFhYWEi.tampered", ""])
def test_a_forged_device_cookie_is_replaced_and_the_record_says_so(app, client, auth, lesson, forged):
    auth.login(lesson.users[0])
    client.set_cookie(devices.COOKIE_NAME, forged or "x" * 60)

    response = scan(app, client, lesson.session)

    assert response.status_code == 200
    [record] = records()
    assert record.device_forged is True
    assert devices.read_device(app.config["SECRET_KEY"], device_cookie(client).value).id == record.device_id


def test_a_cookie_signed_with_another_key_is_forged():
    other = devices.device_cookie("another key", devices.Device("a" * 32))
    assert devices.read_device("our key", other).forged


def test_one_phone_checking_in_two_trainees_is_a_shared_device_on_the_roster(app, client, auth, lesson):
    for user in lesson.users:
        auth.login(user)
        scan(app, client, lesson.session)
        client.post("/logout", data={"csrf_token": client.csrf_token("/me")})
    shared = devices.shared_devices(lesson.session.id)

    assert list(shared.values()) == [{e.id for e in lesson.enrollments}]
    auth.login(lesson.trainer)
    roster = client.get(f"/sessions/{lesson.session.id}/roster").get_data(as_text=True)
    assert roster.count("roster-shared-phone") == 2


def test_two_phones_for_two_trainees_share_nothing(app, client, auth, lesson):
    for user in lesson.users:
        client.delete_cookie(devices.COOKIE_NAME)  # another phone
        auth.login(user)
        scan(app, client, lesson.session)
        client.post("/logout", data={"csrf_token": client.csrf_token("/me")})
    assert len(records()) == 2
    assert devices.shared_devices(lesson.session.id) == {}
