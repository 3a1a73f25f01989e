"""A cohort's training type and its subsidy standard: the one in force on its start date for its course's
occupation and level and its training type, shown while a draft, frozen when it opens and never changed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.test_catalog_cohorts import cohort_form
from training.catalog import services as catalog
from training.extensions import db
from training.models import AuditEvent, Cohort

pytestmark = pytest.mark.usefixtures("english")

START = date(2026, 3, 2)


@pytest.fixture
def course(make):
    return make.course(occupation="足部修护师", level=5, total_hours=120)


def draft(make, course, start=START, **fields) -> Cohort:
    return make.cohort(course=course, status="draft", start_date=start, timetable=True, **fields)


def frozen(cohort: Cohort) -> tuple:
    """The cohort's standard and figures as stored."""
    db.session.flush()
    db.session.expire_all()
    cohort = db.session.get(Cohort, cohort.id)
    return cohort.standard_id, cohort.standard_yuan, cohort.standard_min_hours


def open_on_the_page(client, cohort: Cohort):
    return client.submit(f"/cohorts/{cohort.id}/status", {"status": "open"}, page=f"/cohorts/{cohort.id}")


# ---- freezing --------------------------------------------------------------------------------


def test_opening_a_cohort_freezes_the_standard_in_force_on_its_start_date(make, course):
    standard = make.standard(course=course, yuan=Decimal("4500"), min_hours=90)
    cohort = draft(make, course)

    catalog.change_status(cohort, "open")

    assert frozen(cohort) == (standard.id, Decimal("4500.00"), 90)


def test_the_freeze_is_audited_with_the_figures(make, course):
    standard = make.standard(course=course, yuan=Decimal("4500"), min_hours=90)
    cohort = draft(make, course)

    catalog.change_status(cohort, "open")

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_standard_frozen"))
    assert event.after == {"standard_id": standard.id, "standard_yuan": "4500.00", "standard_min_hours": 90}


@pytest.mark.parametrize(
    ("start", "expected"),
    [(date(2025, 12, 31), "4000.00"), (date(2026, 1, 1), "4500.00")],
    ids=["the last day of the old one", "the first day of the new one"],
)
def test_the_standard_is_the_one_of_the_start_date_not_of_the_day_it_opens(make, course, start, expected):
    make.standard(course=course, yuan=Decimal("4000"), valid_from=date(2024, 1, 1), valid_to=date(2025, 12, 31))
    make.standard(course=course, yuan=Decimal("4500"), valid_from=date(2026, 1, 1))
    cohort = draft(make, course, start=start)

    catalog.change_status(cohort, "open")

    assert frozen(cohort)[1] == Decimal(expected)


def test_the_cohort_takes_the_standard_of_its_training_type(make, course):
    make.standard(course=course, training_type="project", yuan=Decimal("4500"))
    employee = make.standard(course=course, training_type="employee", yuan=Decimal("1500"))
    cohort = draft(make, course, training_type="employee")

    catalog.change_status(cohort, "open")

    assert frozen(cohort)[0] == employee.id


@pytest.mark.parametrize(
    "other",
    [{"occupation": "茶艺师"}, {"level": 4}],
    ids=["another occupation", "another level"],
)
def test_a_standard_of_another_occupation_or_level_is_not_taken(make, course, other):
    make.standard(course=course, **other)
    cohort = draft(make, course)

    catalog.change_status(cohort, "open")

    assert frozen(cohort) == (None, None, None)


def test_changing_the_start_date_of_an_open_cohort_keeps_its_standard(client, auth, make, course):
    make.standard(course=course, yuan=Decimal("4000"), valid_from=date(2024, 1, 1), valid_to=date(2026, 3, 31))
    new = make.standard(course=course, yuan=Decimal("4500"), valid_from=date(2026, 4, 1))
    cohort = draft(make, course, start=date(2026, 4, 6), code="ZY-2026-09")
    catalog.change_status(cohort, "open")
    db.session.commit()
    auth.login("coordinator")

    # into the days of the old standard
    response = client.submit(
        f"/cohorts/{cohort.id}/edit", cohort_form(course, start_date="2026-03-30", end_date="2026-05-31")
    )

    assert response.status_code == 302
    assert db.session.get(Cohort, cohort.id).start_date == date(2026, 3, 30)
    assert frozen(cohort) == (new.id, Decimal("4500.00"), new.min_hours)


def test_changing_the_course_of_an_open_cohort_keeps_its_standard_and_the_page_says_so(client, auth, make, course):
    standard = make.standard(course=course, yuan=Decimal("4500"))
    tea = make.course(occupation="茶艺师", level=5)
    make.standard(course=tea, yuan=Decimal("3000"))
    cohort = draft(make, course, code="ZY-2026-09")
    catalog.change_status(cohort, "open")
    db.session.commit()
    auth.login("coordinator")

    client.submit(f"/cohorts/{cohort.id}/edit", cohort_form(tea, start_date="2026-03-02", end_date="2026-03-31"))
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert frozen(cohort)[:2] == (standard.id, Decimal("4500.00"))
    assert "the frozen standard stays the one above" in page


