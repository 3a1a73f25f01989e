"""Two coordinators recording a job for the same graduate at once cannot both open one."""
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.conftest import BACKEND
from training.extensions import db
from training.placement import services
from training.placement.services import PlacementData, PlacementRefused

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="row locks are a PostgreSQL matter; SQLite serialises writers itself"
)


def test_two_simultaneous_jobs_for_one_graduate_do_not_both_open(app, make):
    ended = date(2025, 6, 30)
    cohort = make.cohort(start_date=ended - timedelta(days=10), end_date=ended, status="finished")
    enrollment = make.enrollment(cohort=cohort, status="completed")
    employer = make.employer()
    db.session.commit()
    job = PlacementData(employer_id=employer.id, position="足部修护师", kind="directed", scope="out_of_province",
                        start_date=date(2025, 7, 15), monthly_wage=Decimal("6000"))
    enrollment_id = enrollment.id
    first_holds_lock = threading.Event()
    outcomes = {}

    def request(index: int) -> None:
        with app.app_context():
            if index == 1:
                first_holds_lock.wait(5)
            try:
                services.record_placement(enrollment_id, job, None, 100000)
                if index == 0:
                    first_holds_lock.set()
                    time.sleep(1.0)  # the second request is now waiting on the trainee's row
                db.session.commit()
                outcomes[index] = "recorded"
            except PlacementRefused:
                db.session.rollback()
                outcomes[index] = "refused"
            finally:
                first_holds_lock.set()
                db.session.remove()

    threads = [threading.Thread(target=request, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert outcomes == {0: "recorded", 1: "refused"}
