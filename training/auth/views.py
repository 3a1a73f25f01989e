"""Sign in, sign out and change one's own password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from training import audit
from training.auth import services
from training.auth.forms import LoginForm, PasswordChangeForm
from training.exceptions import PasswordRejected
from training.extensions import db, limiter
from training.web import add_error, asks_for_nobody, client_ip, safe_next

bp = Blueprint("auth", __name__)


@bp.before_app_request
def remember_the_actor() -> None:
    """Audit events written during this request name the signed-in user and the client's address."""
    if asks_for_nobody():
        return
    if current_user.is_authenticated:
        audit.set_actor(current_user.id, current_user.username, client_ip())
    else:
        audit.set_actor(None, "anonymous", client_ip())


def _login_failed(response) -> bool:
    # The form shown again means a refused attempt; a 429 is not an attempt of its own.
    return response.status_code == 200 and request.method == "POST"


def _account_key() -> str:
    return "login-account:" + (request.form.get("username") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_login_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        assert form.username.data is not None and form.password.data is not None  # DataRequired
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session at every sign-in
            token = services.start_session(user, client_ip(), request.user_agent.string)
            db.session.commit()
            login_user(user)
            session["login_token"] = token
            session.permanent = True
            return redirect(safe_next(url_for("main.home")))
        audit.record("login_failed", "user", after={"username": form.username.data.strip()[:64]})
        db.session.commit()
        add_error(form.password, _("Wrong username or password."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    token = session.get("login_token")
    if token:
        services.end_session(token)
    audit.record("logout", "user", current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=lambda: f"password-change:{current_user.id}",
    methods=["POST"],
    deduct_when=_login_failed,
)
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        assert form.current_password.data is not None and form.new_password.data is not None  # DataRequired
        if services.authenticate(current_user.username, form.current_password.data) is None:
            add_error(form.current_password, _("The current password is not right."))
        else:
            try:
                services.set_password(current_user, form.new_password.data)
            except PasswordRejected as refusal:
                add_error(form.new_password, str(refusal))
            else:
                services.end_all_sessions(current_user, keep_token=session.get("login_token"))
                audit.record("password_changed", "user", current_user.id)
                db.session.commit()
                flash(_("Your password has been changed; other devices were signed out."), "success")
                return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