def test_changing_a_standard_after_a_cohort_froze_it_leaves_the_cohorts_figures(client, auth, make, course):
    standard = make.standard(course=course, yuan=Decimal("4500"), min_hours=90)
    cohort = draft(make, course)
    catalog.change_status(cohort, "open")
    db.session.commit()
    auth.login("coordinator")

    client.submit(
        f"/standards/{standard.id}",
        {
            "occupation": course.occupation,
            "level": "5",
            "training_type": "project",
            "yuan": "5000",
            "min_hours": "100",
            "valid_from": standard.valid_from.isoformat(),
        },
    )
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert db.session.get(type(standard), standard.id).yuan == Decimal("5000.00")
    assert frozen(cohort)[1:] == (Decimal("4500.00"), 90)
    assert "4,500.00 yuan per person" in page


def test_a_standard_added_after_a_cohort_opened_without_one_is_not_taken(make, course):
    cohort = draft(make, course)
    catalog.change_status(cohort, "open")
    make.standard(course=course)
    make.approved_filing(cohort)

    catalog.change_status(cohort, "running")

    assert frozen(cohort) == (None, None, None)


def test_back_to_draft_lets_the_standard_go_and_opening_again_takes_the_one_then_in_force(make, course):
    first = make.standard(course=course, yuan=Decimal("4000"), valid_from=date(2024, 1, 1), valid_to=date(2026, 12, 31))
    cohort = draft(make, course)
    catalog.change_status(cohort, "open")
    catalog.change_status(cohort, "draft")
    released = frozen(cohort)
    cohort.start_date, cohort.end_date = date(2027, 3, 1), date(2027, 3, 31)
    cohort.sessions.clear()  # the timetable moves with the dates
    make.timetable(cohort)
    second = make.standard(course=course, yuan=Decimal("4500"), valid_from=date(2027, 1, 1))

    catalog.change_status(cohort, "open")

    assert released == (None, None, None)
    assert frozen(cohort)[0] == second.id != first.id


# ---- the cohort page -------------------------------------------------------------------------


def test_a_draft_shows_the_standard_it_would_take_with_its_figures(client, auth, make, course):
    make.standard(course=course, yuan=Decimal("4500"), min_hours=90, valid_from=date(2024, 1, 1))
    cohort = draft(make, course)
    db.session.commit()
    auth.login("coordinator")

    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert "would take" in page
    assert "足部修护师 · Level 5 (junior worker) · Project-based training" in page
    assert "4,500.00 yuan per person" in page and "at least 90 hours" in page
    assert "frozen when the cohort opens" in page


def test_an_open_cohort_shows_its_frozen_standard(client, auth, make, course):
    make.standard(course=course, yuan=Decimal("4500"), min_hours=90)
    cohort = draft(make, course)
    catalog.change_status(cohort, "open")
    db.session.commit()
    auth.login("coordinator")

    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert "Frozen when the cohort opened; it no longer changes." in page
    assert "4,500.00 yuan per person" in page
    assert "would take" not in page


def test_a_draft_without_a_standard_in_force_says_to_add_one_before_it_opens(client, auth, make, course):
    make.standard(course=course, valid_from=START + timedelta(days=1))  # not yet in force on the start date
    cohort = draft(make, course)
    db.session.commit()
    auth.login("coordinator")

    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert "None in force on the start date for this occupation, level and training type." in page
    assert "a cohort that opens without a standard can claim no subsidy" in page


def test_a_cohort_without_a_standard_still_opens_and_its_page_says_no_claim_can_be_made(client, auth, make, course):
    cohort = draft(make, course)
    db.session.commit()
    auth.login("coordinator")

    response = open_on_the_page(client, cohort)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert response.status_code == 302
    assert db.session.get(Cohort, cohort.id).status == "open"
    assert "No subsidy can be claimed for this cohort." in page


def test_a_standard_asking_for_more_hours_than_the_course_has_is_pointed_out(client, auth, make, course):
    make.standard(course=course, min_hours=150)
    cohort = draft(make, course)
    db.session.commit()
    auth.login("coordinator")

    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert "The course has 120 hours, fewer than the standard requires." in page


def test_a_trainer_sees_the_training_type_but_not_the_subsidy(client, auth, make, course):
    trainer = make.user(role="trainer", county_code="610924")
    make.standard(course=course)
    cohort = draft(make, course, trainers=[trainer])
    db.session.commit()
    auth.login(trainer)

    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert "Project-based training" in page
    assert "yuan per person" not in page


# ---- the cohort form -------------------------------------------------------------------------


def test_a_new_cohort_is_project_based_unless_told_otherwise(client, auth, make, course):
    auth.login("coordinator", county="610924")

    page = client.get("/cohorts/new").get_data(as_text=True)
    client.submit("/cohorts/new", cohort_form(course))

    assert '<option selected value="project">' in page
    assert db.session.scalar(select(Cohort.training_type).where(Cohort.code == "ZY-2026-09")) == "project"


def test_the_training_type_chosen_on_the_form_is_stored_and_audited(client, auth, make, course):
    auth.login("coordinator", county="610924")

    client.submit("/cohorts/new", cohort_form(course, training_type="individual"))

    cohort = db.session.scalar(select(Cohort).where(Cohort.code == "ZY-2026-09"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_created"))
    assert cohort.training_type == event.after["training_type"] == "individual"


def test_an_unknown_training_type_is_refused_and_the_form_keeps_what_was_typed(client, auth, make, course):
    auth.login("coordinator", county="610924")

    page = client.submit("/cohorts/new", cohort_form(course, training_type="apprentice", site_name="蒿坪镇工厂"))

    assert "Not a valid choice" in page.get_data(as_text=True)
    assert 'value="蒿坪镇工厂"' in page.get_data(as_text=True)
    assert db.session.scalar(select(Cohort.id)) is None
