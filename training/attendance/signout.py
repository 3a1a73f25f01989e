"""Sign-out (签退) under a two-mark course, and the one way in for a trainee's own scan or code:
it signs in or out by the session's phase (rules.checkin_phase). Services never commit.

- A trainee signs out of a session they signed in to (present or late) in its sign-out phase, by
  one UPDATE that only writes a row not signed out yet: two taps, or two phones, sign out once.
  A sign-out without a sign-in writes nothing and tells the trainee to see the trainer, whose
  roster still takes them.
- The trainer (a coordinator after the lock) confirms on the roster the sign-out of trainees who
  signed in without one, with a reason kept on the row and in each audit event.
- A sign-out never bumps the row's version: that guards the roster's status marks, and a trainer's
  open roster page must not see a conflict because someone signed out.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import NoReturn

from flask_babel import format_datetime, format_time
from flask_babel import gettext as _
from sqlalchemy import select, update

from training import audit
from training.attendance import checkin, position, queries, rules, services
from training.attendance.position import SelfMarkContext
from training.attendance.rules import CheckinPhase, CheckinTimes
from training.attendance.services import AlreadyCheckedIn, CheckinRefused, MarkingRefused, status_label
from training.extensions import db
from training.models import ATTENDED, Attendance, CheckinKind, ClassSession, MarkMethod


class AlreadySignedOut(AlreadyCheckedIn):
    pass


class SelfMark(enum.StrEnum):
    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"


def mark_self(
    session: ClassSession,
    trainee_id: int,
    user_id: int,
    method: str,
    now: datetime,
    times: CheckinTimes,
    context: SelfMarkContext | None = None,
) -> SelfMark:
    """A trainee's own scan or code: a sign-in, or in a two-mark session's last minutes a sign-out.
    With a context (the views always give one), the mark gets its check-in record: position, device."""
    course = session.cohort.course
    phase = queries.phase_of(session, now, times)
    if phase == CheckinPhase.SIGN_OUT:
        mark_id = sign_out(session, trainee_id, user_id, method, now)
        if context is not None:
            position.record_self_mark(mark_id, session, CheckinKind.SIGN_OUT, method, now, context)
        return SelfMark.SIGNED_OUT
    if phase == CheckinPhase.CLOSED and course.signs_out:
        opens = rules.signout_opens(session.starts_at, session.ends_at, times.signout_minutes)
        raise CheckinRefused(
            _(
                "Sign-in for this class is open from %(start)s, sign-out from %(signout)s until %(end)s.",
                start=format_datetime(session.starts_at - timedelta(minutes=times.opens_minutes), "short"),
                signout=format_time(opens, "short"),
                end=format_time(rules.signout_closes(session.ends_at, times.grace_minutes), "short"),
            )
        )
    mark_id = services.check_in(session, trainee_id, user_id, method, now, times.opens_minutes)
    if context is not None:
        position.record_self_mark(mark_id, session, CheckinKind.SIGN_IN, method, now, context)
    return SelfMark.SIGNED_IN


def mark_self_by_code(
    trainee_id: int,
    user_id: int,
    code: str,
    now: datetime,
    *,
    secret_key: str,
    window: int,
    times: CheckinTimes,
    context: SelfMarkContext | None = None,
) -> tuple[ClassSession, SelfMark]:
    """mark_self in whichever of the trainee's sessions open now the typed code belongs to."""
    sessions = queries.open_sessions_for(trainee_id, now, times)
    if not sessions:
        raise CheckinRefused(_("None of your classes is open for check-in right now."))
    for session in sessions:
        if checkin.code_matches(secret_key, session.id, code, window):
            return session, mark_self(session, trainee_id, user_id, MarkMethod.CODE, now, times, context)
    raise CheckinRefused(_("This code is not right. Look at the number on the trainer's screen and try again."))


def sign_out(session: ClassSession, trainee_id: int, user_id: int, method: str, now: datetime) -> int:
    """Record the trainee's own sign-out, once, over their sign-in; CheckinRefused says why not. The mark's id."""
    enrollment_id = services.seated_enrollment_id(session, trainee_id)
    mark_id = db.session.scalar(
        update(Attendance)
        .where(
            Attendance.enrollment_id == enrollment_id,
            Attendance.session_id == session.id,
            Attendance.status.in_(ATTENDED),
            Attendance.signed_out_at.is_(None),
        )
        .values(signed_out_at=now, signout_method=method, signout_by_id=user_id)
        .returning(Attendance.id)
        .execution_options(synchronize_session=False)
    )
    if mark_id is None:
        _refuse_sign_out(enrollment_id, session.id)
    audit.record(
        "attendance_signed_out",
        "attendance",
        mark_id,
        before={"signed_out_at": None},
        after={
            "signed_out_at": now.isoformat(),
            "method": method,
            "enrollment_id": enrollment_id,
            "session_id": session.id,
        },
    )
    return mark_id


def _refuse_sign_out(enrollment_id: int, session_id: int) -> NoReturn:
    row = db.session.execute(
        select(Attendance.status, Attendance.signed_out_at).where(
            Attendance.enrollment_id == enrollment_id, Attendance.session_id == session_id
        )
    ).first()
    if row is None:
        raise CheckinRefused(
            _("You have not signed in to this class, so you cannot sign out. Please speak to your trainer.")
        )
    if row.signed_out_at is not None:
        raise AlreadySignedOut(
            _("You have already signed out of this class, at %(time)s.", time=format_time(row.signed_out_at, "short"))
        )
    raise CheckinRefused(
        _(
            "Your trainer has already marked you as %(status)s for this class. Please speak to your trainer.",
            status=status_label(row.status),
        )
    )


def confirm_sign_outs(
    session: ClassSession,
    enrollment_ids: list[int],
    *,
    user_id: int,
    role: str,
    now: datetime,
    lock_hours: int,
    times: CheckinTimes,
    reason: str | None,
) -> int:
    """The trainer's confirmation, with a reason, that these trainees (signed in, not out) stayed to
    the end: their hours count. Rows signed out meanwhile are left alone. How many were confirmed."""
    services.marking_method(session, role, now, lock_hours)  # the roster's locks apply
    opens = rules.signout_opens(session.starts_at, session.ends_at, times.signout_minutes)
    if now < opens:
        raise MarkingRefused(
            _("Sign-outs can be confirmed from %(time)s, when sign-out opens.", time=format_time(opens, "short"))
        )
    reason = (reason or "").strip()
    if not reason:
        raise MarkingRefused(_("Give a reason for confirming the sign-out."))
    if not enrollment_ids:
        raise MarkingRefused(_("Choose the trainees whose sign-out you confirm."))
    rows = db.session.execute(
        update(Attendance)
        .where(
            Attendance.session_id == session.id,
            Attendance.enrollment_id.in_(enrollment_ids),
            Attendance.status.in_(ATTENDED),
            Attendance.signed_out_at.is_(None),
        )
        .values(signed_out_at=now, signout_method=MarkMethod.ROSTER, signout_by_id=user_id, signout_reason=reason)
        .returning(Attendance.id, Attendance.enrollment_id)
        .execution_options(synchronize_session=False)
    ).all()
    if not rows:
        return 0
    audit.record_many(
        "attendance_signout_confirmed",
        "attendance",
        [
            (
                mark_id,
                {"signed_out_at": None},
                {
                    "signed_out_at": now.isoformat(),
                    "method": MarkMethod.ROSTER.value,
                    "reason": reason,
                    "enrollment_id": enrollment_id,
                    "session_id": session.id,
                },
            )
            for mark_id, enrollment_id in rows
        ],
        at=now,
    )
    return len(rows)
