"""Enrollment operations: seats, waiting list, subsidy rules and their audited override."""

from datetime import date

import pytest
from sqlalchemy import select

from training.enrollment import services
from training.enrollment.services import EnrollmentRefused, OverrideNeedsAnotherPerson
from training.extensions import db
from training.models import AuditEvent, CohortStatus, Enrollment, EnrollmentStatus


@pytest.fixture
def coordinator(make):
    return make.user("coordinator", county_code="610924")


def enroll(trainee, cohort, coordinator, override=None):
    return services.enroll(trainee.id, cohort.id, coordinator.id, override)


def test_a_trainee_gets_a_seat_while_there_is_room(make, coordinator):
    cohort = make.cohort(capacity=2, status=CohortStatus.OPEN)
    assert enroll(make.trainee(), cohort, coordinator).status == EnrollmentStatus.ENROLLED


def test_past_capacity_trainees_go_to_the_waiting_list_in_order(make, coordinator):
    cohort = make.cohort(capacity=1, status=CohortStatus.OPEN)
    enroll(make.trainee(), cohort, coordinator)
    second = enroll(make.trainee(), cohort, coordinator)
    third = enroll(make.trainee(), cohort, coordinator)
    assert (second.status, third.status) == (EnrollmentStatus.WAITLISTED, EnrollmentStatus.WAITLISTED)
    assert second.waitlisted_at <= third.waitlisted_at


def test_finalised_trainees_of_a_running_class_keep_their_seats(make, coordinator):
    cohort = make.cohort(capacity=2, status=CohortStatus.RUNNING)
    make.enrollment(cohort=cohort, status=EnrollmentStatus.COMPLETED)
    make.enrollment(cohort=cohort, status=EnrollmentStatus.FAILED)
    assert enroll(make.trainee(), cohort, coordinator).status == EnrollmentStatus.WAITLISTED


def test_a_completed_trainee_of_a_finished_class_takes_no_seat_of_the_next_one(make, coordinator):
    finished = make.cohort(capacity=1, status=CohortStatus.FINISHED)
    graduate = make.enrollment(cohort=finished, status=EnrollmentStatus.COMPLETED)
    following = make.cohort(course=finished.course, capacity=1, status=CohortStatus.OPEN)
    assert enroll(make.trainee(), following, coordinator).status == EnrollmentStatus.ENROLLED
    assert graduate.status == EnrollmentStatus.COMPLETED


def test_a_withdrawal_promotes_the_first_waiting_trainee_and_records_it(make, coordinator):
    cohort = make.cohort(capacity=1, status=CohortStatus.OPEN)
    first = enroll(make.trainee(), cohort, coordinator)
    second = enroll(make.trainee(), cohort, coordinator)
    third = enroll(make.trainee(), cohort, coordinator)
    promoted = services.withdraw(first.id, coordinator.id, "moved away")
    assert promoted is second
    assert (first.status, second.status, third.status) == ("withdrawn", "enrolled", "waitlisted")
    assert first.decision_reason == "moved away"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == str(second.id))).all()
    assert "enrollment_promoted" in actions


def test_a_withdrawal_needs_a_reason(make, coordinator):
    enrollment = enroll(make.trainee(), make.cohort(status=CohortStatus.OPEN), coordinator)
    with pytest.raises(EnrollmentRefused):
        services.withdraw(enrollment.id, coordinator.id, "  ")
    assert enrollment.status == EnrollmentStatus.ENROLLED


def test_a_cohort_in_draft_takes_no_enrollments(make, coordinator):
    with pytest.raises(EnrollmentRefused):
        enroll(make.trainee(), make.cohort(status=CohortStatus.DRAFT), coordinator)


def test_the_same_trainee_cannot_be_enrolled_twice_in_one_cohort(make, coordinator):
    trainee, cohort = make.trainee(), make.cohort(status=CohortStatus.OPEN)
    enroll(trainee, cohort, coordinator)
    with pytest.raises(EnrollmentRefused):
        enroll(trainee, cohort, coordinator)


def _three_this_year(make, coordinator, trainee):
    for n in range(3):
        course = make.course(occupation=f"工种{n}")
        enroll(
            trainee, make.cohort(course=course, status=CohortStatus.OPEN, start_date=date(2026, 3, n + 1)), coordinator
        )


def test_a_fourth_subsidised_training_in_a_year_is_refused_naming_the_earlier_ones(make, coordinator):
    trainee = make.trainee()
    _three_this_year(make, coordinator, trainee)
    fourth = make.cohort(status=CohortStatus.OPEN, start_date=date(2026, 9, 1))
    with pytest.raises(EnrollmentRefused) as refusal:
        enroll(trainee, fourth, coordinator)
    assert refusal.value.conflicts[0].rule == "yearly_limit"
    assert len(refusal.value.conflicts[0].trainings) == 3
    assert db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == fourth.id)) is None


