"""Two coordinators enrolling the same person at once cannot both use their third subsidy slot."""
import threading
import time
from datetime import date

import pytest

from tests.conftest import BACKEND
from training.enrollment import services
from training.enrollment.services import EnrollmentRefused
from training.extensions import db
from training.models import CohortStatus, EnrollmentStatus

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="row locks are a PostgreSQL matter; SQLite serialises writers itself"
)


def test_two_simultaneous_requests_for_the_third_slot_do_not_both_succeed(app, make):
    coordinator = make.user("coordinator")
    trainee = make.trainee()
    for n in range(2):
        earlier = make.cohort(course=make.course(occupation=f"工种{n}"), start_date=date(2026, 3, n + 1))
        make.enrollment(trainee=trainee, cohort=earlier, status=EnrollmentStatus.COMPLETED)
    cohorts = [
        make.cohort(course=make.course(occupation=f"新工种{n}"), status=CohortStatus.OPEN, start_date=date(2026, 9, 1))
        for n in range(2)
    ]
    db.session.commit()
    ids = (trainee.id, coordinator.id, [c.id for c in cohorts])
    first_holds_lock = threading.Event()
    outcomes = {}

    def request(index: int) -> None:
        with app.app_context():
            if index == 1:
                first_holds_lock.wait(5)
            try:
                services.enroll(ids[0], ids[2][index], ids[1])
                if index == 0:
                    first_holds_lock.set()
                    time.sleep(1.0)  # the second request is now waiting on the trainee's row
                db.session.commit()
                outcomes[index] = "enrolled"
            except EnrollmentRefused:
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
    assert outcomes == {0: "enrolled", 1: "refused"}
