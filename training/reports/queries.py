"""The report's figures in SQL: one statement for the whole dashboard's funnel whatever the data
size, and one for the money of its subsidy claims (the trainee list's SQL is list_queries.py's).

The population is the admissions to the classes in scope and period (see definitions.py);
`jobs` are the placements of its completed trainees that count as employment (what counts is
training/employment.py's, the one definition a subsidy claim's tier uses too). Both are CTEs of
one UNION ALL whose arms share a shape: a part name, two keys, eight numbers. Dialect-specific
SQL is kept small: adding months to a date (employment.add_months), the month of a date, the
median, and whether the population CTE is materialised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from training import employment
from training.models import (
    FROZEN,
    LINE_STANDS,
    Certificate,
    CertificateStatus,
    Claim,
    ClaimLine,
    ClaimStatus,
    Cohort,
    Employer,
    Enrollment,
    EnrollmentStatus,
    FollowUp,
    LineDecision,
    Placement,
    TraineeCategory,
)
from training.reports.definitions import Settings

ADMITTED = (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED, EnrollmentStatus.FAILED, EnrollmentStatus.WITHDRAWN)
# The claims whose lines were approved, and those paid (their approved lines were paid).
APPROVED_CLAIMS = (ClaimStatus.APPROVED, ClaimStatus.PAID)
SUBSIDY_VALUES = ("claims", "people", "claimed", "approved_people", "approved", "paid")
STAGE_VALUES = ("enrolled", "completed", "certified", "placed", "retained", "retention_due", "wage_sum", "jobs")


class year_month(FunctionElement):
    """'YYYY-MM' of a date."""

    type = String()
    inherit_cache = True


@compiles(year_month, "sqlite")
def _year_month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(list(element.clauses)[0], **kw)})"


@compiles(year_month, "postgresql")
def _year_month_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(list(element.clauses)[0], **kw)}, 'YYYY-MM')"


@dataclass(frozen=True)
class Criteria:
    """The filters of one report; county_code is already limited to what the user may see."""

    date_from: date
    date_to: date
    county_code: str | None = None
    course_id: int | None = None
    cohort_id: int | None = None
    category: str | None = None

    def as_dict(self) -> dict:
        return {**asdict(self), "date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}

    @classmethod
    def from_dict(cls, values: dict) -> Criteria:
        return cls(
            **{
                **values,
                "date_from": date.fromisoformat(values["date_from"]),
                "date_to": date.fromisoformat(values["date_to"]),
            }
        )


def admissions_where(scope: ColumnElement[bool], criteria: Criteria, settings: Settings) -> list[ColumnElement[bool]]:
    """WHERE clauses on Enrollment joined to Cohort: the population of the report."""
    period_date = getattr(Cohort, settings.period_date)
    clauses = [scope, Enrollment.status.in_(ADMITTED), period_date.between(criteria.date_from, criteria.date_to)]
    if criteria.county_code:
        clauses.append(Cohort.county_code == criteria.county_code)
    if criteria.course_id:
        clauses.append(Cohort.course_id == criteria.course_id)
    if criteria.cohort_id:
        clauses.append(Cohort.id == criteria.cohort_id)
    if criteria.category:
        clauses.append(
            Enrollment.trainee_id.in_(
                select(TraineeCategory.trainee_id).where(TraineeCategory.category == criteria.category)
            )
        )
    return clauses


def _text(value: str):
    return literal_column(f"'{value}'", String)


ZERO = literal_column("0", Integer)


def _arm(part: str, key1, key2, values: Sequence) -> list:
    return [
        _text(part).label("part"),
        key1.label("key1"),
        key2.label("key2"),
        *[v.label(f"v{i}") for i, v in enumerate([*values, *[ZERO] * (len(STAGE_VALUES) - len(values))])],
    ]


def figures_statement(
    scope: ColumnElement[bool], criteria: Criteria, settings: Settings, as_of: date, dialect: str
) -> CompoundSelect:
    """Every figure of the dashboard in one statement; rows are (part, key1, key2, v0 … v7).

    Two CTEs, each read from the tables (so the planner knows their size): the admissions, and
    the jobs that count. What depends only on the class (course, county, month of completion,
    partner employer) is summed per class first, so those tables group a few thousand rows.
    A person counts once per stage however many jobs they had: COUNT(DISTINCT admission)."""
    where = admissions_where(scope, criteria, settings)
    completed = employment.completed()
    certified = Enrollment.id.in_(
        select(Certificate.enrollment_id).where(Certificate.status == CertificateStatus.VALID)
    )
    population = (
        select(
            Enrollment.id.label("enrollment_id"),
            Enrollment.trainee_id,
            Enrollment.cohort_id,
            case((completed, 1), else_=0).label("completed"),
            case((and_(completed, certified), 1), else_=0).label("certified"),
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(*where)
    ).cte("population")
    if dialect == "postgresql":  # two cheap parallel scans beat a materialised CTE of every admission there
        population = population.prefix_with("NOT MATERIALIZED")

    follow_up = aliased(FollowUp)
    due = follow_up.due_date <= as_of
    jobs = (
        select(
            Placement.enrollment_id,
            Enrollment.trainee_id,
            Enrollment.cohort_id,
            Placement.kind,
            Placement.scope,
            Placement.monthly_wage,
            Placement.start_date,
            case((Placement.employer_id == Cohort.employer_id, Placement.enrollment_id)).label("at_partner"),
            case((and_(due, follow_up.still_employed.is_(True)), Placement.enrollment_id)).label("retained"),
            case((due, Placement.enrollment_id)).label("retention_due"),
        )
        .join(Enrollment, Enrollment.id == Placement.enrollment_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .outerjoin(
            follow_up, and_(follow_up.placement_id == Placement.id, follow_up.due_months == settings.retention_months)
        )
        .where(*where, completed, employment.counts_as_employment(settings.employment(), Cohort.end_date, as_of))
    ).cte("jobs")

    def people(*names: str) -> list:
        """Admissions with a job, and those retained, due for the follow-up, with the partner: once each."""
        return [func.count(func.distinct(jobs.c[name])) for name in names]

    trained = (
        select(
            population.c.cohort_id,
            func.count().label("enrolled"),
            func.sum(population.c.completed).label("completed"),
            func.sum(population.c.certified).label("certified"),
        ).group_by(population.c.cohort_id)
    ).subquery("trained")
    employed = (
        select(
            jobs.c.cohort_id,
            *[
                column.label(name)
                for column, name in zip(
                    people("enrollment_id", "retained", "retention_due", "at_partner"),
                    ("placed", "retained", "retention_due", "at_partner"),
                    strict=False,
                )
            ],
            func.sum(jobs.c.monthly_wage).label("wage_sum"),
            func.count().label("jobs"),
        ).group_by(jobs.c.cohort_id)
    ).subquery("employed")
    per_class = (
        select(
            Cohort.id,
            Cohort.course_id,
            Cohort.county_code,
            Cohort.end_date,
            Cohort.code,
            Cohort.employer_id,
            Cohort.committed_placements,
            trained.c.enrolled,
            trained.c.completed,
            trained.c.certified,
            *[
                func.coalesce(employed.c[name], 0).label(name)
                for name in ("placed", "retained", "retention_due", "wage_sum", "jobs", "at_partner")
            ],
        )
        .join(trained, trained.c.cohort_id == Cohort.id)
        .outerjoin(employed, employed.c.cohort_id == Cohort.id)
    ).cte("per_class")

    def category_of(source):
        return TraineeCategory.trainee_id == source.c.trainee_id

    employer = aliased(Employer)
    arms = [
        select(
            *_arm(
                "grid",
                cast(per_class.c.course_id, String),
                per_class.c.county_code,
                [func.sum(per_class.c[name]) for name in STAGE_VALUES],
            )
        ).group_by(per_class.c.course_id, per_class.c.county_code),
        select(
            *_arm(
                "category",
                TraineeCategory.category,
                _text(""),
                [func.count(), func.sum(population.c.completed), func.sum(population.c.certified)],
            )
        )
        .select_from(population.join(TraineeCategory, category_of(population)))
        .group_by(TraineeCategory.category),
        select(
            *_arm(
                "category_jobs",
                TraineeCategory.category,
                _text(""),
                [*people("enrollment_id", "retained", "retention_due"), func.sum(jobs.c.monthly_wage), func.count()],
            )
        )
        .select_from(jobs.join(TraineeCategory, category_of(jobs)))
        .group_by(TraineeCategory.category),
        select(*_arm("job", jobs.c.kind, jobs.c.scope, [func.count(), func.sum(jobs.c.monthly_wage)])).group_by(
            jobs.c.kind, jobs.c.scope
        ),
        select(
            *_arm("completed_month", year_month(per_class.c.end_date), _text(""), [func.sum(per_class.c.completed)])
        ).group_by(year_month(per_class.c.end_date)),
        select(*_arm("placed_month", year_month(jobs.c.start_date), _text(""), [func.count()])).group_by(
            year_month(jobs.c.start_date)
        ),
        _median_arm(jobs, dialect),
        select(
            *_arm(
                "directed",
                per_class.c.code,
                employer.name,
                [
                    per_class.c.committed_placements,
                    per_class.c.enrolled,
                    per_class.c.completed,
                    per_class.c.placed,
                    per_class.c.at_partner,
                ],
            )
        ).join(employer, employer.id == per_class.c.employer_id),
    ]
    return union_all(*arms)


def _median_arm(jobs, dialect: str) -> Select:
    """The median monthly wage of the jobs: percentile_cont on PostgreSQL; on SQLite, the middle
    one or two wages found by ORDER BY … LIMIT … OFFSET over the count."""
    if dialect == "postgresql":
        median = func.percentile_cont(0.5).within_group(jobs.c.monthly_wage)
        return select(*_arm("median", _text(""), _text(""), [median]))
    n = select(func.count()).select_from(jobs).scalar_subquery()
    middle = (
        select(jobs.c.monthly_wage.label("wage"))
        .order_by(jobs.c.monthly_wage)
        .limit(2 - n % 2)
        .offset(func.max((n - 1) // 2, 0))
        .subquery("middle")
    )
    return select(*_arm("median", _text(""), _text(""), [func.avg(middle.c.wage)]))


def figures(
    connection: Connection, scope: ColumnElement[bool], criteria: Criteria, settings: Settings, as_of: date
) -> list[tuple]:
    statement = figures_statement(scope, criteria, settings, as_of, connection.dialect.name)
    return [tuple(row) for row in connection.execute(statement)]


def subsidy_statement(scope: ColumnElement[bool], criteria: Criteria, settings: Settings) -> Select:
    """The money of the subsidy claims of the report's population, per course and county of the class:
    rows (course_id, county_code, *SUBSIDY_VALUES).

    A line counts once its claim is submitted (FROZEN: drafts are still being prepared, a returned
    version is replaced by the next); `standing` keeps a returned version's lines out, and the
    admissions' filters (scope, period, county, course, class, category) apply to each line's
    enrollment, so a category's figures are its own trainees' amounts. Read from the claim lines,
    a small table beside the admissions, so the statement does not grow with the whole population."""
    approved = and_(Claim.status.in_(APPROVED_CLAIMS), ClaimLine.decision == LineDecision.APPROVED)
    paid = and_(Claim.status == ClaimStatus.PAID, ClaimLine.decision == LineDecision.APPROVED)
    zero = literal_column("0", ClaimLine.amount_yuan.type)
    return (
        select(
            Cohort.course_id,
            Cohort.county_code,
            func.count(func.distinct(Claim.id)),
            func.count(case((ClaimLine.amount_yuan > 0, ClaimLine.id))),
            func.sum(ClaimLine.amount_yuan),
            func.count(case((and_(approved, ClaimLine.amount_yuan > 0), ClaimLine.id))),
            func.sum(case((approved, ClaimLine.amount_yuan), else_=zero)),
            func.sum(case((paid, ClaimLine.amount_yuan), else_=zero)),
        )
        .select_from(ClaimLine)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .join(Enrollment, Enrollment.id == ClaimLine.enrollment_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(LINE_STANDS, Claim.status.in_(FROZEN), *admissions_where(scope, criteria, settings))
        .group_by(Cohort.course_id, Cohort.county_code)
    )


def subsidy(connection: Connection, scope: ColumnElement[bool], criteria: Criteria, settings: Settings) -> list[tuple]:
    return [tuple(row) for row in connection.execute(subsidy_statement(scope, criteria, settings))]
