"""Signing in and out, server-side login sessions, passwords."""

from __future__ import annotations

from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from training.auth import services
from training.extensions import db


def configure_login_manager(manager: LoginManager) -> None:
    manager.login_view = "auth.login"
    manager.login_message = _l("Please sign in to continue.")
    manager.login_message_category = "info"
    manager.session_protection = None  # our own LoginSession rows do the job, server-side

    @manager.user_loader
    def load_user(user_id: str):
        token = session.get("login_token")
        if not token or not user_id.isdigit():
            return None
        user = services.user_for_token(
            int(user_id),
            token,
            idle=current_app.permanent_session_lifetime,
            absolute_hours=current_app.config["SESSION_ABSOLUTE_HOURS"],
        )
        if db.session.dirty:  # last_seen_at moved on; loaded before any view work
            db.session.commit()
        return user
