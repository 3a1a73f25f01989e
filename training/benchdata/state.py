"""What the parts of BenchData share: the run's settings, its random stream, its ids and its plans.

BenchState declares every attribute the parts read from one another, grouped by the part that
plans it, so each part (people, catalog, enrollment, placements) is checked against the others;
BenchData sets the settings in its __init__ and the parts fill in their plans in load()'s order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Table

if TYPE_CHECKING:
    from training.benchdata.catalog import CohortPlan
    from training.benchdata.enrollment import EnrollmentPlan


def _local(day: date, at: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


class BenchState:
    """The state BenchData's parts share; BenchData sets it, the parts plan into it."""

    # Settings and bookkeeping, set by BenchData.__init__.
    n: int
    seed: int
    password: str
    progress: Callable[[str], None]
    rng: random.Random
    zone: ZoneInfo
    now: datetime
    today: date
    counties: dict[str, str]  # county code -> name
    codes: list[str]
    n_fill: int
    next_id: dict[Table, int]
    counts: dict[str, int]
    started: float

    # Planned by PeopleRows.plan_accounts.
    password_hash: str
    staff_rows: list[dict]
    coordinator: dict[str, int]  # county code -> user id
    trainers: dict[str, list[int]]  # county code -> user ids

    # Planned by CatalogRows.
    course_ids: list[int]
    course_rows: list[dict]
    standard_ids: list[int]  # by course index
    standard_rows: list[dict]  # by course index
    cohorts: list[CohortPlan]
    trainee_county: list[str]  # by trainee index
    trainee_course: list[int]  # by trainee index
    trainee_ids: list[int]  # by trainee index

    # Planned by EnrollmentRows.plan_enrollments.
    enrollments: list[EnrollmentPlan]

    # Planned by PlacementRows.
    employer_rows: list[dict]
    employer_ids: list[int]
    placed: list[tuple[int, date, date | None, Decimal, int]]  # id, start, end, wage, coordinator

    def ids(self, table: Table, n: int) -> range:
        start = self.next_id[table]
        self.next_id[table] = start + n
        return range(start, start + n)

    def opened(self, cohort: CohortPlan) -> datetime:
        return _local(cohort.start - timedelta(days=40), time(9), self.zone)
