"""After approval: what changed in the records is shown as differences from the filing, recorded as a
filing change with its reason (each changed part before and after), and acknowledged by a reviewer
who did not record it; until then the class does not start."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from training.extensions import db
from training.filing import changes, gate
from training.filing.lifecycle import FilingRefused
from training.models import EnrollmentStatus, utcnow

ZONE = "Asia/Shanghai"


@pytest.fixture
def approved(make):
    trainer = make.user("trainer", county_code="610924", display_name="刘老师")
    cohort = make.cohort(status="open", start_date=date.today() + timedelta(days=30), sessions=2, trainers=[trainer])
    seats = [make.enrollment(cohort=cohort, trainee=make.trainee(name=name)) for name in ("王秀英", "李娜")]
    coordinator = make.user("coordinator", county_code="610924")
    filing = make.approved_filing(cohort, preparer=coordinator)
    return filing, cohort, seats, coordinator


def words(found) -> list[str]:
    return [changes.describe(d) for d in found]


def test_an_approved_filing_with_unchanged_records_shows_no_difference(approved):
    filing = approved[0]
    assert changes.now_and_differences(filing, ZONE)[1] == []


def test_sessions_moved_added_and_removed_trainers_replaced_and_trainees_added_or_withdrawn_are_differences(
    approved, make
):
    filing, cohort, seats, _ = approved
    first, second = cohort.sessions
    db.session.delete(first)  # not the newest row: SQLite would give its id to the one added
    db.session.flush()
    second.starts_at += timedelta(days=1)
    second.ends_at += timedelta(days=1)
    make.session(cohort, starts_at=datetime.combine(cohort.start_date + timedelta(days=5), datetime.min.time(), UTC))
    cohort.trainers = [make.user("trainer", county_code="610924", display_name="陈老师")]
    seats[1].status = EnrollmentStatus.WITHDRAWN
    newcomer = make.enrollment(cohort=cohort, trainee=make.trainee(name="赵敏"))
    db.session.flush()

    found = words(changes.now_and_differences(filing, ZONE)[1])

    assert sum(w.startswith("Session moved:") for w in found) == 1
    assert sum(w.startswith("Session removed:") for w in found) == 1
    assert sum(w.startswith("Session added:") for w in found) == 1
    assert "Trainer removed: 刘老师" in found and "Trainer added: 陈老师" in found
    assert any(w.startswith("Trainee withdrawn: 李娜（") for w in found)
    masked = newcomer.trainee.id_number[:6] + "********" + newcomer.trainee.id_number[-4:]
    assert f"Trainee added: 赵敏（{masked}）" in found


def test_a_new_phone_number_is_no_change_of_the_class(approved):
    filing, _cohort, seats, _ = approved
    seats[0].trainee.phone = "13800001111"
    db.session.flush()
    assert changes.now_and_differences(filing, ZONE)[1] == []


def test_a_change_is_recorded_with_its_reason_and_what_it_changed_before_and_after(approved, make):
    filing, cohort, seats, coordinator = approved
    newcomer = make.enrollment(cohort=cohort, trainee=make.trainee(name="赵敏"))
    db.session.flush()

    change = changes.record_change(filing, "报名截止前新增一名学员", user=coordinator, now=utcnow(), timezone=ZONE)

    assert change.reason == "报名截止前新增一名学员" and change.prepared_by_id == coordinator.id
    assert list(change.changes) == ["roster"]
    before, after = change.changes["roster"]["before"], change.changes["roster"]["after"]
    assert [p["name"] for p in before] == ["王秀英", "李娜"]
    assert [p["name"] for p in after] == ["王秀英", "李娜", "赵敏"]
    assert words(changes.differences_of(change)) == [
        f"Trainee added: 赵敏（{newcomer.trainee.id_number[:6]}********{newcomer.trainee.id_number[-4:]}）"
    ]
    # Recorded, the difference is part of the filing as it stands: nothing is left to record.
    assert changes.now_and_differences(filing, ZONE)[1] == []


def test_recording_needs_a_reason_and_something_that_changed(approved, make):
    filing, cohort, _seats, coordinator = approved
    with pytest.raises(FilingRefused, match="Nothing has changed"):
        changes.record_change(filing, "无", user=coordinator, now=utcnow(), timezone=ZONE)
    make.enrollment(cohort=cohort)
    with pytest.raises(FilingRefused, match="Say why the class changed"):
        changes.record_change(filing, " ", user=coordinator, now=utcnow(), timezone=ZONE)


def test_a_change_is_acknowledged_by_a_reviewer_never_by_who_recorded_it(approved, make):
    filing, cohort, _seats, _ = approved
    city = make.user("coordinator", county_code=None)
    make.enrollment(cohort=cohort)
    change = changes.record_change(filing, "新增学员", user=city, now=utcnow(), timezone=ZONE)
    with pytest.raises(FilingRefused, match="You recorded this change"):
        changes.acknowledge(change, user=city, now=utcnow())
    with pytest.raises(FilingRefused, match="Only a reviewer"):
        changes.acknowledge(change, user=make.user("coordinator", county_code="610924"), now=utcnow())
    reviewer = make.user("reviewer")
    changes.acknowledge(change, user=reviewer, now=utcnow())
    assert change.acknowledged_by_id == reviewer.id
    with pytest.raises(FilingRefused, match="acknowledged already"):
        changes.acknowledge(change, user=make.user("reviewer"), now=utcnow())


def test_the_class_starts_only_once_every_change_is_recorded_and_acknowledged(approved, make):
    filing, cohort, _seats, coordinator = approved
    make.enrollment(cohort=cohort)
    db.session.flush()
    assert "1 difference from the approved filing is not recorded" in gate.start_refusal(cohort)
    change = changes.record_change(filing, "新增学员", user=coordinator, now=utcnow(), timezone=ZONE)
    assert "1 filing change waits for a reviewer's acknowledgement" in gate.start_refusal(cohort)
    changes.acknowledge(change, user=make.user("reviewer"), now=utcnow())
    assert gate.start_refusal(cohort) is None
