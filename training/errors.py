"""Error pages in the user's language; a failed request never leaves a half-done transaction."""
from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError

from training.extensions import db, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You do not have permission to open this page."),
    404: ("Not found", "This page does not exist, or you may not see it."),
    405: ("Not allowed", "This action is not available here."),
    413: ("File too large", "The file is larger than allowed."),
    429: ("Too many attempts", "Too many attempts. Please wait a few minutes and try again."),
    500: ("Something went wrong", "The server made an error. Nothing was saved; please try again."),
    503: ("Service unavailable", "The database cannot be reached right now. Please try again shortly."),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES[code]
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": _(title), "message": detail or _(message)}, code
    return render_template("errors/error.html", code=code, title=_(title), message=detail or _(message)), code


def too_many_attempts(error):
    if request.endpoint == "auth.login":
        from training.auth.forms import LoginForm

        page = render_template("auth/login.html", form=LoginForm(), throttled=_(MESSAGES[429][1]))
        return page, 429
    return render_error(429)


def register(app: Flask) -> None:
    app.register_error_handler(429, too_many_attempts)
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, lambda error, code=code: render_error(code))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("The form expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        db.session.rollback()
        g._login_user = login_manager.anonymous_user()  # the page must not ask the database who is signed in
        log.error("database unavailable: %s", type(error.orig).__name__)
        return render_error(503)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        original = getattr(error, "original_exception", None)
        if isinstance(original, DBAPIError) and original.connection_invalidated:
            return render_error(503)
        return render_error(500)
