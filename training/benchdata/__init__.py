"""Synthetic data at scale for the benchmarks: `flask --app app seed-bench --trainees N`.

Never run this against a production database. It refuses when any trainee or any
`bench_` account exists, and every bench account (bench_admin, bench_city,
bench_coord_<county>, bench_trainer_<n>, bench_trainee_<n>) shares one password,
BENCH_PASSWORD unless told otherwise: acceptable only because the data are synthetic.

For N trainees: a dozen courses, each with its subsidy standard (项目制); cohorts of at most
60 in every county (about 1.3 enrollments per trainee, so about 1.3 N / 60 cohorts), mostly
finished or closed, some running around today, some open, a few drafts (all but the drafts
with their standard frozen); 16 four-hour sessions per cohort;
attendance for every session that has ended; scores and completed / failed for finished
cohorts; placements with 3/6/12-month follow-ups for about 60 % of completions.
The same seed on the same day gives the same rows; dates are relative to today.

Speed: rows go in as Core executemany inserts in chunks, committed per chunk, with primary
keys assigned here so nothing needs RETURNING and the ORM unit of work stays out of it.

BenchData plans the whole set and writes it table by table; what each table holds is planned
in the module named for it: people (accounts, trainees and their categories), catalog
(courses, standards, cohorts, sessions), enrollment (enrollments, attendance) and placements
(employers, placements, follow-ups). They share BenchData's state and its random stream, all
declared in state.BenchState, and load() calls them in a fixed order, so the same seed still
gives the same rows.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from itertools import islice
from time import perf_counter
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Table, func, insert, select, text

from training.benchdata.catalog import COHORT_SIZE, REPEAT_SHARE, CatalogRows
from training.benchdata.enrollment import EnrollmentRows
from training.benchdata.people import BENCH_PASSWORD, PeopleRows
from training.benchdata.placements import PlacementRows
from training.exceptions import DomainError
from training.extensions import db
from training.models import (
    Attendance,
    ClassSession,
    Cohort,
    County,
    Course,
    Employer,
    Enrollment,
    FollowUp,
    Placement,
    SubsidyStandard,
    Trainee,
    TraineeCategory,
    User,
    cohort_trainer,
    utcnow,
)
from training.orm import table_of

CHUNK = 10_000


class SeedRefused(DomainError):
    """seed-bench only runs on a database without trainees and without bench accounts."""


def seed(
    trainees: int, seed: int = 2026, password: str = BENCH_PASSWORD, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Load the bench data set for `trainees` trainees; return rows inserted per table."""
    _refuse_unless_empty()
    return BenchData(trainees, seed, password, progress or (lambda text: None)).load()


def _refuse_unless_empty() -> None:
    if not db.session.scalar(select(func.count()).select_from(County)):
        raise SeedRefused("No counties: run `flask --app app db upgrade` first.")
    if db.session.scalar(select(Trainee.id).limit(1)) is not None:
        raise SeedRefused(
            "This database already has trainees; seed-bench only loads into an empty "
            "database and must never run on a production one."
        )
    if db.session.scalar(select(User.id).where(User.username.like("bench\\_%", escape="\\")).limit(1)):
        raise SeedRefused("Bench accounts already exist in this database.")


class BenchData(PeopleRows, CatalogRows, EnrollmentRows, PlacementRows):
    """Plans the whole data set in memory (compactly), then streams rows table by table."""

    def __init__(self, trainees: int, seed: int, password: str, progress: Callable[[str], None]):
        self.n, self.seed, self.password, self.progress = trainees, seed, password, progress
        self.rng = random.Random(seed)
        self.zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        self.now = utcnow()
        self.today = self.now.astimezone(self.zone).date()
        self.counties = dict(db.session.execute(select(County.code, County.name).order_by(County.code)).tuples().all())
        self.codes = list(self.counties)
        # Cohorts that take trainees: enough seats for everyone once, and REPEAT_SHARE of them twice.
        self.n_fill = max(1, math.ceil(trainees * (1 + REPEAT_SHARE) / COHORT_SIZE))
        self.next_id = {t: (db.session.scalar(select(func.max(t.c.id))) or 0) + 1 for t in _ID_TABLES}
        self.counts: dict[str, int] = {}
        self.started = perf_counter()

    # ---- loading ------------------------------------------------------------------------

    def load(self) -> dict[str, int]:
        self.progress(f"planning {self.n:,} trainees")
        self.plan_staff()
        self.plan_cohorts()
        self.plan_enrollments()
        self.write(table_of(User), self.staff_rows)
        self.write(table_of(Course), self.course_rows)
        self.write(table_of(SubsidyStandard), self.standard_rows)
        self.write(table_of(Employer), self.employer_rows)
        self.write(table_of(Cohort), self.cohort_rows())
        self.write(cohort_trainer, ({"cohort_id": c.id, "user_id": u} for c in self.cohorts for u in c.trainers))
        self.write(table_of(ClassSession), self.session_rows())
        self.write(table_of(Trainee), self.trainee_rows())
        self.write(table_of(TraineeCategory), self.category_rows())
        self.write(table_of(User), self.trainee_account_rows())
        self.write(table_of(Enrollment), self.enrollment_rows())
        self.write(table_of(Attendance), self.attendance_rows())
        self.write(table_of(Placement), self.placement_rows())
        self.write(table_of(FollowUp), self.follow_up_rows())
        self.finish_postgresql()
        return self.counts

    def write(self, table: Table, rows: Iterable[dict]) -> None:
        """Insert in chunks, one transaction per chunk."""
        rows = iter(rows)
        while chunk := list(islice(rows, CHUNK)):
            db.session.execute(insert(table), chunk)
            db.session.commit()
            self.counts[table.name] = self.counts.get(table.name, 0) + len(chunk)
            self.progress(f"{table.name}: {self.counts[table.name]:,} rows ({perf_counter() - self.started:.1f} s)")

    def finish_postgresql(self) -> None:
        """Move the id sequences past the ids written here, and give the planner fresh statistics."""
        if db.engine.dialect.name != "postgresql":
            return
        for table in _ID_TABLES:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
                )
            )
        db.session.execute(text("ANALYZE"))  # what autovacuum would do a little later
        db.session.commit()
        self.progress(f"sequences and statistics updated ({perf_counter() - self.started:.1f} s)")

    # ---- planning -----------------------------------------------------------------------

    def plan_staff(self) -> None:
        """Accounts, courses and employers: small tables, planned as rows."""
        self.plan_accounts()
        self.plan_courses()
        self.plan_standards()
        self.plan_employers()


_ID_TABLES = [
    table_of(t)
    for t in (
        User,
        Course,
        SubsidyStandard,
        Employer,
        Cohort,
        ClassSession,
        Trainee,
        Enrollment,
        Attendance,
        Placement,
        FollowUp,
    )
]
