"""Editing and deleting one session of a cohort's timetable."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from training.extensions import db
from training.models import Attendance, AuditEvent, ClassSession

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def cohort(make):
    return make.cohort(start_date=date(2026, 3, 2), end_date=date(2026, 3, 13))


@pytest.fixture
def session(make, cohort):
    """Monday 2 March 2026, 08:00–12:00 in Asia/Shanghai."""
    return make.session(cohort, starts_at=datetime(2026, 3, 2, 0, 0, tzinfo=UTC), hours=4)


def session_form(**overrides) -> dict:
    values = {
        "day": "2026-03-03",
        "starts": "14:00",
        "ends": "17:00",
        "hours": "",
        "topic": "修脚工具的使用",
        "kind": "practice",
        "location": "金川社区二楼",
    }
    values.update(overrides)
    return values


def url(session) -> str:
    return f"/cohorts/{session.cohort_id}/sessions/{session.id}"


def test_the_edit_form_shows_the_session_in_local_time(client, auth, session):
    auth.login("coordinator")
    page = client.get(url(session)).get_data(as_text=True)
    assert 'value="2026-03-02"' in page and 'value="08:00"' in page and 'value="12:00"' in page


def test_coordinator_moves_a_session_and_its_hours_follow_the_times(client, auth, session):
    auth.login("coordinator")
    response = client.submit(url(session), session_form())
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.starts_at == datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
    assert session.ends_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert (session.hours, session.topic, session.kind, session.location) == (
        Decimal("3.0"),
        "修脚工具的使用",
        "practice",
        "金川社区二楼",
    )


def test_a_session_may_count_fewer_hours_than_it_lasts(client, auth, session):
    auth.login("coordinator")
    client.submit(url(session), session_form(hours="2.5"))
    db.session.refresh(session)
    assert session.hours == Decimal("2.5")


def test_editing_a_session_is_audited(client, auth, session):
    auth.login("coordinator")
    client.submit(url(session), session_form())
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session_updated"))
    assert (event.before["kind"], event.after["kind"]) == ("theory", "practice")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"day": "2026-03-20"}, "The date must be between the cohort&#39;s start and end dates."),
        ({"ends": "13:00"}, "The end must be after the start."),
        ({"hours": "5"}, "The session lasts 3 hours; it cannot count for more."),
        (
            {"day": "2026-03-04", "starts": "09:00", "ends": "10:00"},
            "This time overlaps another session of the cohort.",
        ),
    ],
)
def test_an_impossible_session_change_is_explained_and_changes_nothing(client, auth, make, session, overrides, message):
    make.session(session.cohort, starts_at=datetime(2026, 3, 4, 0, 0, tzinfo=UTC), hours=4)
    auth.login("coordinator")
    response = client.submit(url(session), session_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.refresh(session)
    assert session.starts_at == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def test_a_session_without_attendance_is_deleted(client, auth, session):
    auth.login("coordinator")
    response = client.submit(f"{url(session)}/delete", page=f"/cohorts/{session.cohort_id}")
    assert response.status_code == 302
    assert db.session.scalar(select(ClassSession)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session_deleted"))


def test_a_session_with_attendance_cannot_be_deleted(client, auth, make, session):
    enrollment = make.enrollment(cohort=session.cohort)
    db.session.add(Attendance(enrollment=enrollment, session=session, status="present"))
    db.session.commit()
    auth.login("coordinator")
    page = client.get(f"/cohorts/{session.cohort_id}").get_data(as_text=True)
    assert "Attendance recorded" in page
    response = client.submit(f"{url(session)}/delete", page=f"/cohorts/{session.cohort_id}", follow_redirects=True)
    assert "Attendance has been recorded for this session; it cannot be deleted." in response.get_data(as_text=True)
    assert db.session.get(ClassSession, session.id) is not None


def test_a_session_is_only_reached_through_its_own_cohort(client, auth, make, session):
    other = make.cohort()
    auth.login("coordinator")
    assert client.get(f"/cohorts/{other.id}/sessions/{session.id}").status_code == 404


def test_the_timetable_lists_date_time_hours_topic_and_kind(client, auth, session):
    auth.login("coordinator")
    page = client.get(f"/cohorts/{session.cohort_id}").get_data(as_text=True)
    row = page.split('class="session-row"')[1].split("</tr>")[0]
    for shown in ("Mar 2, 2026", "Mon", "08:00–12:00", ">4<", "理论授课", "Theory"):
        assert shown in row
