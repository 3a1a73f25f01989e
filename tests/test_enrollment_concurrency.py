"""Two coordinators enrolling the same person at once cannot both use their third subsidy slot."""

from datetime import date

import pytest

from tests.conftest import BACKEND
from tests.support.races import first_holds_second_waits
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

    def enroll(index: int) -> str:  # the second waits on the trainee's row
        services.enroll(ids[0], ids[2][index], ids[1])
        return "enrolled"

    outcomes = first_holds_second_waits(app, enroll, refused=(EnrollmentRefused,))
    assert outcomes == {0: "enrolled", 1: "refused"}
