"""Cohorts: creating and editing them within the coordinator's county, and the filtered list."""

from datetime import date

import pytest
from sqlalchemy import select

from training.extensions import db
from training.models import AuditEvent, Cohort, Employer, EnrollmentStatus

pytestmark = pytest.mark.usefixtures("english")


def cohort_form(course, **overrides) -> dict:
    values = {
        "course_id": str(course.id),
        "county_code": "610924",
        "code": "ZY-2026-09",
        "site_name": "金川社区新社区工厂",
        "site_kind": "community_factory",
        "start_date": "2026-03-02",
        "end_date": "2026-03-31",
        "capacity": "30",
        "employer_id": "",
        "committed_placements": "",
    }
    values.update(overrides)
    return values


def test_county_coordinator_creates_a_draft_cohort_in_their_county(client, auth, make):
    course = make.course()
    trainer = make.user(role="trainer", county_code="610924")
    auth.login("coordinator", county="610924")
    response = client.submit("/cohorts/new", cohort_form(course, trainer_ids=[str(trainer.id)]))
    cohort = db.session.scalar(select(Cohort).where(Cohort.code == "ZY-2026-09"))
    assert response.headers["Location"].endswith(f"/cohorts/{cohort.id}")
    assert (cohort.status, cohort.county_code, cohort.start_date) == ("draft", "610924", date(2026, 3, 2))
    assert cohort.trainers == [trainer]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_created"))
    assert event.after["trainer_ids"] == [trainer.id]


def test_county_coordinator_is_offered_only_their_own_county(client, auth, make):
    make.course()
    auth.login("coordinator", county="610924")
    page = client.get("/cohorts/new").get_data(as_text=True)
    assert 'value="610924"' in page and 'value="610929"' not in page


def test_county_coordinator_cannot_create_a_cohort_in_another_county(client, auth, make):
    course = make.course()
    auth.login("coordinator", county="610924")
    response = client.submit("/cohorts/new", cohort_form(course, county_code="610929"))
    assert response.status_code == 200
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert db.session.scalar(select(Cohort)) is None


def test_county_coordinator_cannot_see_another_countys_cohort(client, auth, make):
    cohort = make.cohort(county_code="610929")
    db.session.commit()
    user = auth.login("coordinator", county="610924")
    assert client.get(f"/cohorts/{cohort.id}").status_code == 403
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access_denied"))
    assert (event.actor_id, event.entity_type, event.entity_id) == (user.id, "cohort", str(cohort.id))


def test_county_coordinator_cannot_edit_another_countys_cohort(client, auth, make):
    cohort = make.cohort(county_code="610929")
    db.session.commit()
    auth.login("coordinator", county="610924")
    assert client.get(f"/cohorts/{cohort.id}/edit").status_code == 403


def test_a_cohort_code_already_used_is_refused_with_a_message(client, auth, make):
    make.cohort(code="ZY-2026-09")
    auth.login("coordinator")
    response = client.submit("/cohorts/new", cohort_form(make.course(), site_name="新的教室"))
    assert "The cohort code ZY-2026-09 is already used." in response.get_data(as_text=True)
    assert db.session.scalar(select(Cohort).where(Cohort.site_name == "新的教室")) is None


def test_a_refused_cohort_form_keeps_what_was_typed(client, auth, make):
    make.cohort(code="ZY-2026-09")
    auth.login("coordinator")
    page = client.submit("/cohorts/new", cohort_form(make.course(), site_name="新的教室")).get_data(as_text=True)
    assert 'value="新的教室"' in page and 'value="2026-03-31"' in page


def test_a_cohort_cannot_end_before_it_starts(client, auth, make):
    auth.login("coordinator")
    response = client.submit("/cohorts/new", cohort_form(make.course(), end_date="2026-03-01"))
    assert "The end date is before the start date." in response.get_data(as_text=True)
    assert db.session.scalar(select(Cohort)) is None


def test_a_trainer_of_another_county_cannot_be_assigned(client, auth, make):
    course = make.course()
    trainer = make.user(role="trainer", county_code="610929", display_name="白河老师")
    auth.login("coordinator")
    response = client.submit("/cohorts/new", cohort_form(course, trainer_ids=[str(trainer.id)]))
    assert "白河老师 cannot teach a cohort in this county." in response.get_data(as_text=True)
    assert db.session.scalar(select(Cohort)) is None


def test_committed_placements_need_a_partner_employer(client, auth, make):
    auth.login("coordinator")
    response = client.submit("/cohorts/new", cohort_form(make.course(), committed_placements="10"))
    assert "Committed placements need a partner employer." in response.get_data(as_text=True)


def test_directed_training_records_the_employer_and_its_commitment(client, auth, make):
    employer = Employer(name="上海远元足部修护连锁有限公司", uscc="91310000MA1FL5YY0X")
    db.session.add(employer)
    db.session.flush()
    auth.login("coordinator")
    client.submit("/cohorts/new", cohort_form(make.course(), employer_id=str(employer.id), committed_placements="15"))
    cohort = db.session.scalar(select(Cohort))
    assert (cohort.employer_id, cohort.committed_placements) == (employer.id, 15)
    assert "上海远元足部修护连锁有限公司" in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def test_editing_a_cohort_changes_it_and_audits_before_and_after(client, auth, make):
    cohort = make.cohort(site_name="旧教室", start_date=date(2026, 3, 2))
    auth.login("coordinator", county="610924")
    response = client.submit(
        f"/cohorts/{cohort.id}/edit", cohort_form(cohort.course, code=cohort.code, site_name="新教室")
    )
    assert response.status_code == 302
    db.session.refresh(cohort)
    assert cohort.site_name == "新教室"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_updated"))
    assert (event.before["site_name"], event.after["site_name"]) == ("旧教室", "新教室")


