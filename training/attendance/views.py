"""The roster a trainer marks on a phone (and a coordinator corrects after the lock), the
rotating QR for self check-in, and the trainee's side of it: the scanned link and the code form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from training import navigation
from training.attendance import checkin, devices, position, queries, rules, services, signout
from training.attendance.devices import Device
from training.attendance.forms import (
    CheckinCodeForm,
    ConsentForm,
    ConsentWithdrawForm,
    PositionForm,
    RosterForm,
    SignoutConfirmForm,
    posted_marks,
    ticked_enrollments,
)
from training.attendance.position import SelfMarkContext
from training.attendance.services import AlreadyCheckedIn, CheckinRefused, MarkingRefused, status_label
from training.attendance.signout import SelfMark
from training.extensions import db, limiter
from training.models import ClassSession, MarkMethod, Role, utcnow
from training.permissions import require_cohort, roles_required
from training.web import add_error

bp = Blueprint("attendance", __name__)
navigation.add([Role.TRAINEE], "attendance.checkin_code", _l("Check in"), order=5)
MARKERS = (Role.TRAINER, Role.COORDINATOR, Role.ADMIN)


def _session_in_scope(session_id: int) -> ClassSession:
    """The session, if the user teaches its cohort or coordinates it; else 404 / 403 with an audit event."""
    session = queries.class_session(session_id)
    if session is None:
        abort(404)
    require_cohort(session.cohort_id)
    return session


def _window() -> int:
    return checkin.window_at(utcnow(), current_app.config["CHECKIN_ROTATE_SECONDS"])


def _times() -> rules.CheckinTimes:
    return rules.CheckinTimes.from_config(current_app.config)


def _done_message(mark: SelfMark) -> str:
    if mark == SelfMark.SIGNED_OUT:
        return _("You are signed out. Thank you, see you next class!")
    return _("You are checked in. Welcome!")


def _conflict_message(conflict: services.Conflict) -> str:
    current = conflict.current
    return _(
        "%(name)s was changed by %(by)s at %(time)s to %(status)s; your %(yours)s was not saved.",
        name=conflict.name,
        by=current.by or "?",
        time=format_time(current.at, "short") if current.at else "?",
        status=status_label(current.status),
        yours=status_label(conflict.yours),
    )


@bp.route("/sessions/<int:session_id>/roster", methods=["GET", "POST"])
@roles_required(*MARKERS)
def roster(session_id: int):
    session = _session_in_scope(session_id)
    form = RosterForm()
    if form.validate_on_submit():
        posted = posted_marks(request.form, all_present="all_present" in request.form)
        try:
            outcome = services.save_marks(
                session,
                posted,
                user_id=current_user.id,
                role=current_user.role,
                now=utcnow(),
                lock_hours=current_app.config["ATTENDANCE_LOCK_HOURS"],
                reason=form.reason.data,
            )
        except MarkingRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
            # Shown as posted, so a coordinator who forgot the reason need not tap everything again.
            return render_template("attendance/roster.html", **_roster_context(session, form, posted)), 409
        session_id = session.id  # read before the commit expires it
        db.session.commit()
        _flash_outcome(outcome)
        return redirect(
            url_for(".roster", session_id=session_id, conflict=[c.enrollment_id for c in outcome.conflicts])
        )
    return render_template("attendance/roster.html", **_roster_context(session, form))


@bp.post("/sessions/<int:session_id>/signouts")
@roles_required(*MARKERS)
def confirm_signouts(session_id: int):
    """The trainer confirms, with a reason, the sign-out of trainees who signed in but not out."""
    session = _session_in_scope(session_id)
    form = SignoutConfirmForm()
    if form.validate_on_submit():
        try:
            confirmed = signout.confirm_sign_outs(
                session,
                ticked_enrollments(request.form),
                user_id=current_user.id,
                role=current_user.role,
                now=utcnow(),
                lock_hours=current_app.config["ATTENDANCE_LOCK_HOURS"],
                times=_times(),
                reason=form.reason.data,
            )
        except MarkingRefused as refusal:
            db.session.rollback()
            add_error(form.reason, str(refusal))
        else:
            session_id = session.id  # read before the commit expires it
            db.session.commit()
            flash(_("Sign-out confirmed: %(n)d trainee(s).", n=confirmed), "success")
            return redirect(url_for(".roster", session_id=session_id))
    context = _roster_context(session, RosterForm(formdata=None)) | {"signout_form": form}
    return render_template("attendance/roster.html", **context), 400


def _flash_outcome(outcome: services.SaveOutcome) -> None:
    flash(_("Saved: %(n)d change(s).", n=outcome.saved) if outcome.saved else _("Nothing changed."), "success")
    for conflict in outcome.conflicts:
        flash(_conflict_message(conflict), "warning")


def _roster_context(session: ClassSession, form: RosterForm, posted: Sequence[rules.PostedMark] = ()) -> dict:
    rows = queries.roster_rows(session)
    chosen = {mark.enrollment_id: mark.status for mark in posted if mark.status}
    lock_hours, now = current_app.config["ATTENDANCE_LOCK_HOURS"], utcnow()
    phase = rules.marking_phase(session.starts_at, session.ends_at, now, lock_hours)
    correcting = phase == rules.Phase.LOCKED and rules.may_correct(current_user.role)
    editable = phase == rules.Phase.OPEN or correcting
    return _signout_context(session, rows, now, editable) | dict(
        session=session,
        rows=rows,
        form=form,
        phase=phase,
        correcting=correcting,
        editable=editable,
        chosen=chosen,
        loaded={mark.enrollment_id: (mark.loaded_status, mark.loaded_version) for mark in posted},
        counts=rules.counts(chosen.get(r.enrollment_id, r.status) for r in rows),
        locks_at=rules.locks_at(session.ends_at, lock_hours),
        statuses=rules.STATUSES,
        checkin_over=now > session.ends_at,
        # Plain strings: a lazy label would be translated again for each of the 4 × 60 radios.
        labels={status: status_label(status) for status in rules.STATUSES},
        conflicts={int(i) for i in request.args.getlist("conflict") if i.isdigit()},
        # One statement for the whole roster: trainees whose self-mark came from a phone used for another.
        shared_phone=set().union(*devices.shared_devices(session.id).values()),
    )


def _signout_context(session: ClassSession, rows: list[queries.RosterRow], now, editable: bool) -> dict:
    """Under two marks: each line's late sign-in and early sign-out, and who may still be confirmed."""
    if not session.cohort.course.signs_out:
        return {"signs_out": False}
    opens = rules.signout_opens(session.starts_at, session.ends_at, _times().signout_minutes)
    self_marked = (MarkMethod.QR, MarkMethod.CODE)
    return {
        "signs_out": True,
        "late": {r.enrollment_id: rules.minutes_late(session.starts_at, r.at) for r in rows if r.method in self_marked},
        "early": {
            r.enrollment_id: rules.minutes_early(session.ends_at, r.signed_out_at)
            for r in rows
            if r.signout_method in self_marked
        },
        "awaiting": [r for r in rows if r.awaits_signout] if editable and now >= opens else [],
        "signout_form": SignoutConfirmForm(formdata=None),
    }


