"""The opening checks (catalog.opening): a cohort opens or starts only with a timetable that covers its
course's hours within its dates, trainers booked once at a time and a roster within its places."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import translated_app
from tests.support.statements import statements_sent
from tests.support.translations import compiled_translations
from training.catalog import opening, services
from training.catalog.services import StatusChangeRefused
from training.extensions import db
from training.models import AuditEvent, EnrollmentStatus

pytestmark = pytest.mark.usefixtures("english")

START = date(2026, 9, 7)  # a Monday
STEPS = pytest.mark.parametrize(("before", "after"), [("draft", "open"), ("open", "running")])
ZONE = "Asia/Shanghai"


@pytest.fixture(autouse=True)
def no_filing_needed(app):
    """The class-opening filing's own refusal on starting (filing.gate) is tested with the filing."""
    app.config["FILING_REQUIRED_TO_START"] = 0


def at(day: date, hour: int) -> datetime:
    """A time in Shanghai, as stored (UTC)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
def trainer(make):
    return make.user("trainer", county_code="610924", display_name="李春梅")


def refused(cohort, after) -> list[str]:
    before = cohort.status
    with pytest.raises(StatusChangeRefused) as refusal:
        services.change_status(cohort, after, ZONE)
    assert cohort.status == before
    assert str(refusal.value) == " ".join(refusal.value.problems)
    return refusal.value.problems


@STEPS
def test_a_cohort_whose_timetable_covers_its_hours_opens_and_starts(make, trainer, before, after):
    cohort = make.cohort(status=before, start_date=START, trainers=[trainer], timetable=True)
    services.change_status(cohort, after, ZONE)
    assert cohort.status == after


@STEPS
def test_a_cohort_without_sessions_is_refused(make, before, after):
    cohort = make.cohort(status=before, start_date=START)
    assert refused(cohort, after) == [
        "This cohort has no sessions yet. Schedule its sessions before it opens or starts."
    ]


@STEPS
def test_sessions_short_of_the_course_hours_are_refused_with_the_hours(make, before, after):
    cohort = make.cohort(course=make.course(total_hours=40), status=before, start_date=START, sessions=2)
    make.session(cohort, starts_at=at(START + timedelta(days=3), 9), hours=2.5)
    assert refused(cohort, after) == [
        "The sessions add up to 10.5 hours; the course requires 40. Schedule the missing 29.5 hours."
    ]


@STEPS
def test_a_session_outside_the_cohort_dates_is_refused_naming_its_day(app, make, before, after):
    cohort = make.cohort(status=before, start_date=START, timetable=True)
    make.session(cohort, starts_at=at(START - timedelta(days=1), 9))
    make.session(cohort, starts_at=at(cohort.end_date + timedelta(days=2), 9))
    after_end = (cohort.end_date + timedelta(days=2)).isoformat()
    with app.test_request_context(headers={"Cookie": "jfw_lang=en"}):  # the days listed in English
        problems = refused(cohort, after)
    assert problems == [
        f"Sessions outside the cohort's dates (2026-09-07 to {cohort.end_date.isoformat()}): "
        f"2026-09-06 and {after_end}. Move them, or change the cohort's dates."
    ]


def test_the_days_are_those_of_the_centre_not_of_utc(make):
    cohort = make.cohort(status="draft", start_date=START, timetable=True)
    make.session(cohort, starts_at=at(START, 7))  # 23:00 UTC the day before
    services.change_status(cohort, "open", ZONE)
    assert cohort.status == "open"


@STEPS
def test_a_trainer_booked_in_another_cohort_at_the_same_time_is_refused_naming_both(make, trainer, before, after):
    other = make.cohort(code="ZY-2026-07", status="running", start_date=START, trainers=[trainer])
    make.session(other, starts_at=at(START + timedelta(days=1), 15), hours=3)
    cohort = make.cohort(code="ZY-2026-09", status=before, start_date=START, trainers=[trainer], timetable=True)
    assert refused(cohort, after) == [
        "李春梅 would teach two sessions at once: ZY-2026-09 2026-09-08 14:00–18:00 and "
        "ZY-2026-07 2026-09-08 15:00–18:00."
    ]


def test_every_overlap_with_the_same_cohort_makes_one_message_that_counts_them(make, trainer):
    other = make.cohort(code="ZY-2026-07", status="open", start_date=START, trainers=[trainer], timetable=True)
    cohort = make.cohort(code="ZY-2026-09", status="draft", start_date=START, trainers=[trainer], timetable=True)
    (problem,) = refused(cohort, "open")
    assert problem.startswith(
        "李春梅 would teach two sessions at once: ZY-2026-09 2026-09-07 09:00–13:00 and ZY-2026-07"
    )
    assert problem.endswith(f"{len(other.sessions)} overlapping sessions in all.")


def test_sessions_that_only_touch_do_not_overlap(make, trainer):
    other = make.cohort(status="running", start_date=START, trainers=[trainer])
    make.session(other, starts_at=at(START, 13), hours=1)  # 13:00–14:00, then 14:00–18:00 here
    cohort = make.cohort(status="draft", start_date=START, trainers=[trainer], timetable=True)
    services.change_status(cohort, "open", ZONE)
    assert cohort.status == "open"


@pytest.mark.parametrize("other_status", ["draft", "closed"])
def test_a_draft_or_closed_cohort_does_not_book_its_trainer(make, trainer, other_status):
    make.cohort(status=other_status, start_date=START, trainers=[trainer], timetable=True)
    cohort = make.cohort(status="draft", start_date=START, trainers=[trainer], timetable=True)
    services.change_status(cohort, "open", ZONE)
    assert cohort.status == "open"


def test_another_trainer_at_the_same_time_is_no_clash(make, trainer):
    make.cohort(status="running", start_date=START, trainers=[make.user("trainer")], timetable=True)
    cohort = make.cohort(status="draft", start_date=START, trainers=[trainer], timetable=True)
    services.change_status(cohort, "open", ZONE)
    assert cohort.status == "open"


def test_the_trainer_clashes_cost_one_statement_however_many_cohorts_and_sessions(make, trainer):
    for _ in range(4):
        make.cohort(status="running", start_date=START, trainers=[trainer, make.user("trainer")], timetable=True)
    cohort = make.cohort(status="draft", start_date=START, trainers=[trainer], timetable=True)
    with statements_sent() as sent:
        clashes = opening.trainer_clashes(cohort.id)
    assert len(clashes) == 4
    assert len(sent) == 1


@STEPS
def test_a_roster_beyond_the_capacity_is_refused_with_the_numbers(make, before, after):
    cohort = make.cohort(status=before, start_date=START, capacity=2, timetable=True)
    for status in ["enrolled", "enrolled", "enrolled", "waitlisted"]:
        make.enrollment(cohort=cohort, status=status)
    assert refused(cohort, after) == [
        "3 trainees are on the roster, more than the 2 places. Withdraw some, or raise the capacity."
    ]


def test_every_problem_is_given_at_once(make, trainer):
    other = make.cohort(status="open", start_date=START, trainers=[trainer])
    make.session(other, starts_at=at(START, 9))
    cohort = make.cohort(status="draft", start_date=START, trainers=[trainer], capacity=1, sessions=1)
    make.session(cohort, starts_at=at(START - timedelta(days=3), 9))
    make.enrollment(cohort=cohort, status=EnrollmentStatus.ENROLLED)
    make.enrollment(cohort=cohort, status=EnrollmentStatus.ENROLLED)
    problems = refused(cohort, "open")
    assert [p.split(" ")[0] for p in problems] == ["The", "Sessions", "李春梅", "2"]


def test_the_cohort_page_shows_every_problem_and_nothing_changes(client, auth, make):
    cohort = make.cohort(status="draft", start_date=START, capacity=1, sessions=1)
    make.enrollment(cohort=cohort)
    make.enrollment(cohort=cohort)
    auth.login("coordinator", county="610924")
    response = client.submit(
        f"/cohorts/{cohort.id}/status", {"status": "open"}, page=f"/cohorts/{cohort.id}", follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "The sessions add up to 4 hours; the course requires 40." in html
    assert "2 trainees are on the roster, more than the 1 places." in html
    db.session.refresh(cohort)
    assert cohort.status == "draft"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_status_changed")) is None


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


def test_the_refusal_reads_in_chinese(database_url, translation_directory):
    from tests.factories import Factories

    with translated_app(database_url, translation_directory) as app, app.test_request_context():
        make = Factories()
        trainer = make.user("trainer", county_code="610924", display_name="李春梅")
        other = make.cohort(code="ZY-2026-07", status="running", start_date=START, trainers=[trainer])
        make.session(other, starts_at=at(START, 10), hours=2)
        cohort = make.cohort(code="ZY-2026-09", status="draft", start_date=START, trainers=[trainer], sessions=2)
        make.session(cohort, starts_at=at(START - timedelta(days=1), 9))
        with pytest.raises(StatusChangeRefused) as refusal:
            services.change_status(cohort, "open", ZONE)
    assert refusal.value.problems == [
        "各课次合计 12 课时，培训项目要求 40 课时。请补排所缺的 28 课时。",
        f"有课次不在培训班的日期（2026-09-07 至 {cohort.end_date.isoformat()}）之内：2026-09-06。"
        "请调整这些课次，或修改培训班的日期。",
        "李春梅 将同时上两节课：ZY-2026-09 2026-09-07 09:00–13:00 与 ZY-2026-07 2026-09-07 10:00–12:00。",
    ]
