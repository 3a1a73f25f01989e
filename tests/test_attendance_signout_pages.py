"""The sign-out on the pages: the trainee's check-in page and the QR screen in the sign-out phase,
the roster with both times, late and early, and the trainer's confirmation; in Chinese too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, translated_app
from tests.factories import Factories
from tests.support.pages import texts
from tests.support.translations import compiled_translations
from training.attendance import checkin, views
from training.extensions import db
from training.models import Attendance, AuditEvent

STARTS = datetime(2026, 5, 12, 1, 0, tzinfo=UTC)  # 09:00 in Ankang
ENDS = STARTS + timedelta(hours=3)
SIGNING_OUT = ENDS - timedelta(minutes=10)  # 11:50


@pytest.fixture
def clock(monkeypatch):
    """now.at = the time the pages see."""
    now = SimpleNamespace(at=SIGNING_OUT)
    monkeypatch.setattr(views, "utcnow", lambda: now.at)
    return now


def two_mark_class(make):
    trainer = make.user("trainer", county_code="610924", display_name="李老师")
    cohort = make.cohort(course=make.course(marks_per_session=2, name="足部修护"), trainers=[trainer])
    session = make.session(cohort, starts_at=STARTS, hours=3)
    people = [make.enrollment(trainee=make.trainee(name=name), cohort=cohort) for name in ("陈小红", "王芳", "张丽")]
    user = make.trainee_user(people[0].trainee)
    db.session.commit()
    return SimpleNamespace(trainer=trainer, session=session, people=people, user=user)


@pytest.fixture
def lesson(make):
    return two_mark_class(make)


def token(app, lesson, now) -> str:
    window = checkin.window_at(now, app.config["CHECKIN_ROTATE_SECONDS"])
    return checkin.make_token(app.config["SECRET_KEY"], lesson.session.id, window)


def signed(make, enrollment, session, at, out=None, **fields):
    """A self sign-in at `at`, signed out at `out` (by QR unless fields say otherwise)."""
    if out is not None:
        fields.setdefault("signout_method", "qr")
    make.attendance(
        enrollment, session, "present", method="qr", marked_at=at, signout_required=True, signed_out_at=out, **fields
    )


def test_the_check_in_page_asks_for_the_sign_out_in_the_last_minutes(client, auth, english, lesson, clock):
    auth.login(lesson.user)

    html = client.get("/checkin").get_data(as_text=True)

    assert texts(html, "h3") == ["Sign out"]
    assert "type the number on the trainer's screen to sign out" in " ".join(texts(html, "checkin-signout-phase"))
    clock.at = STARTS + timedelta(minutes=5)
    assert texts(client.get("/checkin").get_data(as_text=True), "h3") == ["Check in"]


def test_the_qr_link_signs_the_trainee_out_in_the_last_minutes(app, client, auth, english, make, lesson, clock):
    signed(make, lesson.people[0], lesson.session, STARTS + timedelta(minutes=2))
    db.session.commit()
    auth.login(lesson.user)

    response = client.get(f"/checkin/{token(app, lesson, SIGNING_OUT)}")

    assert response.status_code == 200
    assert texts(response.get_data(as_text=True), "checkin-message") == [
        "You are signed out. Thank you, see you next class!"
    ]
    db.session.expire_all()
    assert db.session.scalar(select(Attendance.signed_out_at)) == SIGNING_OUT


def test_the_typed_code_signs_out_too_and_a_second_time_says_it_is_done(
    app, client, auth, english, make, lesson, clock
):
    signed(make, lesson.people[0], lesson.session, STARTS + timedelta(minutes=2))
    db.session.commit()
    auth.login(lesson.user)
    window = checkin.window_at(SIGNING_OUT, app.config["CHECKIN_ROTATE_SECONDS"])
    code = checkin.make_code(app.config["SECRET_KEY"], lesson.session.id, window)

    first = client.submit("/checkin", {"code": code})
    again = client.submit("/checkin", {"code": code})

    assert "You are signed out" in " ".join(texts(first.get_data(as_text=True), "checkin-message"))
    assert again.status_code == 200
    assert "already signed out" in " ".join(texts(again.get_data(as_text=True), "checkin-message"))


def test_the_qr_screen_says_sign_out_in_the_last_minutes(client, auth, english, lesson, clock):
    auth.login(lesson.trainer)

    html = client.get(f"/sessions/{lesson.session.id}/checkin-qr").get_data(as_text=True)
    state = client.get(f"/sessions/{lesson.session.id}/checkin-qr.json").get_json()

    assert (state["open"], state["phase"]) == (True, "sign_out")
    assert 'class="fs-5 mb-2 checkin-says-out fw-bold">' in html  # shown, not hidden
    clock.at = ENDS + timedelta(minutes=16)
    assert client.get(f"/sessions/{lesson.session.id}/checkin-qr.json").get_json()["ended"] is True


def test_the_roster_shows_both_times_late_early_and_who_still_has_to_sign_out(
    client, auth, english, make, lesson, clock
):
    chen, wang, zhang = lesson.people
    signed(make, chen, lesson.session, STARTS + timedelta(minutes=7), out=ENDS - timedelta(minutes=20))
    signed(make, wang, lesson.session, STARTS - timedelta(minutes=10))
    signed(
        make,
        zhang,
        lesson.session,
        STARTS - timedelta(minutes=5),
        out=ENDS,
        signout_method="roster",
        signout_by_id=lesson.trainer.id,
        signout_reason="手机没电了",
    )
    db.session.commit()
    auth.login(lesson.trainer)

    html = client.get(f"/sessions/{lesson.session.id}/roster").get_data(as_text=True)

    lines = dict(zip(texts(html, "roster-name"), texts(html, "roster-signout"), strict=True))
    assert lines == {
        "陈小红": "Signed in 7 min late Signed out 11:40 AM 20 min early",
        "王芳": "Not signed out: the hours do not count yet",
        "张丽": "Sign-out confirmed by 李老师: 手机没电了",
    }
    assert texts(html, "form-check-label") == [
        f"王芳 {wang.trainee.id_number[:6]}********{wang.trainee.id_number[-4:]}"
    ]


def test_a_one_mark_roster_shows_no_sign_out(client, auth, english, make, clock):
    trainer = make.user("trainer", county_code="610924")
    cohort = make.cohort(trainers=[trainer])
    session = make.session(cohort, starts_at=STARTS, hours=3)
    make.attendance(make.enrollment(cohort=cohort), session, "present", method="qr", marked_at=STARTS)
    db.session.commit()
    auth.login(trainer)

    html = client.get(f"/sessions/{session.id}/roster").get_data(as_text=True)

    assert texts(html, "roster-signout") == [] and "roster-confirm" not in html


def test_the_trainer_confirms_a_sign_out_on_the_roster(client, auth, english, make, lesson, clock):
    wang = lesson.people[1]
    signed(make, wang, lesson.session, STARTS)
    db.session.commit()
    auth.login(lesson.trainer)
    roster = f"/sessions/{lesson.session.id}/roster"

    refused = client.submit(f"/sessions/{lesson.session.id}/signouts", {"enrollment": wang.id}, page=roster)
    done = client.submit(
        f"/sessions/{lesson.session.id}/signouts", {"enrollment": wang.id, "reason": "手机没电"}, page=roster
    )

    assert refused.status_code == 400
    assert "Give a reason for confirming the sign-out." in refused.get_data(as_text=True)
    assert done.status_code == 302 and done.location.endswith(roster)
    db.session.expire_all()
    mark = db.session.scalar(select(Attendance).where(Attendance.enrollment_id == wang.id))
    assert (mark.signout_method, mark.signout_reason, mark.signout_by_id) == ("roster", "手机没电", lesson.trainer.id)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "attendance_signout_confirmed"))


def test_a_trainer_of_another_class_cannot_confirm_a_sign_out(client, auth, make, lesson, clock):
    signed(make, lesson.people[1], lesson.session, STARTS)
    db.session.commit()
    auth.login("trainer", county="610924")

    response = client.submit(
        f"/sessions/{lesson.session.id}/signouts", {"enrollment": lesson.people[1].id, "reason": "x"}, page="/"
    )

    assert response.status_code == 403
    assert db.session.scalar(select(Attendance.signout_method)) is None


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


def test_in_chinese_a_sign_out_without_a_sign_in_is_refused_in_plain_words(
    database_url, translation_directory, monkeypatch
):
    monkeypatch.setattr(views, "utcnow", lambda: SIGNING_OUT)
    with translated_app(database_url, translation_directory) as app:
        make = Factories()
        lesson = two_mark_class(make)
        client = app.test_client()
        AuthActions(client, make).login(lesson.user)

        page = client.get("/checkin").get_data(as_text=True)
        response = client.get(f"/checkin/{token(app, lesson, SIGNING_OUT)}")

        assert texts(page, "h3") == ["签退"]
        assert response.status_code == 400
        assert texts(response.get_data(as_text=True), "checkin-message") == [
            "您还没有签到这节课，所以不能签退。请找培训老师。"
        ]
        assert db.session.scalar(select(Attendance.id)) is None


def test_in_chinese_the_roster_shows_the_sign_out_and_the_confirmation(
    database_url, translation_directory, monkeypatch
):
    monkeypatch.setattr(views, "utcnow", lambda: SIGNING_OUT)
    with translated_app(database_url, translation_directory) as app:
        make = Factories()
        lesson = two_mark_class(make)
        signed(make, lesson.people[0], lesson.session, STARTS + timedelta(minutes=3), out=SIGNING_OUT)
        signed(make, lesson.people[1], lesson.session, STARTS)
        db.session.commit()
        client = app.test_client()
        AuthActions(client, make).login(lesson.trainer)

        html = client.get(f"/sessions/{lesson.session.id}/roster").get_data(as_text=True)

        lines = dict(zip(texts(html, "roster-name"), texts(html, "roster-signout"), strict=True))
        assert lines == {
            "张丽": "",
            "王芳": "未签退：课时暂不计入",
            "陈小红": "签到迟到 3 分钟 签退 11:50 早退 10 分钟",
        }
        assert "确认他们签退" in html