@bp.get("/sessions/<int:session_id>/roster.json")
@roles_required(*MARKERS)
def roster_json(session_id: int):
    session = _session_in_scope(session_id)
    response = jsonify(queries.session_json(queries.roster_rows(session)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/sessions/<int:session_id>/checkin-qr")
@roles_required(*MARKERS)
def checkin_qr(session_id: int):
    session = _session_in_scope(session_id)
    times = _times()
    return render_template(
        "attendance/checkin_qr.html",
        session=session,
        qr=_qr_state(session),
        opens_before=timedelta(minutes=times.opens_minutes),
        signout_opens=rules.signout_opens(session.starts_at, session.ends_at, times.signout_minutes),
        signout_closes=rules.signout_closes(session.ends_at, times.grace_minutes),
        plain_page=True,
    )


@bp.get("/sessions/<int:session_id>/checkin-qr.json")
@roles_required(*MARKERS)
def checkin_qr_json(session_id: int):
    response = jsonify(_qr_state(_session_in_scope(session_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


def _qr_state(session: ClassSession) -> dict[str, object]:
    """The QR and code of the current window, while check-in is open, whether the class is over, and the counter."""
    now, config, times = utcnow(), current_app.config, _times()
    phase = queries.phase_of(session, now, times)
    is_open = phase != rules.CheckinPhase.CLOSED
    closes = rules.signout_closes(session.ends_at, times.grace_minutes) if session.cohort.course.signs_out else None
    attended, total = queries.tally(session)
    state: dict[str, object] = {
        "open": is_open,
        "phase": phase.value,
        "ended": now > (closes or session.ends_at),
        "attended": attended,
        "total": total,
        "seconds_left": checkin.seconds_left(now, config["CHECKIN_ROTATE_SECONDS"]),
    }
    if is_open:
        window = checkin.window_at(now, config["CHECKIN_ROTATE_SECONDS"])
        url = url_for(
            ".checkin_token", token=checkin.make_token(config["SECRET_KEY"], session.id, window), _external=True
        )
        state |= {
            "window": window,
            "url": url,
            "code": checkin.make_code(config["SECRET_KEY"], session.id, window),
            "svg": segno.make(url, error="m").svg_data_uri(scale=8, border=2, dark="#000", light="#fff"),
        }
    return state


TOKEN_MESSAGES = {
    checkin.TokenProblem.INVALID: lambda: _("This check-in code is not valid. Scan the code on the trainer's screen."),
    checkin.TokenProblem.EXPIRED: lambda: _(
        "This check-in code has expired. Scan the code on the trainer's screen again, or type the 6-digit number."
    ),
}


@bp.route("/checkin/<token>", methods=["GET", "POST"])
@login_required
def checkin_token(token: str):
    """Where the QR leads: a trainee who holds a place is marked present. With their consent to the
    position, the GET is a page whose script asks the browser for it and posts it back here."""
    device = _device()
    if current_user.role != Role.TRAINEE or current_user.trainee_id is None:
        return _checkin_result(None, _("Only trainees check in. Sign in with the trainee's own account."), 403, device)
    try:
        session_id = checkin.read_token(current_app.config["SECRET_KEY"], token, _window())
    except checkin.TokenRejected as rejected:
        return _checkin_result(None, TOKEN_MESSAGES[rejected.problem](), 400, device)
    session = queries.class_session(session_id)
    if session is None:
        return _checkin_result(None, TOKEN_MESSAGES[checkin.TokenProblem.INVALID](), 400, device)
    form = PositionForm()
    if _consented() and request.method == "GET":
        return _with_device(render_template("attendance/checkin_locate.html", form=form, token=token), device)
    # A post the form refuses (its CSRF token lost with the cookies, say) checks in without a
    # position rather than asking again: the page would post itself over and over.
    posted = form.validate_on_submit()
    try:
        mark = signout.mark_self(
            session,
            current_user.trainee_id,
            current_user.id,
            MarkMethod.QR,
            utcnow(),
            _times(),
            _context(form if posted else None, device),
        )
    except AlreadyCheckedIn as already:
        return _checkin_result(session, str(already), 200, device, ok=True)
    except CheckinRefused as refusal:
        db.session.rollback()
        return _checkin_result(None, str(refusal), 400, device)
    db.session.commit()
    return _checkin_result(session, _done_message(mark), 200, device, ok=True)


def _consented() -> bool:
    return current_user.position_consent_at is not None


def _device() -> Device:
    return devices.read_device(current_app.config["SECRET_KEY"], request.cookies.get(devices.COOKIE_NAME))


def _context(form: PositionForm | None, device: Device) -> SelfMarkContext:
    """What the check-in record keeps: the position posted with a valid form, with consent only."""
    consented = _consented()
    posted = form.posted_position() if consented and form is not None else {}
    return SelfMarkContext(consented, posted, device.id, device.forged)


def _with_device(page, device: Device, status: int = 200):
    """The response, setting the phone's device cookie when it had none (or a forged one)."""
    response = make_response(page, status)
    if device.new:
        response.set_cookie(
            devices.COOKIE_NAME,
            devices.device_cookie(current_app.config["SECRET_KEY"], device),
            max_age=devices.COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE") or request.is_secure),
        )
    return response


def _checkin_result(session: ClassSession | None, message: str, status: int, device: Device, ok: bool = False):
    page = render_template(
        "attendance/checkin_result.html",
        session=session,
        message=message,
        ok=ok,
        ask_consent=ok and current_user.position_consent_at is None,
    )
    return _with_device(page, device, status)


def _checkin_failed(response) -> bool:
    return response.status_code >= 400


def _per_user() -> str:
    return f"checkin-code:{current_user.id}" if current_user.is_authenticated else f"checkin-code:{request.remote_addr}"


@bp.route("/checkin", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["CHECKIN_CODE_LIMIT"], key_func=_per_user, methods=["POST"], deduct_when=_checkin_failed
)
@roles_required(Role.TRAINEE)
def checkin_code():
    """For a camera that cannot read the QR: type the number shown beside it."""
    form, device = CheckinCodeForm(), _device()
    if not form.validate_on_submit():
        return _code_page(form, 400 if form.errors else 200, device)
    assert form.code.data is not None  # DataRequired
    try:
        session, mark = signout.mark_self_by_code(
            current_user.trainee_id or 0,
            current_user.id,
            form.code.data,
            utcnow(),
            secret_key=current_app.config["SECRET_KEY"],
            window=_window(),
            times=_times(),
            context=_context(form, device),
        )
    except AlreadyCheckedIn as already:
        return _checkin_result(None, str(already), 200, device, ok=True)
    except CheckinRefused as refusal:
        db.session.rollback()
        add_error(form.code, str(refusal))
        return _code_page(form, 400, device)
    db.session.commit()
    return _checkin_result(session, _done_message(mark), 200, device, ok=True)


def _code_page(form: CheckinCodeForm, status: int, device: Device):
    """The code form, worded for signing out when one of the trainee's classes is in its last minutes."""
    now, times = utcnow(), _times()
    sessions = queries.open_sessions_for(current_user.trainee_id or 0, now, times)
    signing_out = any(queries.phase_of(s, now, times) == rules.CheckinPhase.SIGN_OUT for s in sessions)
    page = render_template(
        "attendance/checkin_code.html", form=form, signing_out=signing_out, ask_position=_consented()
    )
    return _with_device(page, device, status)


@bp.route("/me/position-consent", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def position_consent():
    """The one-time consent page: why the position is asked, what is kept and for how long."""
    form = ConsentForm()
    if form.validate_on_submit():
        position.give_consent(current_user, utcnow())
        db.session.commit()
        flash(_("Thank you. Your position will be checked at your next self check-in."), "success")
        return redirect(url_for("main.me"))
    keep_days = current_app.config["CHECKIN_POSITION_KEEP_DAYS"]
    return render_template("attendance/position_consent.html", form=form, keep_days=keep_days)


@bp.post("/me/position-consent/withdraw")
@roles_required(Role.TRAINEE)
def withdraw_position_consent():
    if ConsentWithdrawForm().validate_on_submit():
        position.withdraw_consent(current_user, utcnow())
        db.session.commit()
        flash(_("Your position will no longer be asked at check-in."), "success")
    return redirect(url_for("main.me"))
