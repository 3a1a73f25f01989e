"""Admins manage accounts: create, change role and scope, disable, reset passwords; all audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.factories import TEST_PASSWORD
from tests.support.pages import errors, input_value, texts
from training.extensions import db
from training.models import AuditEvent, LoginSession, User

NEW_PASSWORD = "ankang tea garden"


@pytest.fixture
def admin(auth) -> User:
    return auth.login("admin")


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _new_account(client, **fields):
    data = {
        "username": "li.hua",
        "display_name": "李华",
        "role": "coordinator",
        "county_code": "610924",
        "password": NEW_PASSWORD,
    }
    data.update(fields)
    return client.submit("/admin/users/new", data)


def _edit(client, user: User, **fields):
    data = {
        "display_name": user.display_name,
        "role": user.role,
        "county_code": user.county_code or "",
        "active": "y" if user.active else "",
    }
    data.update(fields)
    return client.submit(f"/admin/users/{user.id}", {k: v for k, v in data.items() if v != ""})


def _sessions_alive(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    )


# --- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "trainer"])
def test_staff_who_are_not_admins_get_403_on_the_accounts_page(client, auth, role):
    user = auth.login(role)

    assert client.get("/admin/users").status_code == 403
    (event,) = _events("access_denied")
    assert event.actor_id == user.id


def test_a_trainee_gets_404_on_the_accounts_page(client, auth, make):
    auth.login(make.trainee_user())

    assert client.get("/admin/users").status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/admin/users")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_accounts_page_lists_accounts_and_filters_by_role(client, admin, make):
    make.user("trainer", username="zhang.trainer")
    make.user("coordinator", username="wu.coordinator")
    db.session.commit()

    page = client.get("/admin/users?role=trainer").get_data(as_text=True)

    assert "zhang.trainer" in page
    assert "wu.coordinator" not in page


# --- creating --------------------------------------------------------------------------


def test_an_admin_creates_a_county_coordinator(client, admin):
    response = _new_account(client)

    assert response.status_code == 302
    user = _user("li.hua")
    assert (user.role, user.county_code, user.display_name, user.active) == ("coordinator", "610924", "李华", True)
    assert user.password_hash.startswith("$argon2id$")
    (event,) = _events("user_created")
    assert (event.actor_id, event.entity_id) == (admin.id, str(user.id))
    assert event.before is None
    assert event.after == {
        "username": "li.hua",
        "display_name": "李华",
        "role": "coordinator",
        "county_code": "610924",
        "active": True,
    }
    assert NEW_PASSWORD not in str(event.after)


def test_the_new_account_can_sign_in(app, client, admin, make):
    _new_account(client, role="trainer")
    other = app.test_client()

    response = other.submit("/login", {"username": "li.hua", "password": NEW_PASSWORD})

    assert response.status_code == 302


@pytest.mark.parametrize("password", ["short", "password", "12345678", "qwerty123"])
def test_a_weak_password_is_refused_and_the_form_keeps_the_username(client, admin, password):
    response = _new_account(client, password=password)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(errors(page)) == 1
    assert input_value(page, "username") == "li.hua"
    assert _user("li.hua") is None
    assert _events("user_created") == []


def test_a_taken_username_is_refused_whatever_its_case(client, admin, make):
    make.user("trainer", username="Li.Hua")
    db.session.commit()

    response = _new_account(client)

    assert response.status_code == 200
    assert len(errors(response.get_data(as_text=True))) == 1
    assert db.session.scalar(select(func.count()).select_from(User).where(func.lower(User.username) == "li.hua")) == 1


@pytest.mark.parametrize(
    "fields",
    [{"role": "admin"}, {"role": "trainee"}, {"county_code": "999999"}, {"role": "superuser"}, {"username": "李 华"}],
    ids=["admin-with-county", "trainee-with-county", "unknown-county", "unknown-role", "bad-username"],
)
def test_an_account_outside_the_rules_is_refused(client, admin, fields):
    response = _new_account(client, **fields)

    assert response.status_code == 200
    assert len(errors(response.get_data(as_text=True))) >= 1
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # the admin


def test_creating_an_account_without_a_csrf_token_is_refused(client, admin):
    response = client.post("/admin/users/new", data={"username": "li.hua", "role": "trainer", "password": NEW_PASSWORD})

    assert response.status_code == 400
    assert _user("li.hua") is None


# --- editing ---------------------------------------------------------------------------


def test_an_admin_changes_role_and_county_and_the_change_is_audited(app, client, admin, make):
    user = make.user("trainer", county_code="610924")
    db.session.commit()

    response = _edit(client, user, role="coordinator", county_code="610929")

    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.role, user.county_code) == ("coordinator", "610929")
    (event,) = _events("user_updated")
    assert event.actor_id == admin.id
    assert (event.before["role"], event.before["county_code"]) == ("trainer", "610924")
    assert (event.after["role"], event.after["county_code"]) == ("coordinator", "610929")


def test_a_change_of_scope_signs_the_account_out(app, client, admin, make):
    user = make.user("coordinator", county_code="610924")
    db.session.commit()
    AuthActions(app.test_client(), make).login(user)

    _edit(client, user, county_code="610929")

    assert _sessions_alive(user) == 0


def test_saving_an_account_unchanged_writes_no_audit_event_and_keeps_its_sessions(app, client, admin, make):
    user = make.user("coordinator", county_code="610924")
    db.session.commit()
    AuthActions(app.test_client(), make).login(user)

    assert _edit(client, user).status_code == 302
    assert _events("user_updated") == []
    assert _sessions_alive(user) == 1


def test_disabling_an_account_ends_its_sessions_and_is_audited(app, client, admin, make):
    user = make.user("trainer")
    db.session.commit()
    AuthActions(app.test_client(), make).login(user)

    _edit(client, user, active="")

    db.session.refresh(user)
    assert user.active is False
    assert _sessions_alive(user) == 0
    (event,) = _events("user_updated")
    assert (event.before["active"], event.after["active"]) == (True, False)


def test_a_disabled_account_can_be_enabled_again(client, admin, make):
    user = make.user("trainer", active=False)
    db.session.commit()

    _edit(client, user, active="y")

    db.session.refresh(user)
    assert user.active is True


@pytest.mark.parametrize("change", [{"active": ""}, {"role": "coordinator"}], ids=["disable", "demote"])
def test_the_last_active_admin_cannot_be_disabled_or_demoted(client, admin, make, change):
    make.user("admin", active=False)  # a disabled admin does not count
    db.session.commit()

    response = _edit(client, admin, **change)

    assert response.status_code == 200
    assert len(errors(response.get_data(as_text=True))) == 1
    db.session.refresh(admin)
    assert (admin.role, admin.active) == ("admin", True)
    assert _events("user_updated") == []
    assert client.get("/admin/users").status_code == 200


def test_an_admin_can_be_disabled_when_another_admin_remains(client, admin, make):
    other = make.user("admin")
    db.session.commit()

    _edit(client, other, active="")

    db.session.refresh(other)
    assert other.active is False


# --- password reset --------------------------------------------------------------------


def test_a_password_reset_sets_the_new_password_and_signs_out_everywhere(app, client, admin, make):
    user = make.user("trainer")
    db.session.commit()
    AuthActions(app.test_client(), make).login(user)

    response = client.submit(
        f"/admin/users/{user.id}/password", {"password": NEW_PASSWORD}, page=f"/admin/users/{user.id}"
    )

    assert response.status_code == 302
    assert _sessions_alive(user) == 0
    fresh = app.test_client()
    assert fresh.submit("/login", {"username": user.username, "password": TEST_PASSWORD}).status_code == 200
    assert fresh.submit("/login", {"username": user.username, "password": NEW_PASSWORD}).status_code == 302
    (event,) = _events("password_reset")
    assert (event.actor_id, event.entity_id) == (admin.id, str(user.id))
    assert event.before is not None and event.after is not None
    assert event.before != event.after
    assert NEW_PASSWORD not in str(event.after)


def test_a_weak_password_reset_is_refused_with_a_message(app, client, admin, make):
    user = make.user("trainer")
    db.session.commit()
    old_hash = user.password_hash

    response = client.submit(
        f"/admin/users/{user.id}/password",
        {"password": "12345678"},
        page=f"/admin/users/{user.id}",
        follow_redirects=True,
    )

    assert len(texts(response.get_data(as_text=True), "alert-danger")) == 1
    db.session.refresh(user)
    assert user.password_hash == old_hash
    assert _events("password_reset") == []
