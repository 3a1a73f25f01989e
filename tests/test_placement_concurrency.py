"""Two coordinators recording a job for the same graduate at once cannot both open one."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.conftest import BACKEND
from tests.support.races import first_holds_second_waits
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
    job = PlacementData(
        employer_id=employer.id,
        position="足部修护师",
        kind="directed",
        scope="out_of_province",
        start_date=date(2025, 7, 15),
        monthly_wage=Decimal("6000"),
    )
    enrollment_id = enrollment.id

    def record(index: int) -> str:  # the second waits on the trainee's row
        services.record_placement(enrollment_id, job, None, 100000)
        return "recorded"

    outcomes = first_holds_second_waits(app, record, refused=(PlacementRefused,))
    assert outcomes == {0: "recorded", 1: "refused"}
