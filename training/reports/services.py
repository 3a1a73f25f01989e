"""The report as the pages and exports show it: figures from queries.py shaped into funnels,
breakdowns, a trend and the subsidy claims' money, with their definitions; and starting the
trainee-list export.

Plain functions over the session: no request, no current_user; the views pass the user,
the settings read from app.config and the moment the figures are taken.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from training import audit
from training.exceptions import DomainError
from training.extensions import db
from training.jobs.services import create_job
from training.models import Cohort, County, Course, User
from training.permissions import cohort_scope
from training.placement.rules import add_months
from training.reports import charts, queries
from training.reports.definitions import NAMES, WORDS, Settings, language_of, stage_labels
from training.reports.queries import Criteria
from training.reports.sentences import Context, Definition, describe

CITY_NAME = {"zh": "安康市", "en": "Ankang city"}
TREND_MONTHS = 36  # at most; a longer period shows its last 36 months
DIRECTED_ROWS_SHOWN = 100
EXPORT_KIND = "report_export"
EXPORT_FORMATS = ("xlsx", "csv")


class ExportRefused(DomainError):
    pass


@dataclass
class Funnel:
    """The counts of one group of admissions, stage by stage (see definitions.STAGES)."""

    enrolled: int = 0
    completed: int = 0
    certified: int = 0
    placed: int = 0
    retained: int = 0
    retention_due: int = 0
    wage_sum: Decimal = Decimal(0)
    jobs: int = 0

    @classmethod
    def from_values(cls, values) -> Funnel:
        enrolled, completed, certified, placed, retained, retention_due = (_int(v) for v in values[:6])
        return cls(
            enrolled, completed, certified, placed, retained, retention_due, _decimal(values[6]), _int(values[7])
        )

    def __add__(self, other: Funnel) -> Funnel:
        return Funnel(*(getattr(self, f) + getattr(other, f) for f in vars(self)))

    @property
    def rates(self) -> dict[str, float | None]:
        """Each rate over its own denominator (see the definitions); None when the denominator is 0."""
        return {
            "completed": _rate(self.completed, self.enrolled),
            "certified": _rate(self.certified, self.completed),
            "placed": _rate(self.placed, self.completed),
            "retained": _rate(self.retained, self.retention_due),
        }

    @property
    def average_wage(self) -> Decimal | None:
        return (self.wage_sum / self.jobs).quantize(Decimal("1"), ROUND_HALF_UP) if self.jobs else None


@dataclass
class Subsidy:
    """The money of one group's subsidy claims (see queries.subsidy_statement and the "subsidy" definition)."""

    claims: int = 0
    people: int = 0
    claimed: Decimal = Decimal("0.00")
    approved_people: int = 0
    approved: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")

    @classmethod
    def from_values(cls, values) -> Subsidy:
        claims, people, claimed, approved_people, approved, paid = values
        return cls(_int(claims), _int(people), _yuan(claimed), _int(approved_people), _yuan(approved), _yuan(paid))

    def __add__(self, other: Subsidy) -> Subsidy:
        return Subsidy(*(getattr(self, f) + getattr(other, f) for f in vars(self)))


@dataclass
class Directed:
    cohort_code: str
    employer: str
    committed: int
    enrolled: int
    completed: int
    placed: int
    at_partner: int

    @property
    def fulfilment(self) -> float | None:
        return _rate(self.at_partner, self.committed)


@dataclass
class Report:
    criteria: Criteria
    settings: Settings
    as_of: datetime  # local time
    language: str
    scope_name: str
    definitions: list[Definition]
    labels: dict[str, str]
    total: Funnel = field(default_factory=Funnel)
    by_course: list[tuple[str, Funnel]] = field(default_factory=list)
    by_county: list[tuple[str, Funnel]] = field(default_factory=list)
    by_category: dict[str, Funnel] = field(default_factory=dict)
    kinds: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    scopes: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    median_wage: Decimal | None = None
    trend: list[tuple[str, int | None, int]] = field(default_factory=list)  # see trend()
    directed: list[Directed] = field(default_factory=list)
    trend_counts: dict[str, list[int]] = field(default_factory=dict)  # YYYY-MM → [completions, jobs]
    subsidy: Subsidy = field(default_factory=Subsidy)
    subsidy_by_course: list[tuple[str, Subsidy]] = field(default_factory=list)
    subsidy_by_county: list[tuple[str, Subsidy]] = field(default_factory=list)

    @property
    def definition(self) -> dict[str, Definition]:
        return {d.key: d for d in self.definitions}

    @property
    def directed_shown(self) -> list[Directed]:
        return self.directed[:DIRECTED_ROWS_SHOWN]

    @property
    def words(self) -> dict[str, str]:
        return WORDS[self.language]

    @property
    def names(self) -> dict[str, dict[str, str]]:
        return NAMES[self.language]

    def category(self, key: str) -> Funnel:
        return self.by_category.get(key, Funnel())

    @property
    def category_rows(self) -> list[tuple[str, Funnel]]:
        return [
            (name, self.by_category[key]) for key, name in self.names["category"].items() if key in self.by_category
        ]


