"""A trainee's own check-in: the scanned QR link (/checkin/<token>) and the typed code (/checkin),
and the trainer's QR screen that shows both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.support.pages import errors, texts
from training.attendance import checkin, views
from training.extensions import db
from training.models import Attendance, AuditEvent

HERE = "610924"
NOW = datetime(2026, 5, 12, 1, 10, 7, tzinfo=UTC)  # 09:10 in Ankang
ROTATE = 30


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The pages see a fixed time, so a test never straddles a rotation of the code."""
    monkeypatch.setattr(views, "utcnow", lambda: NOW)


@pytest.fixture
def lesson(app, make):
    """A class that started ten minutes ago, one trainee with a login in it."""
    trainer = make.user("trainer", county_code=HERE)
    cohort = make.cohort(county_code=HERE, trainers=[trainer])
    session = make.session(cohort, starts_at=NOW - timedelta(minutes=10), hours=3)
    enrollment = make.enrollment(trainee=make.trainee(name="陈小红"), cohort=cohort)
    trainee_user = make.trainee_user(enrollment.trainee)
    db.session.commit()
    return SimpleNamespace(
        trainer=trainer,
        cohort=cohort,
        session=session,
        enrollment=enrollment,
        user=trainee_user,
        secret=app.config["SECRET_KEY"],
    )


def window(offset: int = 0) -> int:
    return checkin.window_at(NOW, ROTATE) + offset


def token_for(lesson, session_id=None, offset=0) -> str:
    return checkin.make_token(lesson.secret, session_id or lesson.session.id, window(offset))


def code_for(lesson, offset=0) -> str:
    return checkin.make_code(lesson.secret, lesson.session.id, window(offset))


def mark_of(enrollment, session):
    db.session.expire_all()
    return db.session.scalar(
        select(Attendance).where(Attendance.enrollment_id == enrollment.id, Attendance.session_id == session.id)
    )


def message(response) -> str:
    return " ".join(texts(response.get_data(as_text=True), "checkin-message"))


def test_a_scanned_qr_checks_the_trainee_in(client, auth, lesson):
    auth.login(lesson.user)

    response = client.get(f"/checkin/{token_for(lesson)}")

    assert response.status_code == 200
    assert "You are checked in" in message(response)
    mark = mark_of(lesson.enrollment, lesson.session)
    assert (mark.status, mark.method, mark.marked_by_id, mark.version) == ("present", "qr", lesson.user.id, 1)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "attendance"))
    assert (event.action, event.before, event.after["status"], event.after["method"]) == (
        "attendance_marked",
        {"status": None},
        "present",
        "qr",
    )


def test_the_code_of_the_previous_window_is_still_accepted(client, auth, lesson):
    auth.login(lesson.user)

    response = client.get(f"/checkin/{token_for(lesson, offset=-1)}")

    assert response.status_code == 200
    assert mark_of(lesson.enrollment, lesson.session).status == "present"


@pytest.mark.parametrize(
    ("case", "wording"),
    [
        ("expired", "has expired"),
        ("forged", "not valid"),
        ("another session's", "not valid"),
        ("from the future", "not valid"),
        ("garbage", "not valid"),
    ],
)
def test_a_bad_qr_token_is_refused_and_changes_nothing(client, auth, make, lesson, case, wording):
    other = make.session(lesson.cohort, starts_at=NOW - timedelta(minutes=5))
    db.session.commit()
    good = token_for(lesson)
    tokens = {
        "expired": token_for(lesson, offset=-2),
        "forged": good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
        "another session's": f"{other.id}-{window()}-{good.rsplit('-', 1)[1]}",
        "from the future": token_for(lesson, offset=1),
        "garbage": "not-a-token",
    }
    auth.login(lesson.user)

    response = client.get(f"/checkin/{tokens[case]}")

    assert response.status_code == 400
    assert wording in message(response)
    assert db.session.scalar(select(Attendance.id)) is None


