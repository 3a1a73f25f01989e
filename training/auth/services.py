"""Password hashing and policy, authentication, and server-side login sessions."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import contains_eager

from training import audit
from training.exceptions import PasswordRejected
from training.extensions import db
from training.models import LoginSession, User, utcnow
from training.orm import prepared

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def _hasher() -> PasswordHasher:
    # argon2id with RFC 9106's low-memory profile; tests may ask for the cheapest one.
    if current_app.config.get("ARGON2_CHEAP"):
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    # The 10,000 most used passwords, plus ones popular in China that the list misses.
    chinese = {"5201314", "woaini1314", "woaini520", "qq123456", "a123456", "abc123456", "wangyang"}
    return frozenset(FREQUENCY_LISTS["passwords"][:10000]) | chinese


def check_password_policy(password: str, username: str = "") -> None:
    """Raise PasswordRejected when a password is too short, too long or too common."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected(_("The password may have at most %(n)d characters.", n=MAX_PASSWORD_LENGTH))
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(password)) < 3 or lowered == username.lower():
        raise PasswordRejected(_("This password is too common or too easy to guess; choose another."))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def set_password(user: User, password: str) -> None:
    """Check the policy and store the new hash; the caller ends other sessions."""
    check_password_policy(password, user.username)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


# Verifying against this when the user does not exist keeps both answers equally slow.
_DUMMY_HASH = None


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None, in constant-ish time."""
    global _DUMMY_HASH
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    hasher = _hasher()
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hasher.hash("not a real password")
        with contextlib.suppress(VerificationError):  # the same work as a wrong password: no timing oracle
            hasher.verify(_DUMMY_HASH, password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, ip: str | None, user_agent: str | None) -> str:
    """Record a new login session and return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token_hash=_digest(token), user=user, ip=ip, user_agent=(user_agent or "")[:200]))
    user.last_login_at = utcnow()
    audit.record("login", "user", user.id, actor_id=user.id, actor_name=user.username)
    return token


def end_session(token: str) -> None:
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == _digest(token), LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_all_sessions(user: User, keep_token: str | None = None) -> None:
    """Revoke every login session of a user (all but one, when keep_token is given)."""
    query = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    if keep_token:
        query = query.where(LoginSession.token_hash != _digest(keep_token))
    db.session.execute(query.values(revoked_at=utcnow()))


@prepared
def _user_and_login():
    # A trainee's record comes in the same statement: nearly every page a trainee opens needs it.
    return (
        select(User, LoginSession)
        .join(LoginSession, LoginSession.user_id == User.id)
        .outerjoin(User.trainee)
        .where(User.id == bindparam("user_id"), LoginSession.token_hash == bindparam("token_hash"))
        .options(contains_eager(User.trainee))
    )


def user_for_token(user_id: int, token: str, idle: timedelta, absolute_hours: int) -> User | None:
    """The user of a live login session, or None if it ended, idled out or is too old."""
    row = db.session.execute(_user_and_login(), {"user_id": user_id, "token_hash": _digest(token)}).first()
    if row is None:
        return None
    user, login = row
    now = utcnow()
    if (
        login.revoked_at is not None
        or not user.active
        or now - login.last_seen_at > idle
        or now - login.created_at > timedelta(hours=absolute_hours)
    ):
        return None
    if now - login.last_seen_at > LAST_SEEN_RESOLUTION:
        login.last_seen_at = now
    return user
