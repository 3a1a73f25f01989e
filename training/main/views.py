"""Home pages per role, the trainee's own page, language switch and health check."""

from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from training import navigation
from training.attendance import warnings as absence
from training.claims.pages import waiting_for_review
from training.completion import format_score
from training.extensions import db
from training.i18n import LANG_COOKIE
from training.main import home as home_pages
from training.main import me as me_page
from training.models import Role, utcnow
from training.permissions import roles_required
from training.web import safe_next

bp = Blueprint("main", __name__)


def _local_day_start() -> datetime:
    now_local = utcnow().astimezone(get_timezone())
    return datetime.combine(now_local.date(), time.min, tzinfo=now_local.tzinfo)


navigation.add([Role.ADMIN, Role.COORDINATOR, Role.REVIEWER], "main.home", _l("Home"), order=0)
navigation.add([Role.TRAINER], "main.home", _l("Today"), order=0)
navigation.add([Role.TRAINEE], "main.me", _l("My training"), order=0)


@bp.get("/")
@login_required
def home():
    role = current_user.role
    if role == Role.TRAINEE:
        return redirect(url_for("main.me"))
    if role == Role.TRAINER:
        lock_hours = current_app.config["ATTENDANCE_LOCK_HOURS"]
        day = home_pages.trainer_day(current_user, _local_day_start(), lock_hours)
        return render_template("main/home_trainer.html", day=day, now=utcnow())
    if role == Role.REVIEWER:
        return render_template("main/home_reviewer.html", waiting=waiting_for_review(current_user))
    if role == Role.COORDINATOR:
        overview = home_pages.coordinator_overview(current_user, utcnow())
        return render_template("main/home_coordinator.html", overview=overview)
    return render_template("main/home_admin.html", accounts=home_pages.accounts_by_role())


@bp.get("/me")
@roles_required(Role.TRAINEE)
def me():
    """The trainee's own page: no ids in the URL, nothing but their own records."""
    trainee, now = current_user.trainee, utcnow()
    opens = current_app.config["CHECKIN_OPENS_MINUTES"]
    page = me_page.trainee_page(trainee.id, now, opens, absence.in_a_row()) if trainee else None
    upcoming = page.next_session if page else None
    return render_template(
        "main/me.html",
        trainee=trainee,
        page=page,
        job=page.job if page else None,
        number=format_score,
        now=now,
        day_word=_day_word(upcoming.starts_at, now) if upcoming else None,
        checkin_url=url_for("attendance.checkin_code") if page and page.checkin_open else None,
        apply_url=url_for("enrollment.open_classes"),
    )


def _day_word(starts_at: datetime, now: datetime) -> str | None:
    """The words today or tomorrow for a class on those local days: easier to read than a date."""
    timezone = get_timezone()
    days = (starts_at.astimezone(timezone).date() - now.astimezone(timezone).date()).days
    return {0: _("Today"), 1: _("Tomorrow")}.get(days)


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale != lang:
        current_user.locale = lang
        db.session.commit()
    response = make_response(redirect(safe_next(url_for("main.home"))))
    response.set_cookie(
        LANG_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="Lax", secure=request.is_secure
    )
    return response


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable", "reason": type(error).__name__}, 503
    return {"status": "ok", "database": "ok"}