def _int(value) -> int:
    return int(round(float(value))) if value is not None else 0


def _decimal(value) -> Decimal:
    return Decimal(str(value or 0))


def _yuan(value) -> Decimal:
    return _decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("1"), ROUND_HALF_UP)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def local_now(now: datetime, timezone: str) -> datetime:
    return now.astimezone(ZoneInfo(timezone)).replace(second=0, microsecond=0)


def default_period(today: date) -> tuple[date, date]:
    """The whole current year: the year to date left out a class ending later this month, and with
    it the year's newest results. What has not happened yet is stated beside the figures (the
    "not_yet" definition), not cut off by the period."""
    return date(today.year, 1, 1), date(today.year, 12, 31)


def quick_periods(today: date) -> list[tuple[str, date, date]]:
    """The periods a coordinator reports most often: this month, last month, this year, last year, each whole."""
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    month_end = date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    return [
        (_l("This month"), first, month_end),
        (_l("Last month"), last_month_end.replace(day=1), last_month_end),
        (_l("This year"), *default_period(today)),
        (_l("Last year"), date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    ]


def scope_name(user: User, criteria: Criteria, language: str) -> str:
    code = criteria.county_code or user.county_code
    if code:
        return db.session.get_one(County, code).name
    return CITY_NAME[language]


def course_names() -> dict[int, str]:
    return dict(db.session.execute(select(Course.id, Course.name).order_by(Course.name)).tuples().all())


def county_names() -> dict[str, str]:
    return dict(db.session.execute(select(County.code, County.name).order_by(County.code)).tuples().all())


def find_cohort(user: User, code: str) -> Cohort | None:
    """The class with this code, if the user may see it (the same answer whether it exists or not)."""
    return db.session.scalar(select(Cohort).where(Cohort.code == code.strip(), cohort_scope(user)))


def build_report(
    user: User, criteria: Criteria, settings: Settings, now: datetime, timezone: str, locale: str
) -> Report:
    """Every figure of the dashboard for what `user` may see, taken at `now`."""
    as_of = local_now(now, timezone)
    language = language_of(locale)
    name = scope_name(user, criteria, language)
    context = Context(name, criteria.date_from, criteria.date_to, as_of, language)
    report = Report(
        criteria, settings, as_of, language, name, describe(settings, context), stage_labels(settings, language)
    )
    connection, scope = db.session.connection(), cohort_scope(user)
    courses, counties = course_names(), county_names()
    _collect(report, queries.figures(connection, scope, criteria, settings, as_of.date()), courses, counties)
    add_subsidy(report, queries.subsidy(connection, scope, criteria, settings), courses, counties)
    last = min(as_of.date(), add_months(criteria.date_to, settings.employed_within_months))
    report.trend = trend(report.trend_counts, criteria.date_from, criteria.date_to, last)
    return report


def _collect(report: Report, rows: list[tuple], courses: dict[int, str], counties: dict[str, str]) -> None:
    """Fold the statement's rows (see queries.figures_statement) into the report's tables."""
    by_course: dict[str, Funnel] = {}
    by_county: dict[str, Funnel] = {}
    months: dict[str, list[int]] = {}
    for part, key1, key2, *values in rows:
        if part == "grid":
            funnel = Funnel.from_values(values)
            report.total += funnel
            course = courses.get(int(key1), key1)
            by_course[course] = by_course.get(course, Funnel()) + funnel
            county = counties.get(key2, key2)
            by_county[county] = by_county.get(county, Funnel()) + funnel
        elif part == "category":
            report.by_category[key1] = report.category(key1) + Funnel.from_values(values)
        elif part == "category_jobs":
            placed, retained, due, wages, jobs = values[:5]
            report.by_category[key1] = report.category(key1) + Funnel.from_values(
                [0, 0, 0, placed, retained, due, wages, jobs]
            )
        elif part == "job":
            for target, key in ((report.kinds, key1), (report.scopes, key2)):
                count, wages = target.get(key, (0, Decimal(0)))
                target[key] = (count + _int(values[0]), wages + _decimal(values[1]))
        elif part in ("completed_month", "placed_month"):
            months.setdefault(key1, [0, 0])[part == "placed_month"] += _int(values[0])
        elif part == "median":
            report.median_wage = _money(values[0])
        elif part == "directed":
            report.directed.append(Directed(key1, key2, *(_int(v) for v in values[:5])))
    report.kinds = {k: report.kinds[k] for k in NAMES["en"]["kind"] if k in report.kinds}
    report.scopes = {k: report.scopes[k] for k in NAMES["en"]["scope"] if k in report.scopes}
    report.by_course = sorted(by_course.items(), key=lambda item: -item[1].enrolled)
    report.by_county = sorted(by_county.items(), key=lambda item: -item[1].enrolled)
    report.directed.sort(key=lambda d: (d.at_partner - d.committed, d.cohort_code))
    report.trend_counts = months


def add_subsidy(report: Report, rows: list[tuple], courses: dict[int, str], counties: dict[str, str]) -> None:
    """Fold queries.subsidy's rows (course, county, figures) into the total and the two breakdowns."""
    by_course: dict[str, Subsidy] = {}
    by_county: dict[str, Subsidy] = {}
    for course_id, county_code, *values in rows:
        money = Subsidy.from_values(values)
        report.subsidy += money
        course = courses.get(int(course_id), str(course_id))
        by_course[course] = by_course.get(course, Subsidy()) + money
        county = counties.get(county_code, county_code)
        by_county[county] = by_county.get(county, Subsidy()) + money
    report.subsidy_by_course = sorted(by_course.items(), key=lambda item: (-item[1].claimed, item[0]))
    report.subsidy_by_county = sorted(by_county.items(), key=lambda item: (-item[1].claimed, item[0]))


def charts_for(report: Report) -> dict:
    """The dashboard's SVG charts: the funnel, jobs by kind and by place, the monthly trend."""
    labels, total, names = report.labels, report.total, NAMES[report.language]
    rates = total.rates
    stages = [(labels["enrolled"], total.enrolled, "")]
    stages += [
        (labels[s], getattr(total, s), f"{labels[s + '_rate']} {charts.percent(rates[s])}")
        for s in ("completed", "certified", "placed", "retained")
    ]
    return {
        "funnel": charts.funnel(WORDS[report.language]["funnel"], stages),
        "kinds": charts.bars(labels["placed"], [(names["kind"].get(k, k), n) for k, (n, _) in report.kinds.items()]),
        "places": charts.bars(labels["placed"], [(names["scope"].get(k, k), n) for k, (n, _) in report.scopes.items()]),
        "trend": charts.trend(
            report.definition["trend"].label,
            [m for m, _, _ in report.trend],
            [
                (labels["completed"], [c for _, c, _ in report.trend]),
                (labels["placed"], [p for _, _, p in report.trend]),
            ],
        ),
    }


def trend(months: dict[str, list[int]], first: date, period_end: date, last: date) -> list[tuple[str, int | None, int]]:
    """(YYYY-MM, completions, jobs) for every month from `first` to `last`, at most TREND_MONTHS of them;
    completions are None after the period (they are not counted there), jobs go on."""
    points = []
    month = date(first.year, first.month, 1)
    while month <= last:
        label = f"{month:%Y-%m}"
        completed, placed = months.get(label, [0, 0])
        points.append((label, completed if label <= f"{period_end:%Y-%m}" else None, placed))
        month = (month + timedelta(days=32)).replace(day=1)
    return points[-TREND_MONTHS:]


# ---------------------------------------------------------------- the trainee list export


def start_export(
    user: User,
    criteria: Criteria,
    settings: Settings,
    fmt: str,
    full_id: bool,
    reason: str | None,
    locale: str,
    ip: str | None,
    now: datetime,
):
    """A queued export job of the trainee list; full ID numbers need a reason, which is audited.
    The caller commits, then enqueues."""
    if fmt not in EXPORT_FORMATS:
        raise ExportRefused(f"unknown format {fmt!r}")
    reason = (reason or "").strip()
    if full_id and not reason:
        raise ExportRefused(_("Give the reason for exporting full ID numbers; it is recorded."))
    params = {
        "user_id": user.id,
        "criteria": criteria.as_dict(),
        "settings": settings.as_dict(),
        "format": fmt,
        "full_id": bool(full_id),
        "locale": locale,
        "ip": ip,
        "now": now.isoformat(),
    }
    job = create_job(EXPORT_KIND, params, user.id)
    db.session.flush()
    if full_id:
        audit.record(
            "full_id_export",
            "report_export",
            job.id,
            after={"reason": reason[:500], "format": fmt, "criteria": criteria.as_dict()},
        )
    return job