def test_a_trainee_not_enrolled_in_the_class_cannot_check_in(client, auth, make, lesson):
    stranger = make.trainee_user(make.trainee(name="路人"))
    db.session.commit()
    auth.login(stranger)

    response = client.get(f"/checkin/{token_for(lesson)}")

    assert response.status_code == 400
    assert "not on the list of this class" in message(response)
    assert db.session.scalar(select(Attendance.id)) is None


@pytest.mark.parametrize(
    ("starts_in", "checks_in"),
    [
        (timedelta(minutes=29), True),  # check-in opens 30 minutes before the start
        (timedelta(minutes=31), False),
        (timedelta(hours=-3, seconds=1), True),  # until the end of a three-hour class
        (timedelta(hours=-3, seconds=-1), False),
    ],
)
def test_check_in_is_open_from_30_minutes_before_the_start_until_the_end(
    client, auth, make, lesson, starts_in, checks_in
):
    other = make.session(lesson.cohort, starts_at=NOW + starts_in, hours=3)
    db.session.commit()
    auth.login(lesson.user)

    response = client.get(f"/checkin/{token_for(lesson, session_id=other.id)}")

    assert (mark_of(lesson.enrollment, other) is not None) is checks_in
    if not checks_in:
        assert response.status_code == 400
        assert "Check-in for this class is open from" in message(response)


def test_checking_in_twice_says_already_checked_in_and_changes_nothing(client, auth, lesson):
    auth.login(lesson.user)
    client.get(f"/checkin/{token_for(lesson)}")

    response = client.get(f"/checkin/{token_for(lesson)}")

    assert response.status_code == 200
    assert "already checked in" in message(response)
    assert mark_of(lesson.enrollment, lesson.session).version == 1
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "attendance")).all()) == 1


@pytest.mark.parametrize("status", ["absent", "excused", "late"])
def test_a_check_in_never_overwrites_a_mark_the_trainer_set(client, auth, make, lesson, status):
    make.attendance(lesson.enrollment, lesson.session, status, marked_by_id=lesson.trainer.id)
    db.session.commit()
    auth.login(lesson.user)

    response = client.get(f"/checkin/{token_for(lesson)}")

    mark = mark_of(lesson.enrollment, lesson.session)
    assert (mark.status, mark.method, mark.marked_by_id) == (status, "roster", lesson.trainer.id)
    assert ("already checked in" if status == "late" else "speak to your trainer") in message(response)


def test_a_scan_without_signing_in_leads_to_the_login_and_back(client, lesson):
    response = client.get(f"/checkin/{token_for(lesson)}")

    assert response.status_code == 302
    assert "/login" in response.location and "checkin" in response.location


def test_staff_scanning_the_qr_are_told_it_is_for_trainees(client, auth, lesson):
    auth.login(lesson.trainer)

    response = client.get(f"/checkin/{token_for(lesson)}")

    assert response.status_code == 403
    assert "Only trainees check in" in message(response)


def test_the_typed_code_checks_the_trainee_in(client, auth, lesson):
    auth.login(lesson.user)

    response = client.submit("/checkin", {"code": code_for(lesson)})

    assert response.status_code == 200
    assert "You are checked in" in message(response)
    mark = mark_of(lesson.enrollment, lesson.session)
    assert (mark.status, mark.method) == ("present", "code")


def test_the_typed_code_of_the_previous_window_with_spaces_is_accepted(client, auth, lesson):
    auth.login(lesson.user)
    code = code_for(lesson, offset=-1)

    client.submit("/checkin", {"code": f"{code[:3]} {code[3:]}"})

    assert mark_of(lesson.enrollment, lesson.session).method == "code"


def test_a_wrong_code_is_refused_and_changes_nothing(client, auth, lesson):
    auth.login(lesson.user)
    wrong = f"{(int(code_for(lesson)) + 1) % 10**6:06d}"

    response = client.submit("/checkin", {"code": wrong})

    assert response.status_code == 400
    assert any("not right" in error for error in errors(response.get_data(as_text=True)))
    assert db.session.scalar(select(Attendance.id)) is None


