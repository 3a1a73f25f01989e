"""Serial numbers per year and county: readable, consecutive, never twice, even with two batches at once."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from tests.conftest import BACKEND
from training.certificates import issuing, serials
from training.extensions import db
from training.models import Certificate, CohortStatus, SerialCounter


@pytest.fixture(autouse=True)
def own_storage(app, tmp_path):
    app.config["CERTIFICATE_DIR"] = str(tmp_path / "certificates")
    app.instance_path = str(tmp_path / "instance")


@pytest.mark.parametrize(
    "text, ok",
    [
        ("AK-2026-610924-00017", True),
        ("AK-2026-610924-123456", True),
        ("ak-2026-610924-00017", False),
        ("AK-2026-610924-17", False),
        ("../../etc/passwd", False),
        ("AK-2026-610924-00017.pdf", False),
        ("", False),
    ],
)
def test_what_counts_as_a_serial(text, ok):
    assert serials.is_serial(text) is ok


def test_a_serial_names_prefix_year_county_and_a_five_digit_number():
    assert serials.format_serial("AK", 2026, "610924", 17) == "AK-2026-610924-00017"


def test_numbers_follow_on_from_the_counter(app):
    serials.lock_counter(2026, "610924")
    assert serials.allocate(2026, "610924", 3) == [1, 2, 3]
    db.session.commit()

    serials.lock_counter(2026, "610924")
    assert serials.allocate(2026, "610924", 2) == [4, 5]
    serials.lock_counter(2026, "610929")
    assert serials.allocate(2026, "610929", 1) == [1]
    db.session.commit()


def test_a_rolled_back_batch_gives_its_numbers_back(app):
    serials.lock_counter(2026, "610924")
    serials.allocate(2026, "610924", 5)
    db.session.rollback()

    serials.lock_counter(2026, "610924")
    assert serials.allocate(2026, "610924", 1) == [1]


@pytest.mark.skipif(
    BACKEND != "postgresql", reason="row locks are a PostgreSQL matter; SQLite serialises writers itself"
)
def test_two_transactions_allocating_at_once_get_consecutive_numbers_without_overlap(app):
    serials.lock_counter(2026, "610924")
    db.session.commit()
    first_holds_lock = threading.Event()
    got: dict[int, list[int]] = {}

    def allocate(index: int, count: int) -> None:
        with app.app_context():
            try:
                if index == 1:
                    first_holds_lock.wait(5)
                serials.lock_counter(2026, "610924")
                got[index] = serials.allocate(2026, "610924", count)
                if index == 0:
                    first_holds_lock.set()
                    time.sleep(1.0)  # the other transaction now waits on the counter row
                db.session.commit()
            finally:
                first_holds_lock.set()
                db.session.remove()

    threads = [threading.Thread(target=allocate, args=(0, 5)), threading.Thread(target=allocate, args=(1, 3))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)

    assert got == {0: [1, 2, 3, 4, 5], 1: [6, 7, 8]}
    assert db.session.scalar(select(SerialCounter.last_value)) == 8


def test_two_batches_for_one_cohort_at_once_issue_each_enrollment_once_without_gaps(app, make):
    cohort = make.cohort(status=CohortStatus.FINISHED, county_code="610924")
    other = make.cohort(status=CohortStatus.FINISHED, county_code="610924")
    ids = [make.graduate(cohort=cohort, name=f"学员{n}").id for n in range(6)]
    extra = [make.graduate(cohort=other, name=f"他班{n}").id for n in range(2)]
    db.session.commit()
    errors = []

    def batch(cohort_id: int, enrollment_ids: list[int]) -> None:
        with app.app_context():
            try:
                issuing.issue_batch(cohort_id, enrollment_ids, None)
                db.session.commit()
            except Exception as error:  # reported below: the test must see it
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=batch, args=args)
        for args in [(cohort.id, ids), (cohort.id, ids[::-1]), (other.id, extra)]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    issued = db.session.execute(select(Certificate.enrollment_id, Certificate.serial)).all()
    assert sorted(e for e, _ in issued) == sorted(ids + extra)
    numbers = sorted(int(serial.rsplit("-", 1)[1]) for _, serial in issued)
    assert numbers == list(range(1, 9))
