"""Sign-in throttling: failed attempts per account and per address answer 429 with the login page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import TEST_PASSWORD
from tests.support.pages import texts
from training.extensions import db
from training.models import LoginSession


def _login(client, username: str, password: str = TEST_PASSWORD, **kwargs):
    return client.submit("/login", {"username": username, "password": password}, **kwargs)


@pytest.fixture
def small_limits(app):
    """Two failed attempts per account, four per address (the limits are read at each request)."""
    app.config.update(LOGIN_LIMIT_PER_ACCOUNT="2 per 5 minutes", LOGIN_LIMIT_PER_ADDRESS="4 per 5 minutes")


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_the_default_limits_are_five_failures_per_account_and_thirty_per_address(app):
    assert app.config["LOGIN_LIMIT_PER_ACCOUNT"] == "5 per 5 minutes"
    assert app.config["LOGIN_LIMIT_PER_ADDRESS"] == "30 per 5 minutes"


def test_too_many_failures_for_one_account_answer_429_with_the_login_page(client, make, small_limits):
    user = make.user("coordinator")
    db.session.commit()
    for address in ("10.0.0.1", "10.0.0.2"):
        assert _login(client, user.username, "wrong password", **_from(address)).status_code == 200

    response = _login(client, user.username, "wrong password", **_from("10.0.0.3"))

    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert 'name="username"' in page and 'name="password"' in page
    assert len(texts(page, "alert-warning")) == 1


def test_the_right_password_is_refused_while_the_account_is_throttled(client, make, small_limits):
    user = make.user("coordinator")
    db.session.commit()
    for _ in range(2):
        _login(client, user.username, "wrong password")

    response = _login(client, user.username, TEST_PASSWORD)

    assert response.status_code == 429
    assert client.get("/").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_successful_sign_ins_do_not_count_towards_the_account_limit(client, auth, make, small_limits):
    user = make.user("coordinator")
    db.session.commit()
    for _ in range(3):
        auth.login(user)
        auth.logout()

    assert _login(client, user.username, "wrong password").status_code == 200


def test_a_throttled_account_does_not_affect_another_account_at_another_address(app, client, make, small_limits):
    victim, other = make.user("coordinator"), make.user("trainer")
    db.session.commit()
    for _ in range(3):
        _login(client, victim.username, "wrong password", **_from("10.0.0.9"))

    elsewhere = app.test_client()
    response = _login(elsewhere, other.username, **_from("10.0.0.10"))

    assert response.status_code == 302


def test_too_many_failures_from_one_address_answer_429_whatever_the_account(client, make, small_limits):
    user = make.user("coordinator")
    db.session.commit()
    for n in range(4):
        _login(client, f"guess{n}", "wrong password", **_from("10.0.0.20"))

    throttled = _login(client, user.username, TEST_PASSWORD, **_from("10.0.0.20"))
    elsewhere = _login(client, user.username, TEST_PASSWORD, **_from("10.0.0.21"))

    assert throttled.status_code == 429
    assert elsewhere.status_code == 302


def test_guessing_the_current_password_on_the_change_form_is_throttled(client, auth, small_limits):
    auth.login("trainer")
    wrong = {"current_password": "not it at all", "new_password": "a new long pass 9", "confirm": "a new long pass 9"}
    for _ in range(2):
        assert client.submit("/account/password", wrong).status_code == 200
    assert client.submit("/account/password", wrong).status_code == 429
