"""Server-side login sessions: a copied cookie dies with its session; idle and absolute timeouts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.factories import TEST_PASSWORD
from training.extensions import db
from training.models import AuditEvent, LoginSession, utcnow

COOKIE = "jfw_session"


def _copy_cookie(source, target) -> None:
    """What an attacker who stole the cookie would hold."""
    target.set_cookie(COOKIE, source.get_cookie(COOKIE).value, domain="localhost")


def _signed_in(client) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _login_session(user) -> LoginSession:
    return db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id.desc())
    ).first()


def test_a_copied_cookie_works_while_its_session_lives(app, client, auth):
    auth.login("coordinator")
    thief = app.test_client()
    _copy_cookie(client, thief)

    assert _signed_in(thief)


def test_a_copied_cookie_replayed_after_sign_out_is_sent_to_the_login_page(app, client, auth):
    auth.login("coordinator")
    thief = app.test_client()
    _copy_cookie(client, thief)

    auth.logout()
    response = thief.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_session_is_refused_as_soon_as_an_admin_disables_the_account(app, client, auth, make):
    trainer = auth.login("trainer", county="610924")
    admin = app.test_client()
    AuthActions(admin, make).login("admin")

    response = admin.submit(
        f"/admin/users/{trainer.id}", {"display_name": trainer.display_name, "role": "trainer", "county_code": "610924"}
    )

    assert response.status_code == 302
    assert not _signed_in(client)
    assert _login_session(trainer).revoked_at is not None


def test_changing_ones_password_signs_out_other_devices_but_not_this_one(app, client, auth, make):
    user = auth.login("coordinator")
    phone = app.test_client()
    AuthActions(phone, make).login(user)

    response = client.submit(
        "/account/password",
        {"current_password": TEST_PASSWORD, "new_password": "new horse battery", "confirm": "new horse battery"},
    )

    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(phone)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "password_changed")).all()
    assert [(e.actor_id, e.entity_id) for e in events] == [(user.id, str(user.id))]


def test_a_password_change_with_a_wrong_current_password_changes_nothing(app, client, auth, make):
    user = auth.login("coordinator")
    old_hash = user.password_hash
    phone = app.test_client()
    AuthActions(phone, make).login(user)

    response = client.submit(
        "/account/password",
        {"current_password": "not it at all", "new_password": "new horse battery", "confirm": "new horse battery"},
    )

    assert response.status_code == 200
    assert user.password_hash == old_hash
    assert _signed_in(phone)


@pytest.mark.parametrize(
    ("idle", "signed_in"),
    [(timedelta(minutes=5), True), (timedelta(minutes=119), True), (timedelta(minutes=121), False)],
    ids=["active", "just-inside", "idled-out"],
)
def test_a_session_ends_after_the_idle_timeout(app, client, auth, idle, signed_in):
    assert app.permanent_session_lifetime == timedelta(minutes=120)
    user = auth.login("coordinator")
    login = _login_session(user)
    login.last_seen_at = utcnow() - idle
    db.session.commit()

    assert _signed_in(client) is signed_in


def test_using_a_session_keeps_it_from_idling_out(app, client, auth):
    user = auth.login("coordinator")
    login = _login_session(user)
    login.last_seen_at = utcnow() - timedelta(minutes=100)
    db.session.commit()

    assert _signed_in(client)

    db.session.refresh(login)
    assert utcnow() - login.last_seen_at < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("age", "signed_in"),
    [(timedelta(hours=11, minutes=50), True), (timedelta(hours=12, minutes=1), False)],
    ids=["young", "too-old"],
)
def test_a_session_ends_after_the_absolute_timeout_even_when_in_use(app, client, auth, age, signed_in):
    assert app.config["SESSION_ABSOLUTE_HOURS"] == 12
    user = auth.login("coordinator")
    login = _login_session(user)
    login.created_at = utcnow() - age
    login.last_seen_at = utcnow()
    db.session.commit()

    assert _signed_in(client) is signed_in


def test_a_cookie_with_a_forged_login_token_is_refused(client, auth):
    auth.login("coordinator")
    with client.session_transaction() as session:
        session["login_token"] = "guessed"

    assert not _signed_in(client)
