"""Sign-in and sign-out (签到 / 签退) under a two-mark course: the phases of a trainee's own scan or
code, the refusals, the trainer's confirmation on the roster, and which hours count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tests.conftest import base_config
from training import create_app
from training.assessment.queries import attended_hours
from training.attendance import rules, signout
from training.attendance.rules import CheckinPhase, CheckinTimes
from training.attendance.services import AlreadyCheckedIn, CheckinRefused, MarkingRefused, save_marks
from training.attendance.signout import AlreadySignedOut, SelfMark
from training.completion import SessionMark, tally
from training.extensions import db
from training.models import Attendance, AuditEvent, MarkMethod

STARTS = datetime(2026, 5, 12, 1, 0, tzinfo=UTC)  # 09:00 in Ankang
ENDS = STARTS + timedelta(hours=3)  # 12:00; sign-out from 11:30 until 12:15
TIMES = CheckinTimes(opens_minutes=30, signout_minutes=30, grace_minutes=15)
SIGNING_IN = STARTS + timedelta(minutes=5)
SIGNING_OUT = ENDS - timedelta(minutes=10)


@pytest.fixture
def lesson(make):
    """A three-hour class of a two-mark course, one trainee with a login, one trainer."""
    return _lesson(make, marks=2)


def _lesson(make, marks: int):
    trainer = make.user("trainer", county_code="610924")
    cohort = make.cohort(course=make.course(marks_per_session=marks), trainers=[trainer])
    session = make.session(cohort, starts_at=STARTS, hours=3)
    enrollment = make.enrollment(trainee=make.trainee(name="陈小红"), cohort=cohort)
    user = make.trainee_user(enrollment.trainee)
    db.session.commit()
    return SimpleNamespace(trainer=trainer, cohort=cohort, session=session, enrollment=enrollment, user=user)


def scan(lesson, now: datetime) -> SelfMark:
    return signout.mark_self(lesson.session, lesson.enrollment.trainee_id, lesson.user.id, MarkMethod.QR, now, TIMES)


def mark_of(lesson) -> Attendance | None:
    db.session.expire_all()
    return db.session.scalar(select(Attendance).where(Attendance.enrollment_id == lesson.enrollment.id))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def hours(lesson) -> Decimal:
    return attended_hours(lesson.cohort.id, ENDS + timedelta(days=1)).get(lesson.enrollment.id, Decimal(0))


def confirm(lesson, reason: str | None = "手机没电了", now: datetime = ENDS + timedelta(minutes=20), **kwargs):
    return signout.confirm_sign_outs(
        lesson.session,
        kwargs.pop("ids", [lesson.enrollment.id]),
        user_id=lesson.trainer.id,
        role=kwargs.pop("role", "trainer"),
        now=now,
        lock_hours=48,
        times=TIMES,
        reason=reason,
    )


# ---- the phases, as pure rules ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes_from_start", "marks", "phase"),
    [
        (-31, 2, CheckinPhase.CLOSED),
        (-30, 2, CheckinPhase.SIGN_IN),
        (149, 2, CheckinPhase.SIGN_IN),
        (150, 2, CheckinPhase.SIGN_OUT),  # 11:30, the last 30 minutes
        (180, 2, CheckinPhase.SIGN_OUT),
        (195, 2, CheckinPhase.SIGN_OUT),  # 12:15, the end of the grace
        (196, 2, CheckinPhase.CLOSED),
        (150, 1, CheckinPhase.SIGN_IN),  # one mark: check-in until the end, as before
        (181, 1, CheckinPhase.CLOSED),
    ],
)
def test_the_phase_of_a_scan_follows_the_clock_and_the_course(minutes_from_start, marks, phase):
    now = STARTS + timedelta(minutes=minutes_from_start)
    assert rules.checkin_phase(STARTS, ENDS, now, TIMES, marks) == phase


def test_a_session_shorter_than_the_sign_out_window_signs_out_from_its_start():
    ends = STARTS + timedelta(minutes=20)
    assert rules.checkin_phase(STARTS, ends, STARTS - timedelta(minutes=1), TIMES, 2) == CheckinPhase.SIGN_IN
    assert rules.checkin_phase(STARTS, ends, STARTS, TIMES, 2) == CheckinPhase.SIGN_OUT


@pytest.mark.parametrize(
    ("signed_in", "late"),
    [
        (None, 0),
        (STARTS - timedelta(minutes=5), 0),
        (STARTS, 0),
        (STARTS + timedelta(seconds=20), 1),
        (STARTS + timedelta(minutes=12, seconds=30), 12),
    ],
)
def test_a_sign_in_after_the_start_is_late_by_whole_minutes(signed_in, late):
    assert rules.minutes_late(STARTS, signed_in) == late


@pytest.mark.parametrize(
    ("signed_out", "early"),
    [(None, 0), (ENDS, 0), (ENDS + timedelta(minutes=3), 0), (ENDS - timedelta(minutes=25), 25)],
)
def test_a_sign_out_before_the_end_is_early_by_whole_minutes(signed_out, early):
    assert rules.minutes_early(ENDS, signed_out) == early


@pytest.mark.parametrize(
    ("status", "required", "signed_out", "counted"),
    [
        ("present", False, False, 4),
        ("late", False, False, 4),
        ("present", True, False, 0),
        ("present", True, True, 4),
        ("late", True, True, 4),
        ("absent", True, True, 0),
        (None, True, False, 0),
    ],
)
def test_the_tally_counts_a_two_mark_session_only_once_signed_out(status, required, signed_out, counted):
    mark = SessionMark(STARTS, Decimal(4), status, signout_required=required, signed_out=signed_out)
    assert tally([mark], ENDS).attended == counted


@pytest.mark.parametrize(
    ("setting", "value"),
    [("SIGNOUT_WINDOW_MINUTES", 0), ("SIGNOUT_GRACE_MINUTES", -1), ("SIGNOUT_WINDOW_MINUTES", "30")],
)
def test_the_app_does_not_start_on_a_sign_out_setting_that_cannot_work(database_url, setting, value):
    with pytest.raises(ValueError, match=setting):
        create_app({**base_config(database_url), setting: value})


# ---- a trainee's own sign-in and sign-out ----------------------------------------------------


def test_a_trainee_signs_in_then_signs_out_in_the_last_minutes(app, lesson):
    assert scan(lesson, SIGNING_IN) == SelfMark.SIGNED_IN
    assert scan(lesson, SIGNING_OUT) == SelfMark.SIGNED_OUT
    db.session.commit()

    mark = mark_of(lesson)
    assert (mark.status, mark.marked_at, mark.signout_required) == ("present", SIGNING_IN, True)
    assert (mark.signed_out_at, mark.signout_method, mark.signout_by_id) == (SIGNING_OUT, "qr", lesson.user.id)
    assert mark.version == 1  # a sign-out is no roster change: an open roster page sees no conflict
    [event] = events("attendance_signed_out")
    assert (event.entity_id, event.before, event.after["method"]) == (str(mark.id), {"signed_out_at": None}, "qr")


def test_before_the_sign_out_window_a_second_scan_only_says_the_trainee_is_checked_in(app, lesson):
    scan(lesson, SIGNING_IN)

    with pytest.raises(AlreadyCheckedIn) as refused:
        scan(lesson, ENDS - timedelta(minutes=31))

    assert not isinstance(refused.value, AlreadySignedOut)
    assert mark_of(lesson).signed_out_at is None


def test_a_sign_out_without_a_sign_in_is_refused_and_writes_nothing(app, lesson):
    with pytest.raises(CheckinRefused, match="You have not signed in to this class"):
        scan(lesson, SIGNING_OUT)

    assert mark_of(lesson) is None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_signing_out_twice_says_it_is_already_done_and_keeps_the_first_time(app, lesson):
    scan(lesson, SIGNING_IN)
    scan(lesson, SIGNING_OUT)

    with pytest.raises(AlreadySignedOut, match="already signed out"):
        scan(lesson, SIGNING_OUT + timedelta(minutes=2))

    assert mark_of(lesson).signed_out_at == SIGNING_OUT
    assert len(events("attendance_signed_out")) == 1


def test_a_trainee_the_trainer_marked_absent_cannot_sign_out(app, lesson):
    save_marks(
        lesson.session,
        [rules.PostedMark(lesson.enrollment.id, "absent", None, 0)],
        user_id=lesson.trainer.id,
        role="trainer",
        now=SIGNING_IN,
        lock_hours=48,
    )

    with pytest.raises(CheckinRefused, match="already marked you as Absent"):
        scan(lesson, SIGNING_OUT)


def test_sign_out_stays_open_for_the_grace_after_the_end_and_then_closes(app, lesson):
    scan(lesson, SIGNING_IN)

    with pytest.raises(CheckinRefused, match="sign-out from"):
        scan(lesson, ENDS + timedelta(minutes=16))
    assert scan(lesson, ENDS + timedelta(minutes=14)) == SelfMark.SIGNED_OUT


# ---- which hours count -----------------------------------------------------------------------


def test_the_hours_count_only_once_the_trainee_has_signed_out(app, lesson):
    scan(lesson, SIGNING_IN)
    assert hours(lesson) == 0

    scan(lesson, SIGNING_OUT)
    assert hours(lesson) == 3


def test_a_roster_mark_under_two_marks_waits_for_a_sign_out_too(app, lesson):
    save_marks(
        lesson.session,
        [rules.PostedMark(lesson.enrollment.id, "late", None, 0)],
        user_id=lesson.trainer.id,
        role="trainer",
        now=SIGNING_IN,
        lock_hours=48,
    )

    assert mark_of(lesson).signout_required is True
    assert hours(lesson) == 0


def test_a_one_mark_course_checks_in_and_counts_as_before(app, make):
    lesson = _lesson(make, marks=1)

    assert scan(lesson, SIGNING_OUT) == SelfMark.SIGNED_IN  # the last minutes are check-in as ever
    with pytest.raises(AlreadyCheckedIn):
        scan(lesson, SIGNING_OUT + timedelta(minutes=1))

    mark = mark_of(lesson)
    assert (mark.signout_required, mark.signed_out_at) == (False, None)
    assert hours(lesson) == 3


# ---- the trainer's confirmation --------------------------------------------------------------


def test_the_trainer_confirms_a_missing_sign_out_with_a_reason_audited_and_the_hours_count(app, lesson):
    scan(lesson, SIGNING_IN)
    at = ENDS + timedelta(minutes=20)

    assert confirm(lesson, "  手机没电了，一直上到下课  ", now=at) == 1

    mark = mark_of(lesson)
    assert (mark.signout_method, mark.signout_by_id, mark.signout_reason) == (
        "roster",
        lesson.trainer.id,
        "手机没电了，一直上到下课",
    )
    assert mark.signed_out_at == at
    [event] = events("attendance_signout_confirmed")
    assert (event.entity_id, event.after["reason"], event.after["enrollment_id"]) == (
        str(mark.id),
        "手机没电了，一直上到下课",
        lesson.enrollment.id,
    )
    assert hours(lesson) == 3


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_confirmation_without_a_reason_is_refused(app, lesson, reason):
    scan(lesson, SIGNING_IN)

    with pytest.raises(MarkingRefused, match="Give a reason"):
        confirm(lesson, reason)

    assert mark_of(lesson).signed_out_at is None


def test_a_confirmation_before_sign_out_opens_is_refused(app, lesson):
    scan(lesson, SIGNING_IN)

    with pytest.raises(MarkingRefused, match="when sign-out opens"):
        confirm(lesson, now=ENDS - timedelta(minutes=40))


def test_after_the_lock_only_a_coordinator_confirms(app, lesson):
    scan(lesson, SIGNING_IN)
    later = ENDS + timedelta(hours=49)

    with pytest.raises(MarkingRefused, match="locked"):
        confirm(lesson, now=later)
    assert confirm(lesson, now=later, role="coordinator") == 1


def test_a_confirmation_leaves_alone_those_signed_out_or_not_signed_in(app, lesson, make):
    other = make.enrollment(trainee=make.trainee(), cohort=lesson.cohort)
    db.session.commit()
    scan(lesson, SIGNING_IN)
    scan(lesson, SIGNING_OUT)

    assert confirm(lesson, ids=[lesson.enrollment.id, other.id]) == 0

    assert mark_of(lesson).signout_method == "qr"
    assert events("attendance_signout_confirmed") == []
