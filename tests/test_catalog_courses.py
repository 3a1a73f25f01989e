"""Courses: city-level coordinators and admins create, edit, retire and delete them; county coordinators read."""

import pytest
from sqlalchemy import select

from training.extensions import db
from training.models import AuditEvent, Course

pytestmark = pytest.mark.usefixtures("english")


def course_form(**overrides) -> dict:
    values = {
        "code": "ZBXH-5",
        "name": "足部修护师（五级）",
        "occupation": "足部修护师",
        "level": "5",
        "labour_brand": "紫阳修脚",
        "total_hours": "120",
        "min_attendance_pct": "80",
        "pass_score": "60",
    }
    values.update(overrides)
    return values


def test_city_coordinator_creates_a_course(client, auth):
    auth.login("coordinator")
    response = client.submit("/courses/new", course_form())
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.code == "ZBXH-5"))
    assert (course.name, course.level, course.total_hours) == ("足部修护师（五级）", 5, 120)
    assert course.active
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course_created"))


def test_new_course_form_proposes_the_default_attendance_and_pass_score(client, auth):
    auth.login("admin")
    page = client.get("/courses/new").get_data(as_text=True)
    assert 'name="min_attendance_pct" required type="number" value="80"' in page
    assert 'name="pass_score" required type="number" value="60"' in page


def test_a_course_code_already_used_is_refused_with_a_message(client, auth, make):
    make.course(code="ZBXH-5")
    auth.login("coordinator")
    response = client.submit("/courses/new", course_form(code="zbxh-5", name="另一个"))
    assert response.status_code == 200
    assert "The course code zbxh-5 is already used." in response.get_data(as_text=True)
    assert db.session.scalar(select(Course).where(Course.name == "另一个")) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("total_hours", "0"),
        ("min_attendance_pct", "101"),
        ("pass_score", "-1"),
        ("name", ""),
        ("level", "6"),
    ],
)
def test_a_course_with_an_invalid_field_is_not_stored(client, auth, field, value):
    auth.login("coordinator")
    response = client.submit("/courses/new", course_form(**{field: value}))
    assert response.status_code == 200
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert db.session.scalar(select(Course)) is None


def test_a_refused_course_form_keeps_what_was_typed(client, auth):
    auth.login("coordinator")
    page = client.submit("/courses/new", course_form(total_hours="0", labour_brand="安康月嫂")).get_data(as_text=True)
    assert 'value="安康月嫂"' in page


def test_editing_a_course_saves_and_audits_the_change(client, auth, make):
    course = make.course(code="CYS-5", total_hours=80)
    auth.login("admin")
    response = client.submit(f"/courses/{course.id}", course_form(code="CYS-5", total_hours="96"))
    assert response.status_code == 302
    db.session.refresh(course)
    assert course.total_hours == 96
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course_updated"))
    assert (event.before["total_hours"], event.after["total_hours"]) == (80, 96)


def test_a_course_is_switched_to_sign_in_and_sign_out_on_its_form_and_audited(client, auth, make):
    course = make.course(code="CYS-5")
    auth.login("admin")
    assert 'name="marks_per_session"' in client.get(f"/courses/{course.id}").get_data(as_text=True)
    response = client.submit(f"/courses/{course.id}", course_form(code="CYS-5", marks_per_session="2"))
    assert response.status_code == 302
    db.session.refresh(course)
    assert (course.marks_per_session, course.signs_out) == (2, True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course_updated"))
    assert (event.before["marks_per_session"], event.after["marks_per_session"]) == (1, 2)
    refused = client.submit(f"/courses/{course.id}", course_form(code="CYS-5", marks_per_session="3"))
    assert refused.status_code == 200
    db.session.refresh(course)
    assert course.marks_per_session == 2


def test_the_marks_per_session_do_not_change_while_a_class_of_the_course_runs(client, auth, make):
    course = make.course(code="CYS-5")
    make.cohort(course=course, status="running")
    auth.login("admin")
    refused = client.submit(f"/courses/{course.id}", course_form(code="CYS-5", marks_per_session="2"))
    assert refused.status_code == 200
    assert "the number of marks per session changes once it has finished" in refused.get_data(as_text=True)
    db.session.refresh(course)
    assert course.marks_per_session == 1


def test_a_course_keeps_its_own_code_when_edited(client, auth, make):
    course = make.course(code="CYS-5")
    auth.login("admin")
    response = client.submit(f"/courses/{course.id}", course_form(code="CYS-5", name="茶艺师（五级）"))
    assert response.status_code == 302


def test_retiring_a_course_keeps_it_and_its_cohorts(client, auth, make):
    cohort = make.cohort()
    auth.login("coordinator")
    client.submit(f"/courses/{cohort.course_id}/retire", page=f"/courses/{cohort.course_id}")
    course = db.session.get(Course, cohort.course_id)
    db.session.refresh(course)
    assert course.active is False
    assert "Retired" in client.get("/courses").get_data(as_text=True)


def test_a_retired_course_is_not_offered_for_new_cohorts(client, auth, make):
    make.course(code="OLD-1", active=False)
    make.course(code="NEW-1")
    auth.login("coordinator")
    page = client.get("/cohorts/new").get_data(as_text=True)
    assert "NEW-1" in page and "OLD-1" not in page


def test_a_course_without_cohorts_can_be_deleted(client, auth, make):
    course = make.course()
    auth.login("coordinator")
    response = client.submit(f"/courses/{course.id}/delete", page=f"/courses/{course.id}")
    assert response.status_code == 302
    assert db.session.scalar(select(Course)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course_deleted"))


def test_a_course_with_cohorts_cannot_be_deleted(client, auth, make):
    cohort = make.cohort()
    auth.login("coordinator")
    response = client.submit(
        f"/courses/{cohort.course_id}/delete", page=f"/courses/{cohort.course_id}", follow_redirects=True
    )
    assert "has cohorts and cannot be deleted; retire it instead." in response.get_data(as_text=True)
    assert db.session.get(Course, cohort.course_id) is not None


def test_county_coordinator_reads_the_courses(client, auth, make):
    make.course(code="MYHL-4")
    auth.login("coordinator", county="610924")
    page = client.get("/courses").get_data(as_text=True)
    assert "MYHL-4" in page
    assert "New course" not in page


@pytest.mark.parametrize("url", ["/courses/new", "/courses/{id}"])
def test_county_coordinator_cannot_change_courses(client, auth, make, url):
    course = make.course()
    auth.login("coordinator", county="610924")
    assert client.get(url.format(id=course.id)).status_code == 403


def test_trainer_cannot_see_the_courses(client, auth):
    auth.login("trainer", county="610924")
    assert client.get("/courses").status_code == 403
