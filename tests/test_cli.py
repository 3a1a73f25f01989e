"""Command line: create-user reads the password from stdin and never echoes it; seed-demo is idempotent."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from training.extensions import db
from training.models import AuditEvent, Cohort, Course, Enrollment, Trainee, User

PASSWORD = "ankang tea garden"


def _create_user(runner, *args, password=PASSWORD):
    return runner.invoke(args=["create-user", *args, "--password-stdin"], input=password + "\n")


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def test_create_user_makes_an_account_with_an_argon2id_hash(runner):
    result = _create_user(runner, "zhao.coord", "--role", "coordinator", "--county", "610924", "--name", "赵协调")

    assert result.exit_code == 0, result.output
    user = _user("zhao.coord")
    assert (user.role, user.county_code, user.display_name) == ("coordinator", "610924", "赵协调")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in result.output


def test_the_created_account_can_sign_in_with_the_password_from_stdin(runner, client):
    _create_user(runner, "first.admin", "--role", "admin")

    response = client.submit("/login", {"username": "first.admin", "password": PASSWORD})

    assert response.status_code == 302


def test_create_user_audits_the_creation_as_the_system(runner):
    _create_user(runner, "first.admin", "--role", "admin")

    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user_created")).all()
    assert (event.actor_id, event.actor_name) == (None, "system")


@pytest.mark.parametrize("password", ["12345678", "qwerty123", "short"])
def test_create_user_refuses_a_weak_password_without_printing_it(runner, password):
    result = _create_user(runner, "zhao.coord", "--role", "coordinator", password=password)

    assert result.exit_code != 0
    assert "Error" in result.output
    assert password not in result.output
    assert _user("zhao.coord") is None


def test_create_user_refuses_an_unknown_county(runner):
    result = _create_user(runner, "zhao.coord", "--role", "coordinator", "--county", "999999")

    assert result.exit_code != 0
    assert "999999" in result.output
    assert _user("zhao.coord") is None


def test_create_user_refuses_a_taken_username(runner, make):
    make.user("trainer", username="zhao.coord")
    db.session.commit()

    result = _create_user(runner, "Zhao.Coord", "--role", "coordinator")

    assert result.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_create_user_refuses_an_unknown_role(runner):
    result = _create_user(runner, "zhao.coord", "--role", "superuser")

    assert result.exit_code == 2
    assert _user("zhao.coord") is None


def test_create_user_insists_on_reading_the_password_from_stdin(runner):
    result = runner.invoke(args=["create-user", "zhao.coord", "--role", "admin"], input=PASSWORD + "\n")

    assert result.exit_code == 2
    assert _user("zhao.coord") is None


# --- demo data -------------------------------------------------------------------------


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Course, Cohort, Trainee, Enrollment)
    }


def test_seed_demo_is_idempotent_and_keeps_the_logins_private(app, runner):
    logins = Path(app.instance_path) / "demo-logins.txt"
    logins.unlink(missing_ok=True)

    first = runner.invoke(args=["seed-demo"])
    counts = _counts()
    second = runner.invoke(args=["seed-demo"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert _counts() == counts
    assert counts["User"] > 0 and counts["Cohort"] > 0 and counts["Enrollment"] > 0
    assert stat.S_IMODE(logins.stat().st_mode) == 0o600
    assert first.output == second.output  # the same logins, with the same passwords


def test_the_demo_logins_work(app, runner, client):
    (Path(app.instance_path) / "demo-logins.txt").unlink(missing_ok=True)
    runner.invoke(args=["seed-demo"])
    rows = [line.split() for line in (Path(app.instance_path) / "demo-logins.txt").read_text().splitlines()]
    role, username, password = next(row for row in rows if row[0] == "coordinator")

    response = client.submit("/login", {"username": username, "password": password})

    assert response.status_code == 302