def test_cohort_dates_cannot_shrink_past_its_sessions(client, auth, make):
    cohort = make.cohort(start_date=date(2026, 3, 2), sessions=5)
    auth.login("coordinator")
    response = client.submit(
        f"/cohorts/{cohort.id}/edit", cohort_form(cohort.course, code=cohort.code, end_date="2026-03-03")
    )
    assert "Sessions are scheduled from 2026-03-02 to 2026-03-06" in response.get_data(as_text=True)


def test_capacity_cannot_drop_below_the_trainees_enrolled(client, auth, make):
    cohort = make.cohort(start_date=date(2026, 3, 2))
    for _ in range(3):
        make.enrollment(cohort=cohort, status=EnrollmentStatus.ENROLLED)
    auth.login("coordinator")
    response = client.submit(f"/cohorts/{cohort.id}/edit", cohort_form(cohort.course, code=cohort.code, capacity="2"))
    assert "3 trainees are enrolled; the capacity cannot be lower." in response.get_data(as_text=True)


def test_capacity_cannot_drop_below_the_finalised_trainees_of_a_running_class(client, auth, make):
    cohort = make.cohort(start_date=date(2026, 3, 2), status="running")
    for status in (EnrollmentStatus.COMPLETED, EnrollmentStatus.FAILED, EnrollmentStatus.WITHDRAWN):
        make.enrollment(cohort=cohort, status=status)
    auth.login("coordinator")
    response = client.submit(f"/cohorts/{cohort.id}/edit", cohort_form(cohort.course, code=cohort.code, capacity="1"))
    assert "2 trainees are enrolled; the capacity cannot be lower." in response.get_data(as_text=True)
    assert db.session.get(Cohort, cohort.id).capacity != 1


# ---- the list ----------------------------------------------------------------------------------


def test_a_finalised_cohort_counts_its_completed_and_failed_trainees_as_in_the_class(client, auth, make):
    cohort = make.cohort(code="ZY-DONE", capacity=30, status="finished")
    statuses = [EnrollmentStatus.COMPLETED] * 2 + [
        EnrollmentStatus.FAILED,
        EnrollmentStatus.WITHDRAWN,
        EnrollmentStatus.WAITLISTED,
    ]
    for status in statuses:
        make.enrollment(cohort=cohort, status=status)
    auth.login("coordinator")

    row = client.get("/cohorts").get_data(as_text=True).split('class="cohort-row"')[1]
    panel = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert "3 / 30" in row
    assert "3 of 30 places taken" in panel


def codes(response) -> set[str]:
    rows = response.get_data(as_text=True).split('class="cohort-row"')[1:]
    return {row.split("</a>")[0].rsplit(">", 1)[1] for row in rows}


def test_county_coordinator_lists_only_their_countys_cohorts(client, auth, make):
    make.cohort(code="ZY-1", county_code="610924")
    make.cohort(code="BH-1", county_code="610929")
    auth.login("coordinator", county="610924")
    assert codes(client.get("/cohorts")) == {"ZY-1"}


def test_a_county_filter_for_another_county_shows_nothing(client, auth, make):
    make.cohort(code="BH-1", county_code="610929")
    auth.login("coordinator", county="610924")
    assert codes(client.get("/cohorts?county=610929")) == set()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=open", {"ZY-OPEN"}),
        ("county=610929", {"BH-DRAFT"}),
        ("course={tea}", {"ZY-OPEN"}),
        ("q=安置", {"BH-DRAFT"}),
        ("q=zy-", {"ZY-OPEN", "ZY-RUN"}),
        ("", {"ZY-OPEN", "ZY-RUN", "BH-DRAFT"}),
    ],
)
def test_city_coordinator_filters_the_list(client, auth, make, query, expected):
    tea = make.course()
    make.cohort(code="ZY-OPEN", course=tea, status="open")
    make.cohort(code="ZY-RUN", status="running")
    make.cohort(code="BH-DRAFT", county_code="610929", status="draft", site_name="宋家镇安置社区")
    auth.login("coordinator")
    assert codes(client.get("/cohorts?" + query.format(tea=tea.id))) == expected


@pytest.mark.parametrize(("text", "expected"), [("100%", {"A-100%"}), ("A_1", {"A_1"}), ("%", {"A-100%"})])
def test_search_takes_percent_and_underscore_literally(client, auth, make, text, expected):
    for code in ("A-100%", "A_1", "AB1", "A-1000"):
        make.cohort(code=code)
    auth.login("coordinator")
    assert codes(client.get("/cohorts", query_string={"q": text})) == expected


def test_the_list_is_paginated(client, auth, make):
    course = make.course()
    for n in range(30):
        make.cohort(code=f"P-{n:02d}", course=course)
    auth.login("coordinator")
    first, second = client.get("/cohorts"), client.get("/cohorts?page=2")
    assert len(codes(first)) == 25 and len(codes(second)) == 5
    assert codes(first).isdisjoint(codes(second))
