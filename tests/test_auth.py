"""Signing in and out: answers, session renewal, audit trail, CSRF and the password policy."""

from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters
from sqlalchemy import func, select

from tests.factories import TEST_PASSWORD
from tests.support.pages import errors, input_value
from training.auth import services
from training.exceptions import PasswordRejected
from training.extensions import db
from training.models import AuditEvent, LoginSession, User


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _login(client, username: str, password: str = TEST_PASSWORD, **kwargs):
    return client.submit("/login", {"username": username, "password": password}, **kwargs)


# --- signing in and out ---------------------------------------------------------------


def test_signing_in_redirects_to_the_home_page_and_records_a_login_session(client, make):
    user = make.user("coordinator", county_code="610924")
    db.session.commit()

    response = _login(client, user.username)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user.id)) == 1


def test_the_username_is_not_case_sensitive(client, make):
    user = make.user("trainer", username="Li.Ming")
    db.session.commit()

    assert _login(client, "  li.ming ").status_code == 302
    assert db.session.get(User, user.id).last_login_at is not None


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client, make):
    user = make.user("coordinator")
    db.session.commit()

    wrong = _login(client, user.username, "not the password")
    unknown = _login(client, "nobody-here", "not the password")

    assert wrong.status_code == unknown.status_code == 200
    assert errors(wrong.get_data(as_text=True)) == errors(unknown.get_data(as_text=True))
    assert len(errors(wrong.get_data(as_text=True))) == 1
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_a_disabled_account_cannot_sign_in_and_gets_the_same_answer(client, make):
    disabled = make.user("trainer", active=False)
    db.session.commit()

    refused = _login(client, disabled.username)
    unknown = _login(client, "nobody-here")

    assert refused.status_code == unknown.status_code == 200
    assert errors(refused.get_data(as_text=True)) == errors(unknown.get_data(as_text=True))
    assert client.get("/").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_the_login_form_keeps_the_typed_username_after_a_failure(client, make):
    response = _login(client, "wang.xiu", "wrong password")

    assert input_value(response.get_data(as_text=True), "username") == "wang.xiu"
    assert not input_value(response.get_data(as_text=True), "password")


def test_each_sign_in_gets_a_new_login_token(client, auth, make):
    user = make.user("coordinator")
    db.session.commit()

    auth.login(user)
    with client.session_transaction() as session:
        first = session["login_token"]
    auth.logout()
    auth.login(user)
    with client.session_transaction() as session:
        second = session["login_token"]

    assert first != second
    assert db.session.scalar(select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user.id)) == 2


def test_values_stored_in_the_session_before_sign_in_are_cleared(client, auth):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"

    auth.login("coordinator")

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["login_token"]


def test_an_off_site_next_parameter_is_ignored(client, make):
    user = make.user("coordinator")
    db.session.commit()

    response = client.submit(
        "/login?next=https://evil.example/", {"username": user.username, "password": TEST_PASSWORD}, page="/login"
    )

    assert response.headers["Location"] == "/"


def test_signing_out_ends_the_session_and_returns_to_the_login_page(client, auth):
    user = auth.login("trainer")

    response = auth.logout()

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/").headers["Location"].startswith("/login")
    login = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    assert login.revoked_at is not None


# --- audit trail ----------------------------------------------------------------------


def test_a_sign_in_is_audited_with_who_and_from_where(client, make):
    user = make.user("coordinator")
    db.session.commit()

    _login(client, user.username, environ_base={"REMOTE_ADDR": "10.1.2.3"})

    (event,) = _events("login")
    assert (event.actor_id, event.actor_name, event.entity_type, event.entity_id) == (
        user.id,
        user.username,
        "user",
        str(user.id),
    )
    assert event.ip == "10.1.2.3"


def test_a_failed_sign_in_is_audited_with_the_username_tried(client):
    _login(client, "  Zhang.San ", "wrong password", environ_base={"REMOTE_ADDR": "10.1.2.4"})

    (event,) = _events("login_failed")
    assert event.after == {"username": "Zhang.San"}
    assert event.actor_id is None
    assert event.ip == "10.1.2.4"
    assert "wrong password" not in str(event.after)


def test_a_sign_out_is_audited_with_the_user_who_left(client, auth):
    user = auth.login("trainer")

    auth.logout()

    (event,) = _events("logout")
    assert (event.actor_id, event.actor_name, event.entity_id) == (user.id, user.username, str(user.id))


# --- CSRF -----------------------------------------------------------------------------


def test_signing_in_without_a_csrf_token_is_refused(client, make):
    user = make.user("coordinator")
    db.session.commit()

    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})

    assert response.status_code == 400
    assert client.get("/").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_signing_out_without_a_csrf_token_is_refused(client, auth):
    user = auth.login("coordinator")

    response = client.post("/logout")

    assert response.status_code == 400
    assert client.get("/").status_code == 200
    assert db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id)).revoked_at is None
    assert _events("logout") == []


# --- password policy ------------------------------------------------------------------


@pytest.fixture
def in_request(app):
    """The policy's messages are translated for the request's language, as in the web forms."""
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    "password",
    ["short1!", "password", "12345678", "qwerty123", "iloveyou", "woaini1314", "aaaaaaaaaaaa", "abababababab"],
)
def test_weak_passwords_are_refused(in_request, password):
    with pytest.raises(PasswordRejected):
        services.check_password_policy(password)


def test_a_password_equal_to_the_username_is_refused(in_request):
    with pytest.raises(PasswordRejected):
        services.check_password_policy("Wang.Xiuying", "wang.xiuying")


@pytest.mark.parametrize("password", ["correct horse battery", "紫阳修脚2026春", "Tea-arts-7-rounds"])
def test_good_passwords_are_accepted(in_request, password):
    services.check_password_policy(password, "wang.xiuying")


def test_passwords_longer_than_128_characters_are_refused(in_request):
    with pytest.raises(PasswordRejected):
        services.check_password_policy("x7-" * 43)


def test_passwords_are_stored_as_argon2id_hashes(app):
    assert services.hash_password("correct horse battery").startswith("$argon2id$")


def test_real_hashes_use_argon2id_with_at_least_the_owasp_minimum_of_memory(app):
    app.config["ARGON2_CHEAP"] = False

    parameters = extract_parameters(services.hash_password("correct horse battery"))

    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 19 * 1024  # KiB
    assert parameters.time_cost >= 2


def test_a_cheap_hash_is_upgraded_at_the_next_sign_in(app, client, make):
    user = make.user("coordinator")
    db.session.commit()
    app.config["ARGON2_CHEAP"] = False

    _login(client, user.username)

    db.session.expire_all()
    assert extract_parameters(db.session.get(User, user.id).password_hash).memory_cost >= 19 * 1024
