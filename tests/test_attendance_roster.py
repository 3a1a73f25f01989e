"""The roster a trainer marks: what it lists, saving (with and without JavaScript), idempotence,
the optimistic version check, who may open it, and the audit trail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.support.pages import texts
from training.extensions import db
from training.models import Attendance, AuditEvent, EnrollmentStatus

HERE, THERE = "610924", "610929"
HIDDEN = re.compile(r'<input type="hidden" name="((?:version|was)-\d+)" value="([^"]*)">')
CHECKED = re.compile(r'<input type="radio"[^>]*name="(mark-\d+)" value="(\w+)"[^>]*checked>')
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def lesson(make):
    """A class that started an hour ago, taught by one trainer, with three trainees."""
    return a_class(make, trainees=3)


def a_class(make, trainees=3, started=timedelta(hours=1), hours=4, county=HERE):
    trainer = make.user("trainer", county_code=county, display_name="李老师")
    cohort = make.cohort(county_code=county, trainers=[trainer])
    session = make.session(cohort, starts_at=datetime.now(UTC) - started, hours=hours)
    enrollments = [make.enrollment(trainee=make.trainee(name=f"学员{i:02d}"), cohort=cohort) for i in range(trainees)]
    db.session.commit()
    return SimpleNamespace(
        trainer=trainer, cohort=cohort, session=session, enrollments=enrollments, url=f"/sessions/{session.id}/roster"
    )


def loaded_form(client, url: str) -> dict:
    """What the roster page posts as loaded, the way a browser would: hidden fields and checked radios."""
    html = client.get(url).get_data(as_text=True)
    form = dict(HIDDEN.findall(html)) | dict(CHECKED.findall(html))
    form["csrf_token"] = CSRF.search(html).group(1)
    return form


def marks(form: dict, enrollments, *statuses) -> dict:
    for enrollment, status in zip(enrollments, statuses, strict=False):
        if status:
            form[f"mark-{enrollment.id}"] = status
    return form


def stored(session) -> dict[int, str]:
    db.session.expire_all()
    return dict(
        db.session.execute(
            select(Attendance.enrollment_id, Attendance.status).where(Attendance.session_id == session.id)
        ).all()
    )


def attendance_events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "attendance").order_by(AuditEvent.id))
    )


def test_a_trainer_marks_trainees_on_the_roster(client, auth, lesson):
    auth.login(lesson.trainer)
    e = lesson.enrollments

    response = client.post(lesson.url, data=marks(loaded_form(client, lesson.url), e, "present", "late", "absent"))

    assert response.status_code == 302
    assert stored(lesson.session) == {e[0].id: "present", e[1].id: "late", e[2].id: "absent"}
    mark = db.session.scalar(select(Attendance).where(Attendance.enrollment_id == e[1].id))
    assert (mark.method, mark.marked_by_id, mark.version) == ("roster", lesson.trainer.id, 1)
    page = client.get(response.location).get_data(as_text=True)
    assert texts(page, "alert-success") == ["Saved: 3 change(s)."]


def test_the_roster_lists_everyone_holding_a_place_with_masked_ids(client, auth, make, lesson):
    for status in ("completed", "failed", "applied", "waitlisted", "withdrawn", "declined"):
        make.enrollment(trainee=make.trainee(name=f"状态{status}"), cohort=lesson.cohort, status=status)
    db.session.commit()
    auth.login(lesson.trainer)

    html = client.get(lesson.url).get_data(as_text=True)

    names = texts(html, "roster-name")
    assert names == sorted(["学员00", "学员01", "学员02", "状态completed", "状态failed"])
    trainee = lesson.enrollments[0].trainee
    assert trainee.id_number not in html
    assert trainee.id_number[:6] + "********" + trainee.id_number[-4:] in html


def test_all_present_marks_everyone_not_yet_marked(client, auth, make, lesson):
    e = lesson.enrollments
    make.attendance(e[2], lesson.session, "absent")
    db.session.commit()
    auth.login(lesson.trainer)

    form = loaded_form(client, lesson.url) | {"all_present": "1"}
    client.post(lesson.url, data=form)

    assert stored(lesson.session) == {e[0].id: "present", e[1].id: "present", e[2].id: "absent"}


def test_the_plain_form_has_four_radio_buttons_per_trainee_and_no_inline_script_or_style(client, auth, lesson):
    auth.login(lesson.trainer)

    html = client.get(lesson.url).get_data(as_text=True)

    for enrollment in lesson.enrollments:
        values = re.findall(rf'type="radio"[^>]*name="mark-{enrollment.id}" value="(\w+)"', html)
        assert values == ["present", "late", "absent", "excused"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html
    assert "js/roster.js" in html and "css/attendance.css" in html


def test_the_plain_form_saves_without_javascript(client, auth, lesson):
    """Exactly what a browser without JavaScript sends: hidden fields and the chosen radios."""
    auth.login(lesson.trainer)
    e = lesson.enrollments
    form = loaded_form(client, lesson.url)
    form[f"mark-{e[0].id}"] = "excused"

    response = client.post(lesson.url, data=form)

    assert response.status_code == 302
    assert stored(lesson.session) == {e[0].id: "excused"}


def test_saving_the_same_marks_twice_changes_nothing_and_writes_no_audit_events(client, auth, lesson):
    auth.login(lesson.trainer)
    form = marks(loaded_form(client, lesson.url), lesson.enrollments, "present", "late", "absent")
    client.post(lesson.url, data=form)
    events = len(attendance_events())
    versions = dict(db.session.execute(select(Attendance.enrollment_id, Attendance.version)).all())

    response = client.post(lesson.url, data=form)

    assert response.status_code == 302
    assert len(attendance_events()) == events == 3
    assert dict(db.session.execute(select(Attendance.enrollment_id, Attendance.version)).all()) == versions
    assert "Nothing changed." in client.get(response.location).get_data(as_text=True)


def test_a_mark_changed_by_someone_else_since_the_page_loaded_is_reported_and_not_overwritten(
    client, auth, make, lesson
):
    e = lesson.enrollments
    colleague = make.user("trainer", county_code=HERE, display_name="王老师")
    lesson.cohort.trainers.append(colleague)
    db.session.commit()
    auth.login(lesson.trainer)
    mine = loaded_form(client, lesson.url)
    auth.logout()
    auth.login(colleague)
    theirs = loaded_form(client, lesson.url)
    client.post(lesson.url, data=marks(theirs, e, "late"))
    auth.logout()
    auth.login(lesson.trainer)

    response = client.post(
        lesson.url,
        data=marks(mine | {"csrf_token": loaded_form(client, lesson.url)["csrf_token"]}, e, "absent", "present"),
    )

    assert stored(lesson.session) == {e[0].id: "late", e[1].id: "present"}
    page = client.get(response.location).get_data(as_text=True)
    warning = " ".join(texts(page, "alert-warning"))
    assert "学员00" in warning and "王老师" in warning and "Absent" in warning and "Late" in warning
    assert re.search(rf'name="mark-{e[0].id}" value="late"[^>]*checked', page)
    assert "roster-conflict" in page


def test_a_line_not_touched_on_an_older_page_is_left_alone_without_a_conflict(client, auth, lesson):
    e = lesson.enrollments
    auth.login(lesson.trainer)
    older = loaded_form(client, lesson.url)
    client.post(lesson.url, data=marks(loaded_form(client, lesson.url), e, "late"))

    response = client.post(lesson.url, data=marks(older, e, None, "absent"))

    assert stored(lesson.session) == {e[0].id: "late", e[1].id: "absent"}
    assert not texts(client.get(response.location).get_data(as_text=True), "alert-warning")


def test_a_session_that_has_not_started_cannot_be_marked(client, auth, make):
    later = a_class(make, started=-timedelta(hours=2))
    auth.login(later.trainer)

    response = client.post(later.url, data=marks(loaded_form(client, later.url), later.enrollments, "present"))

    assert response.status_code == 409
    assert "has not started yet" in " ".join(texts(response.get_data(as_text=True), "alert-danger"))
    assert stored(later.session) == {}


@pytest.mark.parametrize(("ended_hours_ago", "saved"), [(47, True), (49, False)])
def test_a_trainer_may_change_marks_until_48_hours_after_the_end(client, auth, make, ended_hours_ago, saved):
    past = a_class(make, started=timedelta(hours=ended_hours_ago + 4), hours=4)
    auth.login(past.trainer)

    response = client.post(past.url, data=marks(loaded_form(client, past.url), past.enrollments, "absent"))

    assert bool(stored(past.session)) is saved
    if not saved:
        assert response.status_code == 409
        assert "Ask a coordinator" in " ".join(texts(response.get_data(as_text=True), "alert-danger"))


def test_the_locked_roster_is_read_only_for_the_trainer(client, auth, make):
    past = a_class(make, started=timedelta(days=5))
    auth.login(past.trainer)

    html = client.get(past.url).get_data(as_text=True)

    assert len(re.findall(r"<fieldset[^>]* disabled>", html)) == len(past.enrollments)
    assert 'name="reason"' not in html and "Save attendance" not in html


def test_a_coordinator_corrects_a_locked_session_with_a_written_reason(client, auth, make):
    past = a_class(make, started=timedelta(days=5))
    make.attendance(past.enrollments[0], past.session, "absent", version=1)
    db.session.commit()
    coordinator = auth.login("coordinator", county=HERE)
    form = loaded_form(client, past.url)
    assert 'name="reason"' in client.get(past.url).get_data(as_text=True)

    client.post(past.url, data=marks(form, past.enrollments, "excused") | {"reason": "病假条补交"})

    mark = db.session.scalar(select(Attendance).where(Attendance.enrollment_id == past.enrollments[0].id))
    assert (mark.status, mark.method, mark.marked_by_id, mark.version) == ("excused", "correction", coordinator.id, 2)
    event = attendance_events()[-1]
    assert event.action == "attendance_corrected"
    assert event.before == {"status": "absent"}
    assert event.after["status"] == "excused" and event.after["method"] == "correction"
    assert event.after["reason"] == "病假条补交"


def test_a_coordinator_correction_without_a_reason_is_refused(client, auth, make):
    past = a_class(make, started=timedelta(days=5))
    auth.login("coordinator", county=HERE)

    response = client.post(past.url, data=marks(loaded_form(client, past.url), past.enrollments, "present"))

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "give a reason" in " ".join(texts(html, "alert-danger"))
    assert stored(past.session) == {}
    # The page comes back as posted: the correction need not be tapped again.
    assert re.search(rf'name="mark-{past.enrollments[0].id}" value="present"[^>]*checked', html)
    assert 'name="reason"' in html


def test_a_trainer_cannot_mark_a_cohort_they_do_not_teach(client, auth, lesson):
    outsider = auth.login("trainer", county=HERE)

    page = client.get(lesson.url)
    post = client.submit(
        lesson.url,
        {f"mark-{lesson.enrollments[0].id}": "present", f"version-{lesson.enrollments[0].id}": "0"},
        page="/",
    )

    assert page.status_code == post.status_code == 403
    assert stored(lesson.session) == {}
    denials = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "access_denied", AuditEvent.actor_id == outsider.id)
    ).all()
    assert len(denials) == 2 and denials[0].entity_id == str(lesson.cohort.id)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator here", 200),
        ("city coordinator", 200),
        ("admin", 200),
        ("coordinator there", 403),
        ("trainee", 404),
    ],
)
def test_who_may_open_the_roster(client, auth, make, lesson, who, status):
    users = {
        "coordinator here": lambda: make.user("coordinator", county_code=HERE),
        "city coordinator": lambda: make.user("coordinator"),
        "admin": lambda: make.user("admin"),
        "coordinator there": lambda: make.user("coordinator", county_code=THERE),
        "trainee": lambda: make.trainee_user(lesson.enrollments[0].trainee),
    }
    user = users[who]()
    db.session.commit()
    auth.login(user)

    assert client.get(lesson.url).status_code == status
    assert client.get(lesson.url + ".json").status_code == status


def test_every_change_is_audited_with_the_old_and_the_new_status(client, auth, lesson):
    e = lesson.enrollments
    auth.login(lesson.trainer)
    client.post(lesson.url, data=marks(loaded_form(client, lesson.url), e, "absent"))
    client.post(lesson.url, data=marks(loaded_form(client, lesson.url), e, "late"))

    events = attendance_events()

    assert [(ev.action, ev.before, ev.after["status"], ev.after["method"]) for ev in events] == [
        ("attendance_marked", {"status": None}, "absent", "roster"),
        ("attendance_marked", {"status": "absent"}, "late", "roster"),
    ]
    mark_id = db.session.scalar(select(Attendance.id).where(Attendance.enrollment_id == e[0].id))
    assert {ev.entity_id for ev in events} == {str(mark_id)}
    assert {ev.actor_id for ev in events} == {lesson.trainer.id}


def test_roster_json_gives_each_line_its_mark_version_and_method(client, auth, make, lesson):
    e = lesson.enrollments
    make.attendance(e[1], lesson.session, "present", method="qr", version=1)
    db.session.commit()
    auth.login(lesson.trainer)

    response = client.get(lesson.url + ".json")

    assert response.headers["Cache-Control"] == "no-store"
    rows = {row["id"]: row for row in response.json["rows"]}
    assert (rows[e[1].id]["status"], rows[e[1].id]["version"], rows[e[1].id]["method"]) == ("present", 1, "qr")
    assert (rows[e[0].id]["status"], rows[e[0].id]["version"]) == (None, 0)
    assert response.json["counts"] == {"present": 1, "late": 0, "absent": 0, "excused": 0, "unmarked": 2}


def test_the_roster_shows_who_checked_in_by_qr_or_by_code(client, auth, make, lesson):
    e = lesson.enrollments
    make.attendance(e[0], lesson.session, "present", method="qr")
    make.attendance(e[1], lesson.session, "present", method="code")
    db.session.commit()
    auth.login(lesson.trainer)

    html = client.get(lesson.url).get_data(as_text=True)

    via = texts(html, "roster-via")
    assert via[0].startswith("QR") and via[1].startswith("Code") and via[2] == ""
    assert dict(re.findall(r'data-count="(\w+)">(\d+)', html)) == {
        "present": "2",
        "late": "0",
        "absent": "0",
        "excused": "0",
        "unmarked": "1",
    }


def test_the_roster_of_a_withdrawn_trainee_is_not_saved(client, auth, make, lesson):
    gone = make.enrollment(trainee=make.trainee(), cohort=lesson.cohort, status=EnrollmentStatus.WITHDRAWN)
    db.session.commit()
    auth.login(lesson.trainer)

    client.post(
        lesson.url, data=loaded_form(client, lesson.url) | {f"mark-{gone.id}": "present", f"version-{gone.id}": "0"}
    )

    assert stored(lesson.session) == {}