def test_a_subsidy_override_is_prepared_with_a_written_reason_and_holds_no_place_until_approved(make, coordinator):
    trainee = make.trainee()
    _three_this_year(make, coordinator, trainee)
    fourth = make.cohort(status=CohortStatus.OPEN, start_date=date(2026, 9, 1))
    enrollment = enroll(trainee, fourth, coordinator, override="县人社局批准，文号 2026-17")
    assert (enrollment.status, enrollment.override_prepared_by_id) == (EnrollmentStatus.APPLIED, coordinator.id)
    assert enrollment.subsidy_override_reason == "县人社局批准，文号 2026-17"
    assert services.seats_taken(fourth.id) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subsidy_override_prepared"))
    assert event.after["rules"] == ["yearly_limit"] and event.actor_id == coordinator.id


def test_nobody_approves_the_subsidy_override_they_prepared(make, coordinator):
    trainee = make.trainee()
    _three_this_year(make, coordinator, trainee)
    fourth = make.cohort(status=CohortStatus.OPEN, start_date=date(2026, 9, 1))
    prepared = enroll(trainee, fourth, coordinator, override="县人社局批准")
    with pytest.raises(OverrideNeedsAnotherPerson):
        services.accept(prepared.id, coordinator.id)
    db.session.refresh(prepared)
    assert prepared.status == EnrollmentStatus.APPLIED
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subsidy_override")) is None


def test_another_coordinator_approves_the_override_and_the_audit_names_both(make, coordinator):
    trainee, city = make.trainee(), make.user("coordinator")
    _three_this_year(make, coordinator, trainee)
    fourth = make.cohort(status=CohortStatus.OPEN, start_date=date(2026, 9, 1))
    prepared = enroll(trainee, fourth, coordinator, override="县人社局批准，文号 2026-17")
    approved = services.accept(prepared.id, city.id)
    assert (approved.status, approved.decided_by_id) == (EnrollmentStatus.ENROLLED, city.id)
    assert approved.subsidy_override_reason == "县人社局批准，文号 2026-17"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subsidy_override"))
    assert event.after == {
        "rules": ["yearly_limit"],
        "reason": "县人社局批准，文号 2026-17",
        "prepared_by_id": coordinator.id,
        "approved_by_id": city.id,
    }


def test_the_same_course_is_never_subsidised_twice(make, coordinator):
    trainee, course = make.trainee(), make.course(occupation="茶艺师", level=5)
    enroll(trainee, make.cohort(course=course, status=CohortStatus.OPEN, start_date=date(2025, 5, 1)), coordinator)
    again = make.cohort(course=make.course(occupation="茶艺师", level=5), status=CohortStatus.OPEN)
    with pytest.raises(EnrollmentRefused) as refusal:
        enroll(trainee, again, coordinator)
    assert [c.rule for c in refusal.value.conflicts] == ["same_course"]


def test_a_lower_level_is_refused_once_a_higher_level_is_completed(make, coordinator):
    trainee = make.trainee()
    higher = make.cohort(course=make.course(occupation="母婴护理员", level=4), start_date=date(2025, 5, 1))
    make.enrollment(trainee=trainee, cohort=higher, status=EnrollmentStatus.COMPLETED)
    lower = make.cohort(course=make.course(occupation="母婴护理员", level=5), status=CohortStatus.OPEN)
    with pytest.raises(EnrollmentRefused) as refusal:
        enroll(trainee, lower, coordinator)
    assert [c.rule for c in refusal.value.conflicts] == ["higher_level_done"]


def test_an_application_is_accepted_under_the_same_rules(make, coordinator):
    trainee, cohort = make.trainee(), make.cohort(status=CohortStatus.OPEN, capacity=1)
    enroll(make.trainee(), cohort, coordinator)
    application = services.apply(trainee.id, cohort.id)
    assert application.status == EnrollmentStatus.APPLIED
    assert services.accept(application.id, coordinator.id).status == EnrollmentStatus.WAITLISTED


def test_a_declined_application_keeps_its_reason(make, coordinator):
    cohort = make.cohort(status=CohortStatus.OPEN)
    application = services.apply(make.trainee().id, cohort.id)
    services.decline(application.id, coordinator.id, "不在本县")
    assert (application.status, application.decision_reason) == ("declined", "不在本县")


def test_applications_only_go_to_open_cohorts(make):
    with pytest.raises(EnrollmentRefused):
        services.apply(make.trainee().id, make.cohort(status=CohortStatus.RUNNING).id)


def test_a_withdrawn_trainee_keeps_their_history_and_can_come_back(make, coordinator):
    trainee, cohort = make.trainee(), make.cohort(status=CohortStatus.OPEN)
    first = enroll(trainee, cohort, coordinator)
    services.withdraw(first.id, coordinator.id, "sick")
    again = enroll(trainee, cohort, coordinator)
    assert again.id == first.id and again.status == EnrollmentStatus.ENROLLED
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == str(first.id)).order_by(AuditEvent.id)
    ).all()
    assert actions == ["enrollment_enrolled", "enrollment_withdrawn", "enrollment_enrolled"]
