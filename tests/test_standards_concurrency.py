"""Two keepers adding overlapping standards at once cannot both succeed (PostgreSQL: the catalogue's lock)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import BACKEND
from tests.support.races import first_holds_second_waits
from training.extensions import db
from training.models import SubsidyStandard
from training.standards import services
from training.standards.services import StandardDetails, StandardRefused

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="transaction locks are a PostgreSQL matter; SQLite serialises writers itself"
)


def test_two_simultaneous_overlapping_standards_are_not_both_added(app):
    def add(index: int) -> str:  # the second waits on the first's lock, then sees its standard
        yuan = Decimal("4500") + index
        services.create_standard(StandardDetails("足部修护师", 5, "project", yuan, 90, date(2026, 1 + index, 1)))
        return "added"

    outcomes = first_holds_second_waits(app, add, refused=(StandardRefused,))

    assert outcomes == {0: "added", 1: "refused"}
    assert db.session.scalar(select(func.count()).select_from(SubsidyStandard)) == 1
