"""Placement services: recording, refusing, correcting and ending jobs; follow-ups and audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from training.extensions import db
from training.models import AuditEvent, CohortStatus, FollowUp, Placement
from training.placement import queries, services
from training.placement.rules import ENDED_NOTE
from training.placement.services import FollowUpAnswer, GridRow, PlacementData, PlacementRefused

ENDED = date(2025, 6, 30)
MAX = 100000


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def finished_cohort(make, **fields):
    """A cohort that ended on 30 June 2025."""
    return make.cohort(start_date=ENDED - timedelta(days=10), end_date=ENDED, status=CohortStatus.FINISHED, **fields)


@pytest.fixture
def graduate(make):
    return make.graduate(cohort=finished_cohort(make))


@pytest.fixture
def job(make):
    employer = make.employer(name="上海远元足部修护连锁有限公司")
    return PlacementData(
        employer_id=employer.id,
        position="足部修护师",
        kind="directed",
        scope="out_of_province",
        place="上海市闵行区",
        start_date=date(2025, 7, 15),
        monthly_wage=Decimal("6500"),
        contract_months=24,
    )


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_a_recorded_job_links_to_the_completed_training_and_schedules_three_follow_ups(graduate, job):
    placement = services.record_placement(graduate.id, job, None, MAX)

    assert placement.enrollment_id == graduate.id and placement.trainee_id == graduate.trainee_id
    assert [(f.due_months, f.due_date) for f in placement.follow_ups] == [
        (3, date(2025, 10, 15)),
        (6, date(2026, 1, 15)),
        (12, date(2026, 7, 15)),
    ]


def test_a_job_starting_on_the_31st_has_follow_ups_on_the_last_day_of_shorter_months(graduate, job):
    placement = services.record_placement(graduate.id, replace(job, start_date=date(2025, 8, 31)), None, MAX)

    assert [f.due_date for f in placement.follow_ups] == [date(2025, 11, 30), date(2026, 2, 28), date(2026, 8, 31)]


REFUSALS = [
    ("start before the training ended", {"start_date": ENDED - timedelta(days=1)}, "before the training ended"),
    ("negative wage", {"monthly_wage": Decimal("-3000")}, "cannot be negative"),
    ("absurd wage", {"monthly_wage": Decimal("650000")}, "more than the 100,000 allowed"),
    ("no employer for a directed job", {"employer_id": None}, "only self-employment needs none"),
    ("an employer that does not exist", {"employer_id": 999999}, "Choose an employer from the list"),
]


@pytest.mark.parametrize(("case", "change", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_job_breaking_a_rule_is_refused_with_the_reason(graduate, job, case, change, message):
    with pytest.raises(PlacementRefused, match=message):
        services.record_placement(graduate.id, replace(job, **change), None, MAX)

    assert db.session.scalar(select(Placement)) is None


def test_the_wage_limit_is_the_one_passed_in(graduate, job):
    with pytest.raises(PlacementRefused, match="more than the 5,000 allowed"):
        services.record_placement(graduate.id, job, None, 5000)


@pytest.mark.parametrize("status", ["enrolled", "failed", "withdrawn"])
def test_a_trainee_who_did_not_complete_the_training_gets_no_job_recorded(make, job, status):
    enrollment = make.enrollment(status=status, cohort=finished_cohort(make))

    with pytest.raises(PlacementRefused, match="has not completed this training"):
        services.record_placement(enrollment.id, job, None, MAX)


def test_a_second_current_job_is_refused(graduate, job):
    services.record_placement(graduate.id, job, None, MAX)

    with pytest.raises(PlacementRefused, match="already has a current job"):
        services.record_placement(graduate.id, replace(job, start_date=date(2025, 9, 1)), None, MAX)


def test_self_employment_needs_no_employer(graduate, job):
    own = replace(job, employer_id=None, kind="self_employed", position="开办修脚店", monthly_wage=Decimal("0"))

    assert services.record_placement(graduate.id, own, None, MAX).employer_id is None


def test_ending_a_job_records_the_later_follow_ups_as_not_employed_and_leaves_the_earlier_open(graduate, job, make):
    ender = make.user("coordinator")
    placement = services.record_placement(graduate.id, job, None, MAX)

    closed = services.end_placement(placement, date(2025, 12, 20), "回乡照顾老人", ender.id)

    by_months = {f.due_months: f for f in placement.follow_ups}
    assert [f.due_months for f in closed] == [6, 12]
    assert by_months[3].done_at is None
    assert [(by_months[m].still_employed, by_months[m].note, by_months[m].checked_by_id) for m in (6, 12)] == [
        (False, ENDED_NOTE, ender.id),
        (False, ENDED_NOTE, ender.id),
    ]


def test_after_a_job_ends_a_new_one_can_be_recorded(graduate, job):
    first = services.record_placement(graduate.id, job, None, MAX)
    services.end_placement(first, date(2025, 9, 30), "合同到期", None)

    second = services.record_placement(graduate.id, replace(job, start_date=date(2025, 10, 8)), None, MAX)

    assert services.open_placement(graduate.trainee_id) is second


@pytest.mark.parametrize(
    ("end", "reason", "message"),
    [
        (date(2025, 7, 14), "合同到期", "before the start"),
        (date(2025, 9, 1), "  ", "Give the reason"),
    ],
)
def test_an_end_before_the_start_or_without_a_reason_is_refused(graduate, job, end, reason, message):
    placement = services.record_placement(graduate.id, job, None, MAX)

    with pytest.raises(PlacementRefused, match=message):
        services.end_placement(placement, end, reason, None)
    assert placement.end_date is None


def test_a_job_ends_only_once(graduate, job):
    placement = services.record_placement(graduate.id, job, None, MAX)
    services.end_placement(placement, date(2025, 9, 1), "合同到期", None)

    with pytest.raises(PlacementRefused, match="already ended"):
        services.end_placement(placement, date(2025, 10, 1), "again", None)


def test_a_follow_up_stores_the_answer_who_checked_and_when(graduate, job, make):
    caller = make.user("coordinator")
    follow_up = services.record_placement(graduate.id, job, None, MAX).follow_ups[0]

    services.record_follow_up(
        follow_up, FollowUpAnswer(True, False, Decimal("7000"), "换到浦东店"), caller.id, MAX, today=follow_up.due_date
    )

    assert (follow_up.still_employed, follow_up.same_employer, follow_up.monthly_wage, follow_up.note) == (
        True,
        False,
        Decimal("7000.00"),
        "换到浦东店",
    )
    assert follow_up.checked_by_id == caller.id and follow_up.done_at is not None


def test_a_follow_up_cannot_be_recorded_before_its_job_even_starts(make):
    cohort = finished_cohort(make)
    placement = make.placement(
        enrollment=make.enrollment(cohort=cohort, status="completed"), start_date=date(2026, 12, 20)
    )
    three_months = placement.follow_ups[0]

    with pytest.raises(PlacementRefused, match="due on 2027-03-20; it can be recorded from 2027-03-14"):
        services.record_follow_up(
            three_months, FollowUpAnswer(True, True, Decimal("4000"), ""), None, MAX, today=date(2026, 12, 2)
        )

    assert three_months.done_at is None and three_months.monthly_wage is None


def test_a_follow_up_of_someone_no_longer_employed_keeps_no_employer_or_wage(graduate, job):
    follow_up = services.record_placement(graduate.id, job, None, MAX).follow_ups[0]

    services.record_follow_up(
        follow_up, FollowUpAnswer(False, True, Decimal("7000"), ""), None, MAX, today=follow_up.due_date
    )

    assert (follow_up.still_employed, follow_up.same_employer, follow_up.monthly_wage) == (False, None, None)


def test_a_follow_up_with_an_absurd_wage_is_refused(graduate, job):
    follow_up = services.record_placement(graduate.id, job, None, MAX).follow_ups[0]

    with pytest.raises(PlacementRefused, match="more than"):
        services.record_follow_up(
            follow_up, FollowUpAnswer(True, True, Decimal("700000"), ""), None, MAX, today=follow_up.due_date
        )


def test_correcting_the_start_moves_the_follow_ups_not_yet_done(graduate, job):
    placement = services.record_placement(graduate.id, job, None, MAX)
    services.record_follow_up(
        placement.follow_ups[0], FollowUpAnswer(True, True, None, ""), None, MAX, today=placement.follow_ups[0].due_date
    )

    services.update_placement(placement, replace(job, start_date=date(2025, 8, 1)), MAX)

    assert [f.due_date for f in placement.follow_ups] == [date(2025, 10, 15), date(2026, 2, 1), date(2026, 8, 1)]


def test_a_correction_follows_the_same_rules(graduate, job):
    placement = services.record_placement(graduate.id, job, None, MAX)

    with pytest.raises(PlacementRefused, match="cannot be negative"):
        services.update_placement(placement, replace(job, monthly_wage=Decimal("-1")), MAX)


def test_every_change_leaves_an_audit_event_with_before_and_after(graduate, job):
    placement = services.record_placement(graduate.id, job, None, MAX)
    services.update_placement(placement, replace(job, monthly_wage=Decimal("6800")), MAX)
    services.record_follow_up(
        placement.follow_ups[0],
        FollowUpAnswer(True, True, Decimal("6800"), ""),
        None,
        MAX,
        today=placement.follow_ups[0].due_date,
    )
    services.end_placement(placement, date(2025, 11, 1), "合同到期", None)

    (created,) = _events("placement_created")
    (updated,) = _events("placement_updated")
    (ended,) = _events("placement_ended")
    (recorded,) = _events("follow_up_recorded")
    closed = _events("follow_up_closed")
    assert created.after["monthly_wage"] == "6500.00" and created.before is None
    assert (updated.before["monthly_wage"], updated.after["monthly_wage"]) == ("6500.00", "6800.00")
    assert (ended.before["end_date"], ended.after["end_date"], ended.after["end_reason"]) == (
        None,
        "2025-11-01",
        "合同到期",
    )
    assert recorded.before["still_employed"] is None and recorded.after["still_employed"] is True
    assert [e.after["due_months"] for e in closed] == [6, 12]
    assert {e.entity_id for e in (created, updated, ended)} == {str(placement.id)}


def test_an_unchanged_correction_records_nothing(graduate, job):
    placement = services.record_placement(graduate.id, job, None, MAX)

    assert services.update_placement(placement, job, MAX) is False
    assert _events("placement_updated") == []


def test_committed_vs_placed_counts_graduates_placed_with_the_partner_employer(make, job):
    partner = db.session.get(services.Employer, job.employer_id)
    cohort = finished_cohort(make, employer_id=partner.id, committed_placements=15)
    placed = [make.enrollment(cohort=cohort, status="completed") for _ in range(3)]
    elsewhere = make.enrollment(cohort=cohort, status="completed")
    for enrollment in placed:
        services.record_placement(enrollment.id, job, None, MAX)
    services.end_placement(services.open_placement(placed[0].trainee_id), date(2025, 8, 1), "离职", None)
    services.record_placement(elsewhere.id, replace(job, employer_id=make.employer().id, kind="self_found"), None, MAX)

    assert queries.committed_vs_placed(cohort.id) == (15, 3)


def test_a_cohort_without_a_partner_employer_has_nothing_committed(make):
    assert queries.committed_vs_placed(make.cohort().id) == (0, 0)


def test_the_trainee_sees_the_current_job_with_the_follow_up_answers(graduate, job):
    placement = services.record_placement(graduate.id, job, None, MAX)
    services.record_follow_up(
        placement.follow_ups[0],
        FollowUpAnswer(True, True, Decimal("7200"), ""),
        None,
        MAX,
        today=placement.follow_ups[0].due_date,
    )

    record = queries.trainee_job_record(graduate.trainee_id)

    assert (record.employer_name, record.position, record.start_date, record.monthly_wage, record.current) == (
        "上海远元足部修护连锁有限公司",
        "足部修护师",
        date(2025, 7, 15),
        Decimal("6500.00"),
        True,
    )
    assert [(f.months, f.done, f.still_employed, f.monthly_wage) for f in record.follow_ups] == [
        (3, True, True, Decimal("7200.00")),
        (6, False, None, None),
        (12, False, None, None),
    ]


def test_after_a_job_ended_the_trainee_sees_it_as_the_last_job(graduate, job):
    placement = services.record_placement(graduate.id, job, None, MAX)
    services.end_placement(placement, date(2025, 9, 1), "合同到期", None)

    record = queries.trainee_job_record(graduate.trainee_id)

    assert record.current is False and record.end_date == date(2025, 9, 1)


def test_a_trainee_without_a_job_has_no_job_record(graduate):
    assert queries.trainee_job_record(graduate.trainee_id) is None


def test_the_grid_saves_all_rows_or_none_and_names_each_refused_row(make, job):
    cohort = finished_cohort(make)
    good, bad = make.enrollment(cohort=cohort, status="completed"), make.enrollment(cohort=cohort, status="completed")
    rows = [GridRow(good.id, job), GridRow(bad.id, replace(job, monthly_wage=Decimal("-1")))]

    with pytest.raises(services.GridRefused) as refusal:
        services.record_many(rows, None, MAX)
    db.session.rollback()

    assert list(refusal.value.errors) == [bad.id] and "negative" in refusal.value.errors[bad.id]
    assert db.session.scalar(select(Placement)) is None and db.session.scalar(select(FollowUp)) is None
