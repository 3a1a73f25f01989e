"""Finalising a cohort: every trainee holding a place judged by the completion rule, in one step."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.support.pages import texts
from tests.support.statements import statements_sent
from training.assessment import queries, services
from training.extensions import db
from training.models import AuditEvent, CohortStatus, Enrollment, EnrollmentStatus

HERE, THERE = "610924", "610929"
TEN_DAYS_AGO = date.today() - timedelta(days=10)


def url(cohort) -> str:
    return f"/cohorts/{cohort.id}/finalise"


def mark_all(make, enrollment, sessions, absent=(), late=(), excused=()):
    for n, session in enumerate(sessions):
        status = "absent" if n in absent else "late" if n in late else "excused" if n in excused else "present"
        make.attendance(enrollment, session, status)


@pytest.fixture
def cohort(make):
    """A running cohort of 10 held 4-hour sessions and 2 still to come, with four trainees:
    one who passes, one who came too seldom, one with a low theory score, one without a practical score."""
    cohort = make.cohort(
        course=make.course(total_hours=48),
        sessions=10,
        start_date=TEN_DAYS_AGO,
        county_code=HERE,
        trainers=[make.user("trainer", county_code=HERE)],
    )
    held = list(cohort.sessions)
    for days in (2, 3):
        make.session(cohort, starts_at=datetime.now(UTC) + timedelta(days=days))
    people = {
        "通过": dict(theory_score=Decimal("80"), practical_score=Decimal("75.5")),
        "缺勤": dict(theory_score=Decimal("90"), practical_score=Decimal("90")),
        "理论差": dict(theory_score=Decimal("55"), practical_score=Decimal("70")),
        "没实操": dict(theory_score=Decimal("70")),
    }
    for name, scores in people.items():
        enrollment = make.enrollment(cohort=cohort, trainee=make.trainee(name=name), **scores)
        if name == "缺勤":
            mark_all(make, enrollment, held, absent=(0, 1), excused=(2,), late=(3,))  # 28 of 40 hours: 70 %
        else:
            mark_all(make, enrollment, held, absent=(0,), late=(1, 2))  # 36 of 40 hours: 90 %
    make.enrollment(cohort=cohort, trainee=make.trainee(name="退学"), status=EnrollmentStatus.WITHDRAWN)
    db.session.commit()
    return cohort


def standing_rows(page: str) -> dict[str, str]:
    names = texts(page, "trainee-name")
    return dict(zip(names, texts(page, "standing"), strict=False))


def by_name(cohort) -> dict[str, Enrollment]:
    rows = db.session.scalars(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    return {e.trainee.name: e for e in rows}


def test_the_page_shows_each_trainee_as_eligible_or_not_with_hours_rate_and_reason(client, auth, cohort, english):
    auth.login("coordinator", county=HERE)
    page = client.get(url(cohort)).get_data(as_text=True)
    rows = standing_rows(page)
    assert set(rows) == {"通过", "缺勤", "理论差", "没实操"}
    assert "36 / 40" in rows["通过"] and "90%" in rows["通过"] and "Eligible" in rows["通过"]
    assert "28 / 40" in rows["缺勤"] and "Attendance 70%, below 80%" in rows["缺勤"]
    assert "Theory score 55, below the pass score 60" in rows["理论差"]
    assert "No practical score entered" in rows["没实操"]
    assert texts(page, "finalise-summary") == ["4 trainees hold a place: 1 eligible, 3 not eligible."]
    assert "Finalise: mark 1 completed and 3 not passed" in page
    assert texts(page, "upcoming-sessions") == [
        "2 sessions are still to come. Finalising now judges everyone on the sessions held so far."
    ]


def test_finalising_marks_completed_and_failed_with_the_reasons(client, auth, cohort, english):
    coordinator = auth.login("coordinator", county=HERE)
    response = client.submit(url(cohort))
    assert response.status_code == 302
    page = client.get(url(cohort)).get_data(as_text=True)
    assert "Finalised: 1 completed, 3 not passed." in page
    enrollments = by_name(cohort)
    db.session.refresh(cohort)
    assert {n: e.status for n, e in enrollments.items()} == {
        "通过": "completed",
        "缺勤": "failed",
        "理论差": "failed",
        "没实操": "failed",
        "退学": "withdrawn",
    }
    assert enrollments["缺勤"].decision_reason == "Attendance 70%, below 80%"
    assert {e.decided_by_id for n, e in enrollments.items() if n != "退学"} == {coordinator.id}
    assert cohort.status == CohortStatus.FINISHED
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "enrollment", AuditEvent.action.like("enrollment_%"))
    ).all()
    assert sorted(e.action for e in events) == ["enrollment_completed"] + ["enrollment_failed"] * 3
    failed = next(e for e in events if e.entity_id == str(enrollments["缺勤"].id))
    assert failed.before == {"status": "enrolled"}
    assert (failed.after["attended_hours"], failed.after["scheduled_hours"], failed.after["reasons"]) == (
        "28",
        "40",
        ["attendance"],
    )
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_status_changed")).after == {
        "status": "finished"
    }
    assert "Decided: Completed" in standing_rows(page)["通过"]


def test_finalising_records_the_cohort_finishing_as_the_status_page_records_any_status_change(
    client, auth, make, cohort, english
):
    coordinator = auth.login("coordinator", county=HERE)
    other = make.cohort(status=CohortStatus.RUNNING, sessions=1, county_code=HERE)
    db.session.commit()
    client.submit(f"/cohorts/{other.id}/status", {"status": "finished"}, page=f"/cohorts/{other.id}")
    client.submit(url(cohort))
    by_status_page, by_finalising = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "cohort_status_changed").order_by(AuditEvent.id)
    ).all()

    def as_recorded(event):
        return event.entity_type, event.before, event.after, event.actor_id, event.actor_name, event.ip

    assert (by_status_page.entity_id, by_finalising.entity_id) == (str(other.id), str(cohort.id))
    assert as_recorded(by_finalising) == as_recorded(by_status_page)
    assert (by_finalising.before, by_finalising.after, by_finalising.actor_id) == (
        {"status": "running"},
        {"status": "finished"},
        coordinator.id,
    )


def test_finalising_is_refused_while_held_sessions_are_unmarked_and_names_them(client, auth, make, cohort, english):
    late_comer = make.enrollment(
        cohort=cohort, trainee=make.trainee(name="新来的"), theory_score=Decimal("90"), practical_score=Decimal("90")
    )
    mark_all(make, late_comer, cohort.sessions[2:10])  # the first two held sessions were before they came
    db.session.commit()
    first, second = cohort.sessions[0], cohort.sessions[1]
    auth.login("coordinator", county=HERE)
    page = client.get(url(cohort)).get_data(as_text=True)
    listed = texts(page, "unmarked-session")
    assert len(listed) == 2 and "1 trainee not marked" in listed[0]
    assert "finalise-form" not in page
    response = client.submit(url(cohort), page=url(cohort))
    page = client.get(response.location).get_data(as_text=True)
    refusal = next(t for t in texts(page, "alert-danger"))
    local = timezone(timedelta(hours=8))  # Asia/Shanghai
    for session in (first, second):
        assert session.starts_at.astimezone(local).strftime("%Y-%m-%d %H:%M") in refusal
    assert cohort.sessions[2].starts_at.astimezone(local).strftime("%Y-%m-%d %H:%M") not in refusal
    db.session.expire_all()
    assert {e.status for e in by_name(cohort).values()} == {"enrolled", "withdrawn"}
    assert cohort.status == CohortStatus.RUNNING


def test_finalising_is_refused_before_any_score_is_entered(client, auth, cohort, english):
    for enrollment in by_name(cohort).values():
        enrollment.theory_score = enrollment.practical_score = None
    db.session.commit()
    auth.login("coordinator", county=HERE)

    page = client.get(url(cohort)).get_data(as_text=True)
    response = client.submit(url(cohort), page=url(cohort))

    assert texts(page, "no-scores") == [
        "No scores are entered for this cohort yet. Enter the theory and practical scores before finalising."
    ]
    assert "finalise-form" not in page
    assert "No scores are entered" in " ".join(
        texts(client.get(response.location).get_data(as_text=True), "alert-danger")
    )
    db.session.expire_all()
    assert {e.status for e in by_name(cohort).values()} == {"enrolled", "withdrawn"}
    assert cohort.status == CohortStatus.RUNNING


def test_future_sessions_need_no_marks_and_do_not_count(app, make, cohort):
    now = datetime.now(UTC)
    assert queries.unmarked_sessions(cohort.id, now) == []
    assert queries.scheduled_hours(cohort.id, now) == Decimal(40)


def test_attended_hours_are_summed_in_sql_as_the_rule_counts_them(app, make):
    cohort = make.cohort(sessions=4, start_date=TEN_DAYS_AGO)
    future = make.session(cohort, starts_at=datetime.now(UTC) + timedelta(days=1), hours=3)
    enrollment = make.enrollment(cohort=cohort)
    for session, status in zip(cohort.sessions, ["present", "late", "excused", "absent"], strict=False):
        make.attendance(enrollment, session, status)
    make.attendance(enrollment, future, "present")  # marked ahead of time: not held, so it does not count
    db.session.commit()
    now = datetime.now(UTC)
    assert queries.attended_hours(cohort.id, now) == {enrollment.id: Decimal(8)}
    assert queries.scheduled_hours(cohort.id, now) == Decimal(16)


def test_a_cohort_with_no_session_held_yet_cannot_complete_anyone(app, make):
    cohort = make.cohort(sessions=3, start_date=date.today() + timedelta(days=3))
    make.enrollment(cohort=cohort, theory_score=Decimal(90), practical_score=Decimal(90))
    db.session.commit()
    [standing] = queries.standings(cohort, datetime.now(UTC))
    assert [s.rule for s in standing.verdict.shortfalls] == ["no_sessions"]


def test_finalising_again_after_a_correction_changes_only_what_changed(app, make, cohort):
    coordinator = make.user("coordinator", county_code=HERE)
    now = datetime.now(UTC)
    services.finalise(cohort.id, coordinator.id, now)
    people = by_name(cohort)
    people["没实操"].practical_score = Decimal("65")
    services.finalise(cohort.id, coordinator.id, now)
    assert people["没实操"].status == "completed" and people["没实操"].decision_reason is None
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_id == str(people["没实操"].id), AuditEvent.action.like("enrollment_%"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["enrollment_failed", "enrollment_completed"]
    passed_actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity_id == str(people["通过"].id), AuditEvent.action.like("enrollment_%")
        )
    ).all()
    assert passed_actions == ["enrollment_completed"]


@pytest.mark.parametrize("status", [CohortStatus.OPEN, CohortStatus.CLOSED])
def test_only_running_or_finished_cohorts_are_finalised(app, make, cohort, status):
    cohort.status = status
    with pytest.raises(services.FinaliseRefused):
        services.finalise(cohort.id, None, datetime.now(UTC))


def test_a_trainer_may_not_finalise_even_their_own_cohort(client, auth, cohort):
    trainer = auth.login(cohort.trainers[0])
    assert client.get(url(cohort)).status_code == 403
    assert db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "access_denied", AuditEvent.actor_id == trainer.id)
    )


def test_a_coordinator_of_another_county_is_refused_and_it_is_audited(client, auth, cohort):
    coordinator = auth.login("coordinator", county=THERE)
    assert client.get(url(cohort)).status_code == 403
    denial = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "access_denied", AuditEvent.actor_id == coordinator.id)
    )
    assert (denial.entity_type, denial.entity_id) == ("cohort", str(cohort.id))


def test_a_trainee_is_told_the_page_does_not_exist(client, auth, cohort):
    auth.login(auth.make.trainee_user(by_name(cohort)["通过"].trainee))
    assert client.get(url(cohort)).status_code == 404


def count_statements(client, path: str) -> int:
    with statements_sent() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def cohort_of(make, trainees: int):
    cohort = make.cohort(sessions=6, start_date=TEN_DAYS_AGO, county_code=HERE)
    for n in range(trainees):
        enrollment = make.enrollment(cohort=cohort, theory_score=Decimal(50 + n), practical_score=Decimal(70))
        mark_all(make, enrollment, cohort.sessions, absent=(n % 6,), late=((n + 1) % 6,))
    make.enrollment(cohort=cohort)  # unmarked in every session
    db.session.commit()
    return cohort


@pytest.mark.parametrize("page", ["finalise", "scores"])
def test_the_pages_load_in_the_same_number_of_statements_for_5_or_30_trainees(client, auth, make, page):
    small, large = cohort_of(make, 5), cohort_of(make, 30)
    auth.login("coordinator", county=HERE)
    client.get(f"/cohorts/{small.id}/{page}")  # warm up whatever is loaded once per process
    db.session.expire_all()
    assert count_statements(client, f"/cohorts/{small.id}/{page}") == count_statements(
        client, f"/cohorts/{large.id}/{page}"
    )
