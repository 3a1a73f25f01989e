"""The schedule generator on the cohort page: preview, then create, never over existing sessions."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from training.extensions import db
from training.models import AuditEvent, ClassSession

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def cohort(make):
    """Monday 2 March to Friday 13 March 2026, for a 40-hour course."""
    return make.cohort(
        course=make.course(total_hours=40), start_date=date(2026, 3, 2), end_date=date(2026, 3, 13), status="draft"
    )


def schedule(**overrides) -> dict:
    values = {
        "weekdays": ["0", "2", "4"],
        "first_starts": "08:00",
        "first_ends": "12:00",
        "first_kind": "theory",
        "second_starts": "",
        "second_ends": "",
        "second_kind": "practice",
        "topic": "",
        "holidays": "",
    }
    values.update(overrides)
    return values


def generate(client, cohort, action="create", **overrides):
    data = schedule(**overrides) | {action: "x"}
    return client.submit(f"/cohorts/{cohort.id}/schedule", data, page=f"/cohorts/{cohort.id}")


def stored(cohort) -> list[ClassSession]:
    return list(
        db.session.scalars(
            select(ClassSession).where(ClassSession.cohort_id == cohort.id).order_by(ClassSession.starts_at)
        )
    )


def test_preview_shows_the_count_and_hours_and_creates_nothing(client, auth, cohort):
    auth.login("coordinator", county="610924")
    response = generate(client, cohort, "preview")
    page = response.get_data(as_text=True)
    assert "6 sessions, 24 hours" in page
    assert "Create the sessions" in page
    assert stored(cohort) == []


def test_sessions_are_created_on_the_chosen_weekdays(client, auth, cohort):
    auth.login("coordinator")
    response = generate(client, cohort)
    assert response.status_code == 302
    days = [s.starts_at.astimezone(UTC).date() for s in stored(cohort)]
    assert days == [date(2026, 3, d) for d in (2, 4, 6, 9, 11, 13)]


def test_holidays_are_skipped(client, auth, cohort):
    auth.login("coordinator")
    generate(client, cohort, holidays="2026-03-04\n\n2026-03-11\n2026-05-01")
    assert [s.starts_at.day for s in stored(cohort)] == [2, 6, 9, 13]


def test_local_times_are_stored_in_utc(client, auth, cohort):
    auth.login("coordinator")
    generate(client, cohort)
    first = stored(cohort)[0]
    assert first.starts_at == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 08:00 in Asia/Shanghai
    assert first.ends_at == datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


def test_two_daily_slots_sum_their_hours_and_keep_their_kinds(client, auth, cohort):
    auth.login("coordinator")
    generate(client, cohort, second_starts="14:00", second_ends="17:30", topic="足部护理基础")
    sessions = stored(cohort)
    assert len(sessions) == 12
    assert sum(s.hours for s in sessions) == Decimal("45.0")
    assert {(s.kind, s.hours) for s in sessions} == {("theory", Decimal("4.0")), ("practice", Decimal("3.5"))}
    assert {s.topic for s in sessions} == {"足部护理基础"}


def test_generating_is_audited(client, auth, cohort):
    auth.login("coordinator")
    generate(client, cohort)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sessions_generated"))
    assert (event.entity_id, event.after["count"], event.after["hours"]) == (str(cohort.id), 6, "24.0")


def test_sessions_colliding_with_existing_ones_are_refused(client, auth, make, cohort):
    make.session(cohort, starts_at=datetime(2026, 3, 9, 1, 0, tzinfo=UTC), hours=2)  # 09:00–11:00 local
    auth.login("coordinator")
    response = generate(client, cohort)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "1 of the new sessions overlap sessions already scheduled, the first at 2026-03-09 08:00." in page
    assert len(stored(cohort)) == 1


def test_generating_the_same_schedule_twice_is_refused(client, auth, cohort):
    auth.login("coordinator")
    generate(client, cohort)
    response = generate(client, cohort)
    assert "6 of the new sessions overlap sessions already scheduled" in response.get_data(as_text=True)
    assert len(stored(cohort)) == 6


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weekdays": []}, "Choose at least one weekday."),
        ({"holidays": "2026-03-04\n4 March"}, "“4 March” is not a date as YYYY-MM-DD."),
        ({"first_ends": "07:00"}, "The end must be after the start."),
        ({"second_starts": "14:00"}, "Give both the start and the end of the second slot, or neither."),
        ({"second_starts": "11:00", "second_ends": "13:00"}, "The two time slots overlap."),
        (
            {"weekdays": ["6"], "holidays": "2026-03-08"},
            "No day from 2026-03-02 to 2026-03-13 falls on the chosen weekdays.",
        ),
    ],
)
def test_an_impossible_schedule_is_explained_and_creates_nothing(client, auth, cohort, overrides, message):
    auth.login("coordinator")
    response = generate(client, cohort, **overrides)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert stored(cohort) == []


def test_a_refused_schedule_keeps_what_was_typed(client, auth, cohort):
    auth.login("coordinator")
    page = generate(client, cohort, holidays="2026-03-04\nnot a date", first_starts="08:30").get_data(as_text=True)
    assert "2026-03-04\nnot a date" in page
    assert 'value="08:30"' in page


def test_a_closed_cohort_gets_no_new_sessions(client, auth, make):
    cohort = make.cohort(status="closed", start_date=date(2026, 3, 2))
    auth.login("coordinator")
    response = generate(client, cohort)
    assert "The cohort is closed and can no longer change." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ClassSession)) == 0


def test_the_page_warns_when_scheduled_hours_differ_from_the_course(client, auth, make, cohort):
    make.session(cohort, starts_at=datetime(2026, 3, 2, 0, 0, tzinfo=UTC), hours=4)
    auth.login("coordinator")
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "The timetable has 4 hours but the course requires 40." in page


def test_the_page_does_not_warn_when_the_hours_match(client, auth, make, cohort):
    for day in range(10):
        make.session(cohort, starts_at=datetime(2026, 3, 2 + day, 0, 0, tzinfo=UTC), hours=4)
    auth.login("coordinator")
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "hours-warning" not in page
    assert "40 <small" in page
