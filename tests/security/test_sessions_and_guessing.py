"""Session replay and guessing, beyond what tests/test_sessions.py (replay after sign-out and
after a password change, disabled accounts, idle and absolute timeouts, forged login token)
and tests/test_login_throttling.py (sign-in and password-change throttles, identical
refusals) already prove; check-in code throttling is in tests/test_attendance_checkin.py,
manual certificate lookup throttling in tests/test_certificates_verify.py."""

from __future__ import annotations

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.security.conftest import fingerprint
from training import create_app
from training.extensions import db
from training.models import ActivationCode, Trainee

COOKIE = "jfw_session"


def _replay(app, source):
    """A second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, source.get_cookie(COOKIE).value, domain="localhost")
    return thief


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_a_cookie_replayed_after_an_admin_reset_the_password_is_refused(app, client, auth, make):
    victim = auth.login("coordinator", county="610924")
    thief = _replay(app, client)
    admin = app.test_client()
    AuthActions(admin, make).login("admin")

    admin.submit(
        f"/admin/users/{victim.id}/password", {"password": "a-fresh-strong-pass"}, page=f"/admin/users/{victim.id}"
    )

    assert not _signed_in(thief)
    assert not _signed_in(client)


def test_a_replayed_cookie_after_sign_out_cannot_post_a_form(app, client, auth):
    auth.login("coordinator", county="610924")
    token = client.csrf_token("/trainees/new")
    thief = _replay(app, client)
    auth.logout()
    before = fingerprint()

    response = thief.post(
        "/trainees/new",
        data={"csrf_token": token, "name": "冒名", "id_number": "610924199005170011", "county_code": "610924"},
    )

    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert fingerprint() == before


def test_a_cookie_signed_with_another_secret_key_is_refused(app, client, auth):
    user = auth.login("coordinator", county="610924")
    with client.session_transaction() as session:
        forged = dict(session)
    other = create_app({"SECRET_KEY": "someone-elses-key", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    cookie = SecureCookieSessionInterface().get_signing_serializer(other).dumps(forged)
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie, domain="localhost")

    assert forged["_user_id"] == str(user.id)
    assert not _signed_in(thief)


def test_guessing_activation_codes_is_throttled_with_the_same_answer_each_time(app, client, make):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 5 minutes"
    make.trainee(county_code="610924")
    db.session.commit()
    before = fingerprint()

    answers = [
        client.submit(
            "/activate", {"code": f"WRONG{n:04d}", "password": "a-long-new-password", "confirm": "a-long-new-password"}
        )
        for n in range(4)
    ]

    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert answers[3].status_code == 429
    bodies = {_without_token(a.get_data(as_text=True)) for a in answers[:3]}
    assert len(bodies) == 1
    assert db.session.scalar(select(func.count()).select_from(ActivationCode)) == 0
    assert fingerprint() == before


def _without_token(html: str) -> str:
    import re

    return re.sub(r'value="[^"]*"', "", html)


@pytest.fixture
def certificate(app, tmp_path, make):
    from training.models import CohortStatus

    [issued] = make.issued(cohort=make.cohort(status=CohortStatus.FINISHED), names=["王秀英"])
    db.session.commit()
    return issued


def test_another_certificates_token_opens_nothing(client, make, certificate):
    from training.models import CohortStatus

    [second] = make.issued(cohort=make.cohort(status=CohortStatus.FINISHED), names=["李桂兰"])
    db.session.commit()

    mixed = client.get(f"/verify/{certificate.serial}?t={second.token}")
    unknown = client.get("/verify/AK-2026-610924-99999?t=" + second.token)

    assert mixed.status_code == unknown.status_code == 404
    # The same page, but for the serial it repeats back.
    assert _without_token(mixed.get_data(as_text=True).replace(certificate.serial, "S")) == _without_token(
        unknown.get_data(as_text=True).replace("AK-2026-610924-99999", "S")
    )
    assert client.get(f"/verify/{certificate.serial}.json?t={second.token}").json == {"status": "unknown"}


def test_scanning_serials_on_the_verification_page_is_rate_limited_and_genuine_checks_are_not(app, client, certificate):
    app.config["VERIFY_LOOKUP_LIMIT"] = "10 per 5 minutes"
    genuine = f"/verify/{certificate.serial}?t={certificate.token}"

    checks = [client.get(genuine).status_code for _ in range(15)]  # a busy employer's desk: never counted
    guesses = [client.get(f"/verify/AK-2026-610924-{n:05d}?t=guess").status_code for n in range(1, 13)]
    json_guess = client.get("/verify/AK-2026-610924-00099.json?t=guess").status_code

    assert checks == [200] * 15
    assert guesses[:10] == [404] * 10 and guesses[10:] == [429, 429]
    assert json_guess == 429


def test_debug_is_off_unless_flask_debug_is_set(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).debug is False

    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).debug is True


def test_an_error_page_shows_no_traceback(app, client, auth, monkeypatch):
    from training.trainees import views

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals /work/main/training")

    monkeypatch.setattr(views.services, "registry_query", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login("coordinator", county="610924")

    response = client.get("/trainees")

    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in html and "secret internals" not in html and "/work/" not in html
    assert db.session.scalar(select(func.count()).select_from(Trainee)) == 0
