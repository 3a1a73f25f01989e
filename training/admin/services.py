"""Account management: create, change role and scope, disable, reset password. Every change is audited."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from training import audit
from training.auth.services import end_all_sessions, set_password
from training.exceptions import DomainError
from training.extensions import db
from training.models import County, Role, User

USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")


class AccountRefused(DomainError):
    pass


def _snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "county_code": user.county_code,
        "active": user.active,
    }


def _check_scope(role: str, county_code: str | None) -> None:
    if role not in set(Role):
        raise AccountRefused(_("Unknown role."))
    if county_code and db.session.get(County, county_code) is None:
        raise AccountRefused(_("Unknown county code %(code)s.", code=county_code))
    if county_code and role in (Role.ADMIN, Role.TRAINEE, Role.REVIEWER):
        raise AccountRefused(_("Only coordinators and trainers have a county scope."))


def create_user(
    username: str, password: str, role: str, county_code: str | None = None, display_name: str = ""
) -> User:
    """A new account; refuses taken or malformed usernames and weak passwords."""
    username = username.strip()
    if not USERNAME.match(username):
        raise AccountRefused(_("A username has 3 to 64 letters, digits, dots, dashes or underscores."))
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise AccountRefused(_("The username %(name)s is taken.", name=username))
    _check_scope(role, county_code or None)
    user = User(username=username, role=role, county_code=county_code or None, display_name=display_name.strip())
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", "user", user.id, after=_snapshot(user))
    return user


def _would_remove_last_admin(user: User, role: str, active: bool) -> bool:
    if user.role != Role.ADMIN or (role == Role.ADMIN and active):
        return False
    others = db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active, User.id != user.id)
    )
    return others == 0


def update_user(user: User, *, display_name: str, role: str, county_code: str | None, active: bool) -> None:
    """Change an account; disabling it signs it out everywhere at once."""
    _check_scope(role, county_code or None)
    if _would_remove_last_admin(user, role, active):
        raise AccountRefused(_("The last active administrator cannot be disabled or demoted."))
    before = _snapshot(user)
    user.display_name, user.role, user.county_code, user.active = (
        display_name.strip(),
        role,
        county_code or None,
        active,
    )
    after = _snapshot(user)
    if before == after:
        return
    if not active or before["role"] != role or before["county_code"] != user.county_code:
        end_all_sessions(user)
    audit.record("user_updated", "user", user.id, before=before, after=after)


def reset_password(user: User, password: str) -> None:
    """Set a new password chosen by an admin and sign the account out everywhere."""
    before = {"password_changed_at": user.password_changed_at.isoformat()}
    set_password(user, password)
    end_all_sessions(user)
    after = {"password_changed_at": user.password_changed_at.isoformat()}
    audit.record("password_reset", "user", user.id, before=before, after=after)