def test_another_class_code_does_not_check_in_a_trainee_who_is_not_in_it(client, auth, make, lesson):
    stranger = make.trainee_user(make.trainee(name="路人"))
    db.session.commit()
    auth.login(stranger)

    response = client.submit("/checkin", {"code": code_for(lesson)})

    assert response.status_code == 400
    assert any("None of your classes" in error for error in errors(response.get_data(as_text=True)))
    assert db.session.scalar(select(Attendance.id)) is None


def test_guessing_codes_is_throttled_after_ten_wrong_tries(client, auth, lesson):
    auth.login(lesson.user)
    wrong = f"{(int(code_for(lesson)) + 1) % 10**6:06d}"
    for _ in range(10):
        assert client.submit("/checkin", {"code": wrong}).status_code == 400

    response = client.submit("/checkin", {"code": code_for(lesson)})

    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert db.session.scalar(select(Attendance.id)) is None


def test_the_code_form_is_for_trainees_only(client, auth):
    auth.login("trainer", county=HERE)

    assert client.get("/checkin").status_code == 403


def test_the_trainer_s_qr_screen_shows_a_qr_and_a_code_that_check_in(client, auth, lesson):
    auth.login(lesson.trainer)

    page = client.get(f"/sessions/{lesson.session.id}/checkin-qr").get_data(as_text=True)
    state = client.get(f"/sessions/{lesson.session.id}/checkin-qr.json").json

    assert state["open"] is True and state["code"] == code_for(lesson)
    assert state["url"] == f"http://localhost/checkin/{token_for(lesson)}"
    assert state["svg"].startswith("data:image/svg+xml") and state["svg"] in page
    assert code_for(lesson) in page
    assert (state["attended"], state["total"]) == (0, 1)
    assert state["seconds_left"] == ROTATE - int(NOW.timestamp()) % ROTATE


def test_the_qr_screen_shows_no_code_before_check_in_opens(client, auth, make, lesson):
    later = make.session(lesson.cohort, starts_at=NOW + timedelta(hours=2))
    db.session.commit()
    auth.login(lesson.trainer)

    state = client.get(f"/sessions/{later.id}/checkin-qr.json").json

    assert state["open"] is False and "code" not in state and "url" not in state


def test_after_the_class_the_qr_screen_says_check_in_is_over_and_the_roster_offers_no_qr(client, auth, make, lesson):
    earlier = make.session(lesson.cohort, starts_at=NOW - timedelta(hours=5), hours=2)
    db.session.commit()
    auth.login(lesson.trainer)

    state = client.get(f"/sessions/{earlier.id}/checkin-qr.json").json
    page = client.get(f"/sessions/{earlier.id}/checkin-qr").get_data(as_text=True)

    assert state["open"] is False and state["ended"] is True and "code" not in state
    assert "check-in is closed" in " ".join(texts(page, "checkin-ended"))
    assert texts(page, "checkin-ended") and 'class="checkin-ended" hidden' not in page
    assert 'class="checkin-not-yet" hidden' in page
    assert "/checkin-qr" not in client.get(f"/sessions/{earlier.id}/roster").get_data(as_text=True)
    running = client.get(f"/sessions/{lesson.session.id}/roster").get_data(as_text=True)
    assert f"/sessions/{lesson.session.id}/checkin-qr" in running
    assert client.get(f"/sessions/{lesson.session.id}/checkin-qr.json").json["ended"] is False


def test_a_trainer_who_does_not_teach_the_class_cannot_show_its_qr(client, auth, lesson):
    auth.login("trainer", county=HERE)

    assert client.get(f"/sessions/{lesson.session.id}/checkin-qr").status_code == 403
    assert client.get(f"/sessions/{lesson.session.id}/checkin-qr.json").status_code == 403
