"""A class-opening filing's life: prepared from the records by a coordinator of the county, submitted,
approved by someone else or returned with reasons and submitted again; its deadline counted on
China's official calendar; a late filing marked and explained; the start refused until it is approved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from training import workdays
from training.filing import gate, lifecycle
from training.filing.deadline import deadline_for
from training.filing.lifecycle import FilingRefused, Step
from training.filing.snapshot import FilingDetails
from training.models import AuditEvent, EnrollmentStatus, FilingStatus, utcnow

ZONE = "Asia/Shanghai"
TYPED = FilingDetails(
    site_address="紫阳县蒿坪镇金川社区", assessment_method="理论笔试＋实操考核", assessor="紫阳县足部修护协会"
)


@pytest.fixture
def people(make):
    county = make.user("coordinator", county_code="610924", display_name="紫阳协调员")
    reviewer = make.user("reviewer", display_name="审核员")
    return county, reviewer


@pytest.fixture
def cohort(make):
    trainer = make.user("trainer", county_code="610924", display_name="刘老师")
    cohort = make.cohort(status="open", start_date=date.today() + timedelta(days=30), sessions=3, trainers=[trainer])
    for name in ("王秀英", "李娜"):
        make.enrollment(cohort=cohort, trainee=make.trainee(name=name))
    make.enrollment(cohort=cohort, trainee=make.trainee(name="申请中"), status=EnrollmentStatus.APPLIED)
    return cohort


def step(user, today=None, **typed) -> Step:
    return Step(user=user, today=today or date.today(), now=utcnow(), timezone=ZONE, **typed)


def prepared(cohort, user, details=TYPED):
    return lifecycle.prepare(cohort, details, user=user, now=utcnow(), timezone=ZONE)


def test_a_county_coordinator_prepares_a_snapshot_of_the_class_from_the_records(cohort, people):
    county, _ = people
    filing = prepared(
        cohort,
        county,
        FilingDetails(**{**TYPED.__dict__, "qualifications": {cohort.trainers[0].id: "高级技师 证书号 S001"}}),
    )

    s = filing.snapshot
    assert filing.status == FilingStatus.DRAFT and filing.prepared_by_id == county.id
    assert [p["name"] for p in s["roster"]] == ["王秀英", "李娜"]  # the seated ones, not the applicant
    assert len(s["timetable"]) == 3 and s["timetable"][0]["hours"] == "4"
    assert s["trainers"] == [{"id": cohort.trainers[0].id, "name": "刘老师", "qualification": "高级技师 证书号 S001"}]
    assert s["class"]["site_address"] == "紫阳县蒿坪镇金川社区" and s["class"]["daily_hours"] == ["4", "4"]
    assert s["assessment"] == {"method": "理论笔试＋实操考核", "assessor": "紫阳县足部修护协会"}
    assert s["course"]["code"] == cohort.course.code


def test_a_coordinator_of_another_county_cannot_prepare_it(cohort, make):
    with pytest.raises(FilingRefused, match="Only a coordinator of the cohort's county"):
        prepared(cohort, make.user("coordinator", county_code="610902"))


def test_only_an_open_cohort_is_filed(make, people):
    draft = make.cohort(status="draft", sessions=1)
    with pytest.raises(FilingRefused, match="while it is open"):
        prepared(draft, people[0])


def test_the_reviewer_approves_what_the_coordinator_submitted_and_both_steps_are_audited(cohort, people):
    county, reviewer = people
    filing = lifecycle.change_status(prepared(cohort, county), "submitted", step(county))
    filing = lifecycle.change_status(filing, "approved", step(reviewer))

    assert (filing.status, filing.reviewed_by_id, filing.late) == ("approved", reviewer.id, False)
    events = [(e.action, e.after.get("status")) for e in select_events()]
    assert events == [
        ("filing_prepared", "draft"),
        ("filing_status_changed", "submitted"),
        ("filing_status_changed", "approved"),
    ]


def select_events():
    from training.extensions import db

    return db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "filing").order_by(AuditEvent.id))


@pytest.mark.parametrize("to", ["approved", "returned"])
def test_whoever_prepared_a_filing_never_reviews_it(cohort, make, to):
    city = make.user("coordinator", county_code=None)
    filing = lifecycle.change_status(prepared(cohort, city), "submitted", step(city))
    with pytest.raises(FilingRefused, match="someone else must review it"):
        lifecycle.change_status(filing, to, step(city, reason="地址不全"))
    assert filing.status == "submitted"


def test_whoever_submitted_a_filing_never_reviews_it(cohort, people, make):
    city = make.user("coordinator", county_code=None)
    filing = lifecycle.change_status(prepared(cohort, people[0]), "submitted", step(city))
    with pytest.raises(FilingRefused, match="You submitted this filing"):
        lifecycle.change_status(filing, "approved", step(city))


def test_a_county_coordinator_cannot_approve(cohort, people, make):
    filing = lifecycle.change_status(prepared(cohort, people[0]), "submitted", step(people[0]))
    with pytest.raises(FilingRefused, match="Only a reviewer"):
        lifecycle.change_status(filing, "approved", step(make.user("coordinator", county_code="610924")))


def test_a_returned_filing_keeps_its_reasons_is_corrected_and_submitted_again(cohort, people, make):
    county, reviewer = people
    filing = lifecycle.change_status(prepared(cohort, county), "submitted", step(county))
    with pytest.raises(FilingRefused, match="Say why the filing is returned"):
        lifecycle.change_status(filing, "returned", step(reviewer, reason="  "))
    filing = lifecycle.change_status(filing, "returned", step(reviewer, reason="缺少评价机构的资质"))
    assert filing.status == "returned" and filing.returns[0]["reason"] == "缺少评价机构的资质"

    corrected = prepared(cohort, county, FilingDetails(**{**TYPED.__dict__, "assessor": "安康市职业技能鉴定中心"}))
    assert (corrected.id, corrected.status) == (filing.id, "draft")
    filing = lifecycle.change_status(corrected, "submitted", step(county))
    filing = lifecycle.change_status(filing, "approved", step(reviewer))
    assert filing.status == "approved" and filing.snapshot["assessment"]["assessor"] == "安康市职业技能鉴定中心"
    assert [r["reason"] for r in filing.returns] == ["缺少评价机构的资质"]


def test_a_submitted_filing_is_not_prepared_again(cohort, people):
    filing = lifecycle.change_status(prepared(cohort, people[0]), "submitted", step(people[0]))
    with pytest.raises(FilingRefused, match="cannot be prepared again"):
        prepared(cohort, people[0])
    assert filing.status == "submitted"


def test_submitting_takes_the_snapshot_afresh(cohort, people, make):
    filing = prepared(cohort, people[0])
    make.enrollment(cohort=cohort, trainee=make.trainee(name="后来的"))
    filing = lifecycle.change_status(filing, "submitted", step(people[0]))
    assert [p["name"] for p in filing.snapshot["roster"]] == ["王秀英", "李娜", "后来的"]


# ---- the deadline on China's calendar ----------------------------------------------------------


# 2025's National Day and Mid-Autumn holiday (State Council arrangement, as chinesecalendar holds
# it): days off Wed 1 Oct to Wed 8 Oct; make-up working days Sun 28 Sep and Sat 11 Oct.
# A class starting Thu 9 Oct: counting back 5 working days skips 8…1 Oct (holidays) and Sat 27 Sep:
#   30 Sep (Tue) 1, 29 Sep (Mon) 2, 28 Sep (Sun, make-up) 3, 26 Sep (Fri) 4, 25 Sep (Thu) 5 → 25 Sep.
# A class starting Thu 16 Oct: 15 Oct 1, 14 Oct 2, 13 Oct 3, (Sun 12 Oct off), 11 Oct (Sat, make-up) 4,
#   10 Oct (Fri) 5 → 10 Oct; counting Monday to Friday it would be 9 Oct.
@pytest.mark.parametrize(
    ("start", "last_day"),
    [
        (date(2025, 10, 9), date(2025, 9, 25)),
        (date(2025, 10, 16), date(2025, 10, 10)),
        # Mon 29 Sep: the make-up Sun 28 Sep counts (1), then 26, 25, 24 and 23 Sep → 23 Sep.
        (date(2025, 9, 29), date(2025, 9, 23)),
    ],
)
def test_the_last_day_to_file_is_counted_on_chinas_official_calendar(start, last_day):
    deadline = deadline_for(start, workdays.Calendar(), 5)
    assert (deadline.day, deadline.provisional) == (last_day, False)


def test_a_year_not_yet_published_gives_a_provisional_deadline():
    deadline = deadline_for(date(2099, 3, 9), workdays.Calendar(), 5)  # a Monday
    assert (deadline.day, deadline.provisional) == (date(2099, 3, 2), True)


def test_the_deadline_uses_the_running_apps_setting(app, make, people):
    app.config["FILING_WORKING_DAYS"] = 7
    cohort = make.cohort(status="open", start_date=date(2025, 10, 16), sessions=1)
    filing = prepared(cohort, people[0])
    # 15, 14, 13, 11 (Sat, make-up), 10, 9 Oct, then past the holidays (8…1 Oct) 30 Sep: the 7th.
    assert filing.deadline == date(2025, 9, 30)


def test_a_filing_submitted_after_its_deadline_needs_a_written_reason_and_is_marked_late(make, people):
    county, reviewer = people
    cohort = make.cohort(status="open", start_date=date(2025, 10, 16), sessions=1)
    filing = prepared(cohort, county)
    assert filing.deadline == date(2025, 10, 10)
    with pytest.raises(FilingRefused, match="The last day to file was"):
        lifecycle.change_status(filing, "submitted", step(county, today=date(2025, 10, 11)))
    assert filing.status == "draft"
    filing = lifecycle.change_status(
        filing, "submitted", step(county, today=date(2025, 10, 11), late_reason="培训场地临时更换，延误备案")
    )
    assert (filing.late, filing.late_reason) == (True, "培训场地临时更换，延误备案")


def test_a_filing_submitted_on_its_last_day_is_on_time(make, people):
    cohort = make.cohort(status="open", start_date=date(2025, 10, 16), sessions=1)
    filing = lifecycle.change_status(
        prepared(cohort, people[0]), "submitted", step(people[0], today=date(2025, 10, 10))
    )
    assert (filing.late, filing.late_reason) == (False, None)


# ---- the gate ---------------------------------------------------------------------------------


def test_the_start_is_refused_saying_what_the_filing_lacks(cohort, people):
    county, reviewer = people
    assert "has no class-opening filing" in gate.start_refusal(cohort)
    filing = prepared(cohort, county)
    assert "is a draft" in gate.start_refusal(cohort)
    filing = lifecycle.change_status(filing, "submitted", step(county))
    assert "awaiting review" in gate.start_refusal(cohort)
    filing = lifecycle.change_status(filing, "returned", step(reviewer, reason="课表与课程学时不符"))
    assert "returned for correction (课表与课程学时不符)" in gate.start_refusal(cohort)
    filing = lifecycle.change_status(prepared(cohort, county), "submitted", step(county))
    lifecycle.change_status(filing, "approved", step(reviewer))
    assert gate.start_refusal(cohort) is None


def test_the_gate_is_open_when_the_setting_is_off(app, cohort):
    app.config["FILING_REQUIRED_TO_START"] = 0
    assert gate.start_refusal(cohort) is None
