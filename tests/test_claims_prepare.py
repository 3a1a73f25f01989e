"""Previewing and preparing a cohort's claim (training/claims/services.py): the lines, the tier and
the total from the records; what is refused and why; the draft written with its snapshot and
audited; one standing claim per cohort, also when two coordinators prepare it at once; and the
statements it costs, the same for 5 trainees as for 60."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from tests.conftest import BACKEND
from tests.support.claimable import END, MEASURED, STANDARD, TODAY, claimable_cohort, graduate
from tests.support.claims import SNAPSHOT_KEYS
from tests.support.races import first_holds_second_waits
from tests.support.statements import statements_sent
from training.claims import lifecycle, queries, services
from training.claims.lifecycle import Step
from training.claims.services import ClaimRefused
from training.extensions import db
from training.models import AuditEvent, Certificate, Claim, CohortStatus, EnrollmentStatus
from training.orm import utcnow


def claims_of(cohort) -> list[Claim]:
    return list(db.session.scalars(select(Claim).where(Claim.cohort_id == cohort.id).order_by(Claim.version)))


# ---------------------------------------------------------------- the preview


def test_a_class_all_employed_is_claimed_in_full(make):
    claimable = claimable_cohort(make, trainees=5)
    preview = services.preview(claimable.cohort.id, today=TODAY)
    assert (preview.completed_count, preview.employed_count, preview.rate) == (5, 5, Decimal("100.00"))
    assert preview.tier_pct == 100 and preview.measured_on == MEASURED
    assert [line.amount_yuan for line in preview.lines] == [STANDARD] * 5
    assert preview.total_yuan == Decimal("22500.00") and preview.eligible_count == 5


def test_a_class_three_in_five_employed_is_paid_sixty_percent(make):
    claimable = claimable_cohort(make, trainees=5, employed=3)
    preview = services.preview(claimable.cohort.id, today=TODAY)
    assert (preview.employed_count, preview.rate, preview.tier_pct) == (3, Decimal("60.00"), 60)
    assert {line.amount_yuan for line in preview.lines} == {Decimal("2700.00")}
    assert preview.total_yuan == Decimal("13500.00")


def test_a_class_under_half_employed_is_paid_nothing_but_keeps_its_lines(make):
    claimable = claimable_cohort(make, trainees=5, employed=2)
    preview = services.preview(claimable.cohort.id, today=TODAY)
    assert preview.tier_pct == 0 and preview.total_yuan == Decimal("0.00")
    assert len(preview.lines) == 5 and preview.eligible_count == 5


def test_a_trainee_who_did_not_complete_is_a_line_at_zero_with_the_reason(make):
    claimable = claimable_cohort(make, trainees=4)
    sessions = claimable.cohort.sessions
    weak = graduate(make, claimable.cohort, sessions, name="李四", attended=2, status=EnrollmentStatus.FAILED)
    preview = services.preview(claimable.cohort.id, today=TODAY)
    (line,) = [line for line in preview.lines if line.enrollment_id == weak.id]
    assert not line.eligible and line.amount_yuan == Decimal("0.00")
    assert [reason["rule"] for reason in line.reasons] == ["not_completed"]
    assert preview.total_yuan == STANDARD * 4


def test_the_employment_rate_counts_the_class_as_the_reports_do_not_only_its_lines(make):
    claimable = claimable_cohort(make, trainees=4)
    unsubsidised = graduate(make, claimable.cohort, claimable.cohort.sessions, name="赵五", subsidised=False)
    preview = services.preview(claimable.cohort.id, today=TODAY)
    assert unsubsidised.id not in {line.enrollment_id for line in preview.lines}
    assert (preview.completed_count, preview.employed_count) == (5, 4)


@pytest.mark.parametrize("status", ["applied", "waitlisted", "declined"])
def test_someone_never_admitted_to_the_class_is_no_line(make, status):
    claimable = claimable_cohort(make, trainees=2)
    never = make.enrollment(cohort=claimable.cohort, status=status)
    preview = services.preview(claimable.cohort.id, today=TODAY)
    assert never.id not in {line.enrollment_id for line in preview.lines} and len(preview.lines) == 2


def test_a_line_without_a_counting_certificate_names_the_kinds_that_count(make):
    claimable = claimable_cohort(make, trainees=1)
    (enrollment,) = claimable.enrollments
    db.session.execute(delete(Certificate).where(Certificate.enrollment_id == enrollment.id))
    (line,) = services.preview(claimable.cohort.id, today=TODAY).lines
    assert line.reasons == [
        {
            "rule": "no_certificate",
            "params": {"accepted": ["own", "skill_level", "special_ability", "special_operation"]},
        }
    ]


def test_an_external_certificate_found_on_the_national_site_counts(make):
    claimable = claimable_cohort(make, trainees=1, training_type="employee")
    (enrollment,) = claimable.enrollments
    external = make.external_certificate(enrollment, check_found=True)
    (line,) = services.preview(claimable.cohort.id, today=TODAY).lines
    assert line.eligible
    assert (line.snapshot["certificate_kind"], line.snapshot["certificate_number"]) == ("skill_level", external.number)


def test_an_external_certificate_not_yet_checked_is_its_own_reason(make):
    claimable = claimable_cohort(make, trainees=1, training_type="employee")
    external = make.external_certificate(claimable.enrollments[0])
    (line,) = services.preview(claimable.cohort.id, today=TODAY).lines
    assert line.reasons == [
        {"rule": "certificate_unchecked", "params": {"kind": "skill_level", "number": external.number}}
    ]


def test_a_category_without_its_proof_is_a_reason(make):
    claimable = claimable_cohort(make, trainees=1)
    category = claimable.enrollments[0].trainee.categories[0]
    category.evidence = None
    db.session.flush()
    (line,) = services.preview(claimable.cohort.id, today=TODAY).lines
    assert line.reasons == [{"rule": "evidence_missing", "params": {"category": "poverty_alleviated"}}]


def test_a_fourth_subsidised_training_in_a_year_is_a_reason(make):
    claimable = claimable_cohort(make, trainees=1)
    trainee = claimable.enrollments[0].trainee
    for n in range(3):
        earlier = make.cohort(start_date=date(2026, 1, 5) + timedelta(days=20 * n), status=CohortStatus.CLOSED)
        make.enrollment(trainee=trainee, cohort=earlier, status=EnrollmentStatus.COMPLETED)
    (line,) = services.preview(claimable.cohort.id, today=TODAY).lines
    assert [reason["rule"] for reason in line.reasons] == ["yearly_limit"]


def test_a_claim_after_the_window_of_its_certificate_is_a_reason(make):
    claimable = claimable_cohort(make, trainees=1)
    (line,) = services.preview(claimable.cohort.id, today=END + timedelta(days=366)).lines
    assert [reason["rule"] for reason in line.reasons] == ["window_passed"]


def test_a_line_snapshot_holds_what_it_was_judged_on(make):
    claimable = claimable_cohort(make, trainees=1)
    (enrollment,) = claimable.enrollments
    (line,) = services.preview(claimable.cohort.id, today=TODAY).lines
    trainee, course = enrollment.trainee, claimable.cohort.course
    assert tuple(line.snapshot) == SNAPSHOT_KEYS
    assert line.snapshot == {
        "name": trainee.name,
        "gender": trainee.gender,
        "id_number": trainee.id_number,
        "categories": ["poverty_alleviated"],
        "occupation": course.occupation,
        "level": course.level,
        "certificate_kind": "own",
        "certificate_number": line.snapshot["certificate_number"],
        "certificate_issued_on": END.isoformat(),
        "hours_attended": "40.0",
        "hours_scheduled": "40.0",
        "attended_pct": "100.0",
        "employer": line.snapshot["employer"],
        "employment_kind": "directed",
        "employment_start": (END + timedelta(days=10)).isoformat(),
    }
    assert line.snapshot["certificate_number"].startswith("TEST") and line.snapshot["employer"]


def test_a_certificate_stating_no_date_is_dated_the_local_day_it_was_issued(make):
    claimable = claimable_cohort(make, trainees=1)
    certificate = db.session.scalar(select(Certificate))
    certificate.snapshot, certificate.issued_at = {}, datetime(2026, 5, 20, 17, 30, tzinfo=UTC)  # 01:30 in Ankang
    db.session.flush()
    (line,) = services.preview(claimable.cohort.id, today=TODAY).lines
    assert line.snapshot["certificate_issued_on"] == "2026-05-21"


def test_previewing_writes_nothing(make):
    claimable = claimable_cohort(make, trainees=2)
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    services.preview(claimable.cohort.id, today=TODAY)
    assert claims_of(claimable.cohort) == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


# ---------------------------------------------------------------- refusals


def test_a_class_not_finished_is_refused(make):
    claimable = claimable_cohort(make, trainees=1, status=CohortStatus.RUNNING)
    with pytest.raises(ClaimRefused, match="has not finished"):
        services.preview(claimable.cohort.id, today=TODAY)


def test_a_class_without_a_frozen_standard_is_refused(make):
    claimable = claimable_cohort(make, trainees=1, standard_yuan=None)
    with pytest.raises(ClaimRefused, match="no frozen subsidy standard"):
        services.preview(claimable.cohort.id, today=TODAY)


def test_a_claim_before_its_measuring_date_is_refused_naming_the_date(make):
    claimable = claimable_cohort(make, trainees=1)
    with pytest.raises(ClaimRefused, match="can be prepared from 2026-07-20"):
        services.preview(claimable.cohort.id, today=MEASURED - timedelta(days=1))


def test_a_claim_on_its_measuring_date_is_accepted(make):
    claimable = claimable_cohort(make, trainees=1)
    assert services.preview(claimable.cohort.id, today=MEASURED).measured_on == MEASURED


def test_a_class_that_does_not_exist_is_refused(app):
    with pytest.raises(ClaimRefused, match="No such class"):
        services.preview(999999, today=TODAY)


@pytest.mark.parametrize(
    ("role", "county", "words"),
    [
        ("trainer", None, "Only a coordinator"),
        ("reviewer", None, "Only a coordinator"),
        ("admin", None, "Only a coordinator"),
        ("coordinator", "610902", "not in your county"),
    ],
)
def test_only_a_coordinator_of_the_class_prepares_its_claim(make, role, county, words):
    claimable = claimable_cohort(make, trainees=1)
    user = make.user(role, county_code=county)
    with pytest.raises(ClaimRefused, match=words):
        services.prepare(claimable.cohort.id, user_id=user.id, today=TODAY)
    assert claims_of(claimable.cohort) == []


def test_a_class_without_subsidised_trainees_has_nothing_to_claim(make):
    claimable = claimable_cohort(make, trainees=0)
    assert services.preview(claimable.cohort.id, today=TODAY).lines == []
    with pytest.raises(ClaimRefused, match="no subsidised trainees"):
        services.prepare(claimable.cohort.id, user_id=claimable.coordinator.id, today=TODAY)


def test_a_city_coordinator_prepares_a_county_class_claim(make):
    claimable = claimable_cohort(make, trainees=1)
    city = make.user("coordinator", county_code=None)
    assert services.prepare(claimable.cohort.id, user_id=city.id, today=TODAY).prepared_by_id == city.id


# ---------------------------------------------------------------- preparing


def test_preparing_writes_the_draft_with_its_lines_figures_and_total(make):
    claimable = claimable_cohort(make, trainees=4, employed=3)
    weak = graduate(make, claimable.cohort, claimable.cohort.sessions, name="李四", attended=1, status="failed")
    claim = services.prepare(claimable.cohort.id, user_id=claimable.coordinator.id, today=TODAY)
    db.session.commit()
    (stored,) = claims_of(claimable.cohort)
    assert stored.id == claim.id and (stored.status, stored.version, stored.previous_id) == ("draft", 1, None)
    assert (stored.measured_on, stored.completed_count, stored.employed_count) == (MEASURED, 4, 3)
    assert (stored.tier_pct, stored.standard_yuan, stored.total_yuan) == (80, STANDARD, Decimal("14400.00"))
    assert [line.position for line in stored.lines] == [1, 2, 3, 4, 5]
    assert sum(line.amount_yuan for line in stored.lines) == stored.total_yuan
    (failed,) = [line for line in stored.lines if line.enrollment_id == weak.id]
    assert (failed.eligible, failed.amount_yuan, failed.reasons[0]["rule"]) == (False, Decimal("0.00"), "not_completed")
    assert all(line.standing and tuple(line.snapshot) == SNAPSHOT_KEYS for line in stored.lines)


def test_preparing_is_audited_with_its_figures(make):
    claimable = claimable_cohort(make, trainees=2)
    claim = services.prepare(claimable.cohort.id, user_id=claimable.coordinator.id, today=TODAY)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "claim_prepared"))
    assert (event.entity_type, event.entity_id, event.actor_id) == (
        "subsidy_claim",
        str(claim.id),
        claimable.coordinator.id,
    )
    assert event.after["total_yuan"] == "9000.00" and event.after["lines"] == 2 and event.after["tier_pct"] == 100


def test_a_prepared_claim_is_undone_by_the_callers_rollback(make):
    claimable = claimable_cohort(make, trainees=2)
    cohort_id = claimable.cohort.id
    db.session.commit()
    services.prepare(cohort_id, user_id=claimable.coordinator.id, today=TODAY)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Claim).where(Claim.cohort_id == cohort_id)) == 0


def test_a_second_claim_while_one_stands_is_refused(make):
    claimable = claimable_cohort(make, trainees=2)
    first = services.prepare(claimable.cohort.id, user_id=claimable.coordinator.id, today=TODAY)
    with pytest.raises(ClaimRefused, match=f"already has a claim that stands \\(No. {first.id}\\)"):
        services.prepare(claimable.cohort.id, user_id=claimable.coordinator.id, today=TODAY)


def test_the_preview_of_a_class_already_claimed_shows_its_lines_taken(make):
    claimable = claimable_cohort(make, trainees=2)
    first = services.prepare(claimable.cohort.id, user_id=claimable.coordinator.id, today=TODAY)
    preview = services.preview(claimable.cohort.id, today=TODAY)
    assert preview.standing_claim_id == first.id and preview.total_yuan == Decimal("0.00")
    assert {reason["rule"] for line in preview.lines for reason in line.reasons} == {"already_claimed"}


def test_a_returned_claim_makes_way_for_the_next_version(make):
    claimable = claimable_cohort(make, trainees=2)
    first = services.prepare(claimable.cohort.id, user_id=claimable.coordinator.id, today=TODAY)
    lifecycle.change_status(first, "submitted", Step(user=claimable.coordinator, today=TODAY, now=utcnow()))
    taken_back = Step(user=claimable.coordinator, today=TODAY, now=utcnow(), reason="漏报一人")

    second = lifecycle.change_status(first, "returned", taken_back)

    assert (second.version, second.previous_id, second.total_yuan) == (2, first.id, Decimal("9000.00"))


def test_a_claim_that_slips_past_the_check_is_stopped_by_the_index_and_the_caller_carries_on(make, monkeypatch):
    claimable = claimable_cohort(make, trainees=2)
    first = services.prepare(claimable.cohort.id, user_id=claimable.coordinator.id, today=TODAY)
    db.session.commit()
    # What a second request sees when it read before the first committed: no claim standing.
    monkeypatch.setattr(queries.ClaimData, "standing_claim", property(lambda self: None))
    other = make.user("coordinator", county_code="610924", display_name="张协调")
    with pytest.raises(
        ClaimRefused, match=f"prepared the claim of {claimable.cohort.code} a moment ago \\(No. {first.id}\\)"
    ):
        services.prepare(claimable.cohort.id, user_id=other.id, today=TODAY)
    db.session.commit()  # the savepoint took the failed claim back, nothing else
    assert [c.id for c in claims_of(claimable.cohort)] == [first.id]
    assert db.session.get(type(other), other.id) is not None


@pytest.mark.skipif(BACKEND != "postgresql", reason="two connections at once: a PostgreSQL matter")
def test_two_coordinators_preparing_at_once_get_one_claim_and_a_refusal(app, make):
    claimable = claimable_cohort(make, trainees=3)
    other = make.user("coordinator", county_code="610924")
    db.session.commit()
    cohort_id, users = claimable.cohort.id, [claimable.coordinator.id, other.id]

    def prepare(index: int) -> int | str:  # the second's INSERT waits on the first's index entry
        try:
            return services.prepare(cohort_id, user_id=users[index], today=TODAY).id
        except ClaimRefused as refusal:
            return str(refusal)

    outcomes = first_holds_second_waits(app, prepare)
    assert isinstance(outcomes[0], int)
    assert f"prepared the claim of {claimable.cohort.code} a moment ago (No. {outcomes[0]})" in str(outcomes[1])
    db.session.expire_all()
    standing = db.session.scalars(select(Claim).where(Claim.cohort_id == cohort_id)).all()
    assert [c.id for c in standing] == [outcomes[0]] and len(standing[0].lines) == 3


# ---------------------------------------------------------------- statements


def _statements(make, trainees: int, action) -> int:
    claimable = claimable_cohort(make, trainees=trainees)
    cohort_id, user_id = claimable.cohort.id, claimable.coordinator.id
    db.session.commit()
    db.session.expire_all()
    with statements_sent() as sent:
        action(cohort_id, user_id)
    return len(sent)


def test_previewing_costs_the_same_statements_for_5_trainees_as_for_60(make):
    def preview(cohort_id, user_id):
        services.preview(cohort_id, today=TODAY)

    few, many = _statements(make, 5, preview), _statements(make, 60, preview)
    assert few == many <= 14


def test_preparing_costs_the_same_statements_for_5_trainees_as_for_60(make):
    def prepare(cohort_id, user_id):
        services.prepare(cohort_id, user_id=user_id, today=TODAY)
        db.session.flush()

    assert _statements(make, 5, prepare) == _statements(make, 60, prepare)


def test_the_factory_claim_goes_through_prepare(make):
    claimable = claimable_cohort(make, trainees=2)
    claim = make.claim(claimable.cohort, claimable.coordinator)
    assert claim.total_yuan == Decimal("9000.00") and claim.measured_on == MEASURED
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "claim_prepared")) is not None
