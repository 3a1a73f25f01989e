"""Enrolling a trainee whose other class has sessions at the same times warns the coordinator, who goes
on only with a written reason, stored on the enrollment and audited (enrollment/checks.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import translated_app
from tests.support.statements import statements_sent
from tests.support.translations import compiled_translations
from training.enrollment import checks, services
from training.enrollment.checks import OverlapNeedsReason
from training.extensions import db
from training.models import AuditEvent, CohortStatus, Enrollment, EnrollmentStatus

pytestmark = pytest.mark.usefixtures("english")

START = date(2027, 3, 1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A time in Shanghai, as stored (UTC)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def make_clash(make, course=None):
    """A trainee enrolled in ZY-2027-03 (09:00–13:00 on 1 March), and an open cohort with a session
    on that day from 10:00 and another the next day; (trainee, other cohort, cohort, coordinator)."""
    trainee = make.trainee(name="陈春花")
    other = make.cohort(code="ZY-2027-03", course=course, status=CohortStatus.OPEN, start_date=START)
    make.session(other, starts_at=at(START, 9))
    make.enrollment(trainee=trainee, cohort=other, status=EnrollmentStatus.ENROLLED)
    cohort = make.cohort(code="ZY-2027-04", course=course, status=CohortStatus.OPEN, start_date=START)
    make.session(cohort, starts_at=at(START + timedelta(days=1), 9))
    make.session(cohort, starts_at=at(START, 10), hours=2)
    coordinator = make.user("coordinator", county_code="610924")
    return trainee, other, cohort, coordinator


@pytest.fixture
def clash(make):
    return make_clash(make)


def test_an_overlap_warns_naming_the_other_cohort_and_the_first_clash(clash):
    trainee, _, cohort, coordinator = clash
    with pytest.raises(OverlapNeedsReason) as refusal:
        services.enroll(trainee.id, cohort.id, coordinator.id)
    assert str(refusal.value) == (
        "陈春花 also holds a place in ZY-2027-03, whose sessions overlap this cohort's, first at 2027-03-01 10:00. "
        "To enroll anyway, give a written reason for the overlap."
    )
    assert db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == cohort.id)) is None


def test_with_a_reason_the_coordinator_goes_on_and_the_reason_is_stored_and_audited(clash):
    trainee, _, cohort, coordinator = clash
    enrollment = services.enroll(trainee.id, cohort.id, coordinator.id, overlap_reason="  上午的课已补到下午  ")
    assert enrollment.status == EnrollmentStatus.ENROLLED
    assert enrollment.overlap_reason == "上午的课已补到下午"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "enrollment_overlap_accepted"))
    assert event.entity_id == str(enrollment.id)
    assert event.actor_id == coordinator.id
    assert event.after["reason"] == "上午的课已补到下午"
    assert event.after["cohorts"] == ["ZY-2027-03"]


def test_a_blank_reason_is_no_reason(clash):
    trainee, _, cohort, coordinator = clash
    with pytest.raises(OverlapNeedsReason):
        services.enroll(trainee.id, cohort.id, coordinator.id, overlap_reason="   ")


def test_without_an_overlap_no_reason_is_kept(make):
    trainee = make.trainee()
    cohort = make.cohort(status=CohortStatus.OPEN, start_date=START, sessions=2)
    enrollment = services.enroll(trainee.id, cohort.id, None, overlap_reason="不需要")
    assert enrollment.overlap_reason is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "enrollment_overlap_accepted")) is None


@pytest.mark.parametrize("status", [EnrollmentStatus.WITHDRAWN, EnrollmentStatus.DECLINED])
def test_a_class_the_trainee_left_does_not_clash(clash, status):
    trainee, other, cohort, coordinator = clash
    db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == other.id)).status = status
    assert services.enroll(trainee.id, cohort.id, coordinator.id).status == EnrollmentStatus.ENROLLED


def test_a_closed_class_does_not_clash(clash):
    trainee, other, cohort, coordinator = clash
    other.status = CohortStatus.CLOSED
    assert services.enroll(trainee.id, cohort.id, coordinator.id).status == EnrollmentStatus.ENROLLED


def test_sessions_that_only_touch_do_not_clash(make):
    trainee = make.trainee()
    other = make.cohort(status=CohortStatus.OPEN, start_date=START)
    make.session(other, starts_at=at(START, 9))
    make.enrollment(trainee=trainee, cohort=other, status=EnrollmentStatus.APPLIED)
    cohort = make.cohort(status=CohortStatus.OPEN, start_date=START)
    make.session(cohort, starts_at=at(START, 13))
    assert checks.overlaps(trainee.id, cohort.id) == []


def test_the_overlaps_cost_one_statement_however_many_classes(make):
    trainee = make.trainee()
    cohort = make.cohort(status=CohortStatus.OPEN, start_date=START, sessions=5)
    for _ in range(3):
        other = make.cohort(status=CohortStatus.RUNNING, start_date=START, sessions=5)
        make.enrollment(trainee=trainee, cohort=other, status=EnrollmentStatus.ENROLLED)
    with statements_sent() as sent:
        found = checks.overlaps(trainee.id, cohort.id)
    assert len(found) == 3 and len(sent) == 1


def test_accepting_an_application_warns_and_goes_on_with_a_reason(clash):
    trainee, _, cohort, coordinator = clash
    application = services.apply(trainee.id, cohort.id)  # the trainee's own application is not checked
    with pytest.raises(OverlapNeedsReason):
        services.accept(application.id, coordinator.id)
    accepted = services.accept(application.id, coordinator.id, overlap_reason="周末班另行安排")
    assert (accepted.status, accepted.overlap_reason) == (EnrollmentStatus.ENROLLED, "周末班另行安排")


def test_a_subsidy_override_keeps_the_overlap_reason_for_its_approval(make):
    trainee, _, cohort, coordinator = make_clash(make, course=make.course())  # the same course twice
    prepared = services.enroll(
        trainee.id, cohort.id, coordinator.id, override_reason="重新培训", overlap_reason="时间已协调"
    )
    assert prepared.awaits_override_approval and prepared.overlap_reason == "时间已协调"
    approved = services.approve_override(prepared.id, make.user("coordinator", county_code=None).id)
    assert approved.status == EnrollmentStatus.ENROLLED and approved.overlap_reason == "时间已协调"


# ---- the page --------------------------------------------------------------------------------


def test_the_page_warns_and_keeps_what_was_typed_then_goes_on_with_the_reason(client, auth, clash):
    trainee, _, cohort, coordinator = clash
    db.session.commit()
    auth.login(coordinator)
    typed = {"person": trainee.id_number, "override_reason": "另有原因"}
    page = client.submit(f"/cohorts/{cohort.id}/enroll-one", typed, page=f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "also holds a place in ZY-2027-03, whose sessions overlap this cohort&#39;s, first at 2027-03-01 10:00" in (
        page
    )
    assert f'name="person" required type="text" value="{trainee.id_number}"' in page
    assert "另有原因</textarea>" in page  # the subsidy override's reason as typed
    assert '<details class="mb-2 overlap-reason" open>' in page  # the overlap's box is open for its reason
    assert db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == cohort.id)) is None

    response = client.submit(
        f"/cohorts/{cohort.id}/enroll-one",
        {"person": trainee.id_number, "overlap_reason": "上午的课已补到下午"},
        page=f"/cohorts/{cohort.id}",
    )
    assert response.status_code == 302
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    assert (enrollment.status, enrollment.overlap_reason) == (EnrollmentStatus.ENROLLED, "上午的课已补到下午")


def test_enrolling_several_goes_on_with_the_reason(client, auth, clash):
    trainee, _, cohort, coordinator = clash
    db.session.commit()
    auth.login(coordinator)
    page = client.submit(f"/cohorts/{cohort.id}/enroll", {"trainee_id": str(trainee.id)}).get_data(as_text=True)
    assert "also holds a place in ZY-2027-03" in page
    client.submit(f"/cohorts/{cohort.id}/enroll", {"trainee_id": str(trainee.id), "overlap_reason": "已协调"})
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    assert enrollment.overlap_reason == "已协调"


def test_accepting_on_the_page_goes_on_with_the_reason(client, auth, clash):
    trainee, _, cohort, coordinator = clash
    application = services.apply(trainee.id, cohort.id)
    db.session.commit()
    auth.login(coordinator)
    page = client.submit(
        f"/enrollments/{application.id}/accept", {}, page=f"/cohorts/{cohort.id}", follow_redirects=True
    ).get_data(as_text=True)
    assert "also holds a place in ZY-2027-03" in page
    client.submit(f"/enrollments/{application.id}/accept", {"overlap_reason": "已协调"}, page=f"/cohorts/{cohort.id}")
    db.session.refresh(application)
    assert (application.status, application.overlap_reason) == (EnrollmentStatus.ENROLLED, "已协调")


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


def test_the_warning_reads_in_chinese(database_url, translation_directory):
    from tests.factories import Factories

    with translated_app(database_url, translation_directory) as app, app.test_request_context():
        trainee, _, cohort, coordinator = make_clash(Factories())
        with pytest.raises(OverlapNeedsReason) as refusal:
            services.enroll(trainee.id, cohort.id, coordinator.id)
    assert str(refusal.value) == (
        "陈春花 已在 ZY-2027-03 占有名额，该班的课次与本班时间重叠，最早在 2027-03-01 10:00。 "
        "如仍要报名入班，请写明时间重叠的理由。"
    )
