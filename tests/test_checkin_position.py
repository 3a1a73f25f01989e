"""Position at self check-in: the haversine distance, how a posted position is judged, the record
each self-mark leaves, the trainee's consent, and the removal of old raw coordinates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.test_catalog_cohorts import cohort_form
from training.attendance import checkin, position, signout
from training.attendance.position import SelfMarkContext, haversine_m, judge
from training.attendance.rules import CheckinTimes
from training.extensions import db
from training.models import AuditEvent, CheckinRecord, Cohort, MarkMethod, PositionState

STARTS = datetime(2026, 5, 12, 1, 0, tzinfo=UTC)
TIMES = CheckinTimes(opens_minutes=30, signout_minutes=30, grace_minutes=15)
SITE = (32.6849, 109.0293)  # 安康, the cohort's site
NEAR = {"latitude": "32.6858", "longitude": "109.0293", "accuracy": "12"}  # 100 m north


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [
        ((0, 0), (0, 0), 0),
        ((0, 0), (0, 1), 111_195),  # one degree of longitude on the equator
        ((32.6849, 109.0293), (32.6858, 109.0293), 100),
        ((90, 0), (-90, 0), 20_015_087),  # pole to pole: half the circumference
    ],
)
def test_haversine_gives_the_great_circle_distance_in_metres(a, b, metres):
    assert haversine_m(*a, *b) == pytest.approx(metres, abs=1)


@pytest.mark.parametrize(
    ("consented", "posted", "state", "distance"),
    [
        (True, NEAR, PositionState.INSIDE, 100),
        (True, {**NEAR, "latitude": "32.6900"}, PositionState.OUTSIDE, 567),
        (True, {"position_error": "denied"}, PositionState.REFUSED, None),
        (True, {"position_error": "unavailable"}, PositionState.UNAVAILABLE, None),
        (True, {}, PositionState.UNAVAILABLE, None),
        (False, NEAR, PositionState.NO_CONSENT, None),
        (True, {**NEAR, "latitude": "91"}, PositionState.IMPLAUSIBLE, None),
        (True, {**NEAR, "longitude": "-180.5"}, PositionState.IMPLAUSIBLE, None),
        (True, {**NEAR, "accuracy": "-1"}, PositionState.IMPLAUSIBLE, None),
        (True, {**NEAR, "accuracy": "10001"}, PositionState.IMPLAUSIBLE, None),
        (True, {**NEAR, "latitude": "north"}, PositionState.IMPLAUSIBLE, None),
        (True, {**NEAR, "latitude": "nan"}, PositionState.IMPLAUSIBLE, None),
        (True, {**NEAR, "accuracy": ""}, PositionState.IMPLAUSIBLE, None),
    ],
)
def test_a_posted_position_is_judged_against_the_site(consented, posted, state, distance):
    reading = judge(consented, posted, SITE, 300)
    assert (reading.state, reading.distance_m) == (state, distance)


def test_a_position_without_a_site_position_is_kept_without_a_distance():
    reading = judge(True, NEAR, (None, None), 300)
    assert (reading.state, reading.distance_m, reading.accuracy_m) == (PositionState.NO_SITE, None, 12)


@pytest.fixture
def lesson(make):
    trainer = make.user("trainer", county_code="610924")
    cohort = make.cohort(trainers=[trainer], site_latitude=SITE[0], site_longitude=SITE[1], checkin_radius_m=300)
    session = make.session(cohort, starts_at=STARTS, hours=3)
    enrollment = make.enrollment(trainee=make.trainee(name="陈小红"), cohort=cohort)
    user = make.trainee_user(enrollment.trainee)
    db.session.commit()
    return SimpleNamespace(cohort=cohort, session=session, enrollment=enrollment, user=user)


def check_in(lesson, context: SelfMarkContext) -> CheckinRecord:
    now = STARTS + timedelta(minutes=3)
    signout.mark_self(lesson.session, lesson.enrollment.trainee_id, lesson.user.id, MarkMethod.QR, now, TIMES, context)
    db.session.commit()
    return db.session.scalars(select(CheckinRecord)).one()


def test_a_check_in_outside_the_radius_counts_and_is_flagged(lesson):
    record = check_in(lesson, SelfMarkContext(True, {**NEAR, "latitude": "32.7000"}, "d" * 32))
    assert record.attendance.status == "present"
    assert (record.position_state, record.distance_m, record.kind, record.device_id) == (
        "outside",
        1679,
        "sign_in",
        "d" * 32,
    )


def test_an_absurd_position_is_stored_as_implausible_and_the_check_in_counts(lesson):
    record = check_in(lesson, SelfMarkContext(True, {"latitude": "1e308", "longitude": "x", "accuracy": "-5"}))
    assert record.attendance.status == "present"
    assert (record.position_state, record.latitude, record.distance_m) == ("implausible", None, None)


def test_the_retention_job_removes_old_coordinates_and_keeps_distance_and_state(lesson):
    record = check_in(lesson, SelfMarkContext(True, NEAR))
    removed_early = position.forget_old_positions(record.at + timedelta(days=89), keep_days=90)
    removed = position.forget_old_positions(record.at + timedelta(days=91), keep_days=90)
    db.session.commit()
    db.session.expire_all()
    assert (removed_early, removed) == (0, 1)
    assert (record.latitude, record.longitude) == (None, None)
    assert (record.position_state, record.distance_m, record.accuracy_m) == ("inside", 100, 12)


# ---- over HTTP: consent, and the position posted with the QR and the code --------------------

NOW = STARTS + timedelta(minutes=10, seconds=7)


@pytest.fixture
def clock(monkeypatch):
    from training.attendance import views

    monkeypatch.setattr(views, "utcnow", lambda: NOW)


def token_for(app, lesson) -> str:
    return checkin.make_token(app.config["SECRET_KEY"], lesson.session.id, checkin.window_at(NOW, 30))


def records() -> list[CheckinRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(CheckinRecord).order_by(CheckinRecord.id)))


def consent(client, auth, lesson):
    auth.login(lesson.user)
    return client.submit("/me/position-consent", {"agree": "y"})


def test_consent_is_given_on_its_page_with_the_time_and_audited(client, auth, lesson, clock):
    response = consent(client, auth, lesson)

    assert response.status_code == 302
    db.session.expire_all()
    assert lesson.user.position_consent_at == NOW
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "position_consent_given"))
    assert (event.entity_type, event.entity_id) == ("user", str(lesson.user.id))


def test_the_consent_page_says_what_is_kept_and_for_how_long(client, auth, lesson):
    auth.login(lesson.user)
    page = client.get("/me/position-consent").get_data(as_text=True)
    assert "90" in page and "roster" in page


def test_consent_needs_the_box_ticked(client, auth, lesson):
    auth.login(lesson.user)
    response = client.submit("/me/position-consent", {})
    db.session.expire_all()
    assert (response.status_code, lesson.user.position_consent_at) == (200, None)


def test_consent_is_withdrawn_on_the_trainees_page_and_audited(client, auth, lesson, clock):
    consent(client, auth, lesson)
    assert "Withdraw my consent" in client.get("/me").get_data(as_text=True)

    client.submit("/me/position-consent/withdraw", {}, page="/me")

    db.session.expire_all()
    assert lesson.user.position_consent_at is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "position_consent_withdrawn"))


def test_without_consent_the_qr_checks_in_at_once_flagged_no_consent(app, client, auth, lesson, clock):
    auth.login(lesson.user)
    response = client.get(f"/checkin/{token_for(app, lesson)}")
    assert response.status_code == 200
    assert [(r.position_state, r.method, r.latitude) for r in records()] == [("no_consent", "qr", None)]


def test_with_consent_the_qr_page_asks_the_position_and_the_post_records_it_inside(app, client, auth, lesson, clock):
    consent(client, auth, lesson)
    url = f"/checkin/{token_for(app, lesson)}"
    page = client.get(url).get_data(as_text=True)
    assert "data-ask-position" in page and records() == []

    client.submit(url, NEAR)

    [record] = records()
    assert (record.position_state, record.distance_m, record.accuracy_m, record.attendance.status) == (
        "inside",
        100,
        12,
        "present",
    )


def test_a_post_without_its_csrf_token_is_refused_and_the_page_never_posts_itself_again(
    app, client, auth, lesson, clock
):
    consent(client, auth, lesson)
    url = f"/checkin/{token_for(app, lesson)}"

    response = client.post(url, data=NEAR)  # no CSRF token: the phone lost its cookies

    assert response.status_code == 400
    assert "data-ask-position" not in response.get_data(as_text=True)
    assert records() == []


def test_a_refused_position_still_checks_in_with_the_code_flagged_refused(app, client, auth, lesson, clock):
    consent(client, auth, lesson)
    code = checkin.make_code(app.config["SECRET_KEY"], lesson.session.id, checkin.window_at(NOW, 30))

    response = client.submit("/checkin", {"code": code, "position_error": "denied"})

    assert response.status_code == 200
    assert [(r.position_state, r.method) for r in records()] == [("refused", "code")]


def test_absurd_input_over_http_is_implausible_never_an_error_page(app, client, auth, lesson, clock):
    consent(client, auth, lesson)
    response = client.submit(
        f"/checkin/{token_for(app, lesson)}", {"latitude": "<script>", "longitude": "1" * 500, "accuracy": "-3"}
    )
    assert response.status_code == 200
    assert [r.position_state for r in records()] == ["implausible"]


def test_the_periodic_job_removes_coordinates_past_the_keep_days(app, lesson, monkeypatch):
    from training.jobs import worker

    record = check_in(lesson, SelfMarkContext(True, NEAR))
    record.at = datetime.now(UTC) - timedelta(days=app.config["CHECKIN_POSITION_KEEP_DAYS"] + 1)
    db.session.commit()
    monkeypatch.setattr(worker, "worker_app", lambda: app)

    worker.forget_old_checkin_positions.call_local()

    db.session.expire_all()
    assert (record.latitude, record.distance_m, record.position_state) == (None, 100, "inside")


# ---- the site's position on the cohort form --------------------------------------------------


def test_the_cohort_form_stores_the_site_position_and_radius_audited(client, auth, make):
    course = make.course()
    auth.login("coordinator", county="610924")
    page = client.get("/cohorts/new").get_data(as_text=True)
    assert 'name="checkin_radius_m"' in page and 'value="300"' in page and "js/site_position.js" in page

    client.submit(
        "/cohorts/new", cohort_form(course, site_latitude="32.6849", site_longitude="109.0293", checkin_radius_m="500")
    )

    cohort = db.session.scalar(select(Cohort))
    assert (cohort.site_latitude, cohort.site_longitude, cohort.checkin_radius_m) == (32.6849, 109.0293, 500)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_created"))
    assert event.after["checkin_radius_m"] == 500


def test_a_new_cohort_takes_the_default_radius_from_the_setting(app, client, auth, make):
    app.config["CHECKIN_RADIUS_METRES"] = 800
    course = make.course()
    auth.login("coordinator", county="610924")
    client.submit("/cohorts/new", cohort_form(course))
    assert db.session.scalar(select(Cohort.checkin_radius_m)) == 800


def test_a_latitude_without_a_longitude_is_refused_on_the_form(client, auth, make):
    course = make.course()
    auth.login("coordinator", county="610924")
    response = client.submit("/cohorts/new", cohort_form(course, site_latitude="32.68"))
    assert "Give both the latitude and the longitude" in response.get_data(as_text=True)
    assert db.session.scalar(select(Cohort)) is None


def test_a_self_sign_out_leaves_its_own_record(make):
    cohort = make.cohort(course=make.course(marks_per_session=2), site_latitude=SITE[0], site_longitude=SITE[1])
    session = make.session(cohort, starts_at=STARTS, hours=3)
    enrollment = make.enrollment(trainee=make.trainee(), cohort=cohort)
    user = make.trainee_user(enrollment.trainee)
    db.session.commit()
    for minutes in (3, 170):  # signs in, then out in the last 30 minutes
        now = STARTS + timedelta(minutes=minutes)
        context = SelfMarkContext(True, NEAR, "e" * 32)
        signout.mark_self(session, enrollment.trainee_id, user.id, MarkMethod.CODE, now, TIMES, context)
    db.session.commit()
    rows = db.session.scalars(select(CheckinRecord).order_by(CheckinRecord.at)).all()
    assert [(r.kind, r.position_state, r.attendance_id) for r in rows] == [
        ("sign_in", "inside", rows[0].attendance_id),
        ("sign_out", "inside", rows[0].attendance_id),
    ]
