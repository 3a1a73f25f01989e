"""What counts as employment after a training, and a cohort's employed ÷ completed on a date.

One definition for everything that states an employment rate: the reports' figures
(reports/queries.py, whose settings name the window, the contract and the kinds without one:
REPORT_EMPLOYED_WITHIN_MONTHS, REPORT_MIN_CONTRACT_MONTHS, REPORT_NO_CONTRACT_KINDS) and the tier
of a subsidy claim (claims/), which measures the same thing over its own window
(CLAIM_MEASURE_MONTHS). The window is the caller's argument; what a job must be is not.

Completed: an admission whose status is "completed" (结业). Employed: a completed admission with a
job that counts (`counts_as_employment`), counted once however many jobs it had.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Connection, Date, Integer, and_, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from training.models import Cohort, Enrollment, EnrollmentStatus, Placement


class add_months(FunctionElement):
    """date + n months, as a date (n bound as a parameter)."""

    type = Date()
    inherit_cache = True


@compiles(add_months, "sqlite")
def _add_months_sqlite(element, compiler, **kw):
    # SQLite rolls a day the month lacks over into the next (31 Dec + 2 months: 2 March); PostgreSQL
    # and placement.rules.add_months keep to the month's last day. The earlier of the two is that.
    value, months = list(element.clauses)

    def sql(clause) -> str:  # each time it appears, so that a bound value is bound each time
        return compiler.process(clause, **kw)

    return (
        f"min(date({sql(value)}, '+' || {sql(months)} || ' months'), "
        f"date({sql(value)}, 'start of month', '+' || ({sql(months)} + 1) || ' months', '-1 day'))"
    )


@compiles(add_months, "postgresql")
def _add_months_postgresql(element, compiler, **kw):
    value, months = list(element.clauses)
    return f"CAST({compiler.process(value, **kw)} + make_interval(months => {compiler.process(months, **kw)}) AS DATE)"


@dataclass(frozen=True)
class Definition:
    """What counts as employment: a job started within `within_months` after the training ended,
    with a labour contract of at least `min_contract_months` (0: any job), except the kinds of job
    that have no contract to sign."""

    within_months: int
    min_contract_months: int
    no_contract_kinds: tuple[str, ...]


def completed() -> ColumnElement[bool]:
    """An admission (Enrollment) that counts as completed."""
    return Enrollment.status == EnrollmentStatus.COMPLETED


def counts_as_employment(definition: Definition, training_ended, as_of: date) -> ColumnElement[bool]:
    """A placement (Placement columns) that counts as employment after a training that ended on
    `training_ended`, started by `as_of`."""
    clauses = [
        Placement.start_date >= training_ended,
        Placement.start_date <= add_months(training_ended, literal(definition.within_months, Integer)),
        Placement.start_date <= as_of,
    ]
    if definition.min_contract_months:
        clauses.append(
            or_(
                Placement.contract_months >= definition.min_contract_months,
                Placement.kind.in_(definition.no_contract_kinds),
            )
        )
    return and_(*clauses)


@dataclass(frozen=True)
class CohortEmployment:
    """A cohort's completed admissions, and how many of them were employed, on `as_of`."""

    as_of: date
    completed: int
    employed: int

    @property
    def rate(self) -> Decimal | None:
        """employed ÷ completed, exact (None when nobody completed)."""
        return Decimal(self.employed) / Decimal(self.completed) if self.completed else None


def cohort_employment(connection: Connection, cohort_id: int, definition: Definition, as_of: date) -> CohortEmployment:
    """Completed and employed of one cohort on `as_of`, in one statement."""
    of_cohort = and_(Enrollment.cohort_id == cohort_id, completed())
    completed_count = select(func.count()).select_from(Enrollment).where(of_cohort).scalar_subquery()
    employed_count = (
        select(func.count(func.distinct(Placement.enrollment_id)))
        .join(Enrollment, Enrollment.id == Placement.enrollment_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(of_cohort, counts_as_employment(definition, Cohort.end_date, as_of))
        .scalar_subquery()
    )
    done, employed = connection.execute(select(completed_count, employed_count)).one()
    return CohortEmployment(as_of, int(done or 0), int(employed or 0))
