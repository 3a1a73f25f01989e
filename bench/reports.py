"""The reports dashboard and the trainee-list export at scale, each beside its bare SQL.

    .venv/bin/python bench/reports.py [--trainees 200000] [--database-url postgresql+psycopg://…/postgres]
                                      [--export-rows 100000] [--runs 20] [--keep]

Seeds the bench data set (bench/README.md) in a throwaway database, signs in as the city
coordinator and as the 紫阳县 coordinator, and times GET /reports over the whole seeded range
(every cohort, the heaviest report) and over the year to date (the page's default): median of
--runs requests after 2 warm-ups, each asserted 200. Beside each page it times a hand-written
SQL statement computing the same figures (the population, the jobs that count, and every
table of the page as one UNION ALL), and the claims' money, on one connection: page / bare is
what the framework, the ORM, the form and the template add.

The bench data set holds no subsidy claims, so after seeding this adds them the way a city
would have them: every class finished more than 2 months ago has a claim, a quarter of them
submitted (on notice or in review), a quarter approved, half paid, at the 80 % tier of its
standard; a line per completed subsidised trainee, one in ten rejected on review. The subsidy
figures alone (queries.subsidy and the fold into the report's tables, as the page runs them)
are then timed beside their bare SQL. Target: within 2x.

Then, in a fresh subprocess (so its peak memory is its own), the city coordinator's trainee
list of about --export-rows rows is exported as .xlsx and as .csv through the real job handler,
beside the bare SQL that merely streams the same rows. Targets: the city dashboard under
500 ms on PostgreSQL and within 2x its bare SQL; the export under 20 s and 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

ROOT = Path(__file__).resolve().parents[1]
WARMUP = 2
ADD_MONTHS = {"sqlite": "date(c.end_date, '+6 months')", "postgresql": "CAST(c.end_date + INTERVAL '6 months' AS DATE)"}
MONTH = {"sqlite": "strftime('%Y-%m', {column})", "postgresql": "to_char({column}, 'YYYY-MM')"}
MEDIAN = {
    "sqlite": "SELECT 'median', '', '', avg(w), 0, 0, 0, 0, 0, 0, 0 FROM (SELECT monthly_wage AS w FROM jobs ORDER BY w "
    "LIMIT 2 - (SELECT count(*) FROM jobs) % 2 OFFSET max(((SELECT count(*) FROM jobs) - 1) / 2, 0)) AS middle",
    "postgresql": "SELECT 'median', '', '', percentile_cont(0.5) WITHIN GROUP (ORDER BY monthly_wage), 0, 0, 0, 0, 0, "
    "0, 0 FROM jobs",
}
CLASS_SUMS = (
    "sum(enrolled), sum(completed), sum(certified), sum(placed), sum(retained), sum(due), sum(wages), sum(jobs)"
)


def figures_sql(dialect: str, county: bool) -> str:
    """Every figure of the dashboard by hand, default definitions (6 months, 12-month contracts, retention at 6)."""
    where = (
        "e.status IN ('enrolled', 'completed', 'failed', 'withdrawn') AND c.end_date BETWEEN :date_from AND "
        ":date_to" + (" AND c.county_code = :county" if county else "")
    )
    completed_month, placed_month = MONTH[dialect].format(column="end_date"), MONTH[dialect].format(column="start_date")
    return f"""
WITH pop AS {"NOT MATERIALIZED" if dialect == "postgresql" else ""} (
  SELECT e.id, e.trainee_id, e.cohort_id, CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END AS completed,
         CASE WHEN e.status = 'completed' AND e.id IN (SELECT enrollment_id FROM certificate WHERE status = 'valid')
              THEN 1 ELSE 0 END AS certified
  FROM enrollment e JOIN cohort c ON c.id = e.cohort_id WHERE {where}),
jobs AS (
  SELECT pl.enrollment_id, e.trainee_id, e.cohort_id, pl.kind, pl.scope, pl.monthly_wage, pl.start_date,
         CASE WHEN pl.employer_id = c.employer_id THEN pl.enrollment_id END AS at_partner,
         CASE WHEN f.due_date <= :as_of AND f.still_employed THEN pl.enrollment_id END AS retained,
         CASE WHEN f.due_date <= :as_of THEN pl.enrollment_id END AS due
  FROM placement pl JOIN enrollment e ON e.id = pl.enrollment_id JOIN cohort c ON c.id = e.cohort_id
  LEFT JOIN follow_up f ON f.placement_id = pl.id AND f.due_months = 6
  WHERE {where} AND e.status = 'completed' AND pl.start_date >= c.end_date AND pl.start_date <= {ADD_MONTHS[dialect]}
        AND pl.start_date <= :as_of AND (pl.contract_months >= 12 OR pl.kind IN ('self_employed'))),
classes AS (
  SELECT c.id, c.course_id, c.county_code, c.end_date, c.code, c.employer_id, c.committed_placements, t.enrolled,
         t.completed, t.certified, coalesce(j.placed, 0) AS placed, coalesce(j.retained, 0) AS retained,
         coalesce(j.due, 0) AS due, coalesce(j.wages, 0) AS wages, coalesce(j.jobs, 0) AS jobs,
         coalesce(j.at_partner, 0) AS at_partner
  FROM cohort c
  JOIN (SELECT cohort_id, count(*) AS enrolled, sum(completed) AS completed, sum(certified) AS certified
        FROM pop GROUP BY cohort_id) t ON t.cohort_id = c.id
  LEFT JOIN (SELECT cohort_id, count(DISTINCT enrollment_id) AS placed, count(DISTINCT retained) AS retained,
                    count(DISTINCT due) AS due, count(DISTINCT at_partner) AS at_partner, sum(monthly_wage) AS wages,
                    count(*) AS jobs FROM jobs GROUP BY cohort_id) j ON j.cohort_id = c.id)
SELECT 'grid', CAST(course_id AS VARCHAR), county_code, {CLASS_SUMS} FROM classes GROUP BY course_id, county_code
UNION ALL
SELECT 'category', tc.category, '', count(*), sum(completed), sum(certified), 0, 0, 0, 0, 0
  FROM pop JOIN trainee_category tc ON tc.trainee_id = pop.trainee_id GROUP BY tc.category
UNION ALL
SELECT 'category_jobs', tc.category, '', count(DISTINCT enrollment_id), count(DISTINCT retained), count(DISTINCT due),
       sum(monthly_wage), count(*), 0, 0, 0
  FROM jobs JOIN trainee_category tc ON tc.trainee_id = jobs.trainee_id GROUP BY tc.category
UNION ALL
SELECT 'job', kind, scope, count(*), sum(monthly_wage), 0, 0, 0, 0, 0, 0 FROM jobs GROUP BY kind, scope
UNION ALL
SELECT 'completed_month', {completed_month}, '', sum(completed), 0, 0, 0, 0, 0, 0, 0 FROM classes
  GROUP BY {completed_month}
UNION ALL
SELECT 'placed_month', {placed_month}, '', count(*), 0, 0, 0, 0, 0, 0, 0 FROM jobs GROUP BY {placed_month}
UNION ALL
{MEDIAN[dialect]}
UNION ALL
SELECT 'directed', classes.code, em.name, committed_placements, enrolled, completed, placed, at_partner, 0, 0, 0
  FROM classes JOIN employer em ON em.id = classes.employer_id"""


EXPORT_SQL = """
SELECT e.id, t.name, t.id_number, home.name, co.name, c.code, c.county_code, c.start_date, c.end_date, e.status,
       cert.serial, em.name, pl.position, pl.kind, pl.scope, pl.monthly_wage, pl.start_date, pl.end_date,
       f.due_date, f.done_at, f.still_employed
FROM enrollment e JOIN cohort c ON c.id = e.cohort_id JOIN course co ON co.id = c.course_id
JOIN trainee t ON t.id = e.trainee_id LEFT JOIN county home ON home.code = t.county_code
LEFT JOIN certificate cert ON cert.enrollment_id = e.id AND cert.status = 'valid'
LEFT JOIN placement pl ON pl.enrollment_id = e.id
LEFT JOIN employer em ON em.id = pl.employer_id
LEFT JOIN follow_up f ON f.placement_id = pl.id AND f.due_months = 6
WHERE e.status IN ('enrolled', 'completed', 'failed', 'withdrawn') AND c.end_date BETWEEN :date_from AND :date_to
ORDER BY e.id"""


SUBSIDY_SQL = """
SELECT c.course_id, c.county_code, count(DISTINCT k.id), count(CASE WHEN l.amount_yuan > 0 THEN l.id END),
       sum(l.amount_yuan),
       count(CASE WHEN k.status IN ('approved', 'paid') AND l.decision = 'approved' AND l.amount_yuan > 0 THEN l.id END),
       sum(CASE WHEN k.status IN ('approved', 'paid') AND l.decision = 'approved' THEN l.amount_yuan ELSE 0 END),
       sum(CASE WHEN k.status = 'paid' AND l.decision = 'approved' THEN l.amount_yuan ELSE 0 END)
FROM claim_line l JOIN subsidy_claim k ON k.id = l.claim_id JOIN enrollment e ON e.id = l.enrollment_id
JOIN cohort c ON c.id = e.cohort_id
WHERE l.standing AND k.status IN ('submitted', 'notice', 'review', 'approved', 'paid')
  AND e.status IN ('enrolled', 'completed', 'failed', 'withdrawn') AND c.end_date BETWEEN :date_from AND :date_to{county}
GROUP BY c.course_id, c.county_code"""

# The claims a city would hold (see the docstring): one per class finished before :cutoff.
CLAIMS_SQL = [
    """INSERT INTO subsidy_claim (cohort_id, version, status, measured_on, completed_count, employed_count, tier_pct,
       standard_yuan, total_yuan, prepared_by_id, prepared_at)
SELECT c.id, 1, CASE c.id % 8 WHEN 0 THEN 'submitted' WHEN 1 THEN 'notice' WHEN 2 THEN 'review' WHEN 3 THEN 'approved'
       WHEN 4 THEN 'approved' ELSE 'paid' END, c.end_date, 0, 0, 80, c.standard_yuan, 0, :preparer, :now
FROM cohort c WHERE c.status IN ('finished', 'closed') AND c.end_date <= :cutoff AND c.standard_yuan IS NOT NULL""",
    """INSERT INTO claim_line (claim_id, enrollment_id, position, standing, eligible, reasons, amount_yuan, snapshot,
       decision)
SELECT k.id, e.id, e.id, TRUE, TRUE, '[]', k.standard_yuan * 0.8, '{}',
       CASE WHEN k.status IN ('approved', 'paid') THEN CASE WHEN e.id % 10 = 0 THEN 'rejected' ELSE 'approved' END END
FROM subsidy_claim k JOIN enrollment e ON e.cohort_id = k.cohort_id WHERE e.status = 'completed' AND e.subsidised""",
    """UPDATE subsidy_claim SET
       total_yuan = (SELECT coalesce(sum(amount_yuan), 0) FROM claim_line WHERE claim_id = subsidy_claim.id),
       completed_count = (SELECT count(*) FROM claim_line WHERE claim_id = subsidy_claim.id),
       approved_yuan = CASE WHEN status IN ('approved', 'paid') THEN (SELECT coalesce(sum(amount_yuan), 0)
           FROM claim_line WHERE claim_id = subsidy_claim.id AND decision = 'approved') END""",
    "UPDATE subsidy_claim SET paid_yuan = approved_yuan, paid_on = measured_on WHERE status = 'paid'",
]


def add_claims(app, today: date) -> int:
    """Write the claims of CLAIMS_SQL; return how many lines they hold."""
    from sqlalchemy import bindparam, select, text

    from training.extensions import db
    from training.models import User, utcnow
    from training.placement.rules import add_months

    with app.app_context():
        preparer = db.session.scalar(select(User.id).where(User.username == "bench_coord_610924"))
        params = {"preparer": preparer, "now": utcnow(), "cutoff": add_months(today, -2)}
        first = text(CLAIMS_SQL[0]).bindparams(
            bindparam("cutoff", type_=db.Date()), bindparam("now", type_=db.DateTime(timezone=True))
        )
        db.session.execute(first, params)
        for statement in CLAIMS_SQL[1:]:
            db.session.execute(text(statement))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE subsidy_claim; ANALYZE claim_line"))
        db.session.commit()
        return db.session.scalar(text("SELECT count(*) FROM claim_line"))


def subsidy_rows(app, url: str, periods, args) -> list[list]:
    """The subsidy figures as the page computes them, beside SUBSIDY_SQL, per coordinator and period."""
    from sqlalchemy import bindparam, select, text

    from training.extensions import db
    from training.models import User
    from training.permissions import cohort_scope
    from training.reports import queries, services
    from training.reports.definitions import Settings
    from training.reports.queries import Criteria

    rows = []
    with app.app_context():
        settings = Settings.from_config(app.config)
        courses, counties = services.course_names(), services.county_names()
        for who, username, county in (("city", "bench_city", None), ("紫阳县", "bench_coord_610924", "610924")):
            user = db.session.scalar(select(User).where(User.username == username))
            for label, start, end in periods:
                criteria = Criteria(start, end)

                def figures(user=user, criteria=criteria):
                    report = services.Report(criteria, settings, None, "zh", "", [], {})
                    rows = queries.subsidy(db.session.connection(), cohort_scope(user), criteria, settings)
                    services.add_subsidy(report, rows, courses, counties)
                    db.session.rollback()  # a request's session ends; the next starts afresh
                    return report.subsidy

                money = figures()
                app_ms = common.median_ms(figures, WARMUP, args.runs)
                statement = text(SUBSIDY_SQL.format(county=" AND c.county_code = :county" if county else ""))
                statement = statement.bindparams(
                    bindparam("date_from", type_=db.Date()), bindparam("date_to", type_=db.Date())
                )
                params = {"date_from": start, "date_to": end, **({"county": county} if county else {})}
                with db.engine.connect() as connection:
                    bare = connection.execute(statement, params).all()
                    bare_ms = common.median_ms(
                        lambda c=connection, s=statement, p=params: c.execute(s, p).all(), WARMUP, args.runs
                    )
                assert money.claims == sum(row[2] for row in bare), (money, bare)
                rows.append(
                    [
                        f"{who}, {label}  subsidy figures",
                        f"{money.claims:,} claims, {money.claimed:,.0f} yuan",
                        f"{app_ms:.1f}",
                        f"{bare_ms:.1f}",
                        f"{app_ms / bare_ms:.2f}",
                    ]
                )
    return rows


def peak_mb() -> float:
    """This process's peak resident memory: VmHWM, which (unlike ru_maxrss) does not inherit the
    parent's peak across fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = common.bench_arguments(__doc__, trainees=200_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--measure-export", nargs=3, metavar=("URL", "FORMAT", "DATE_TO"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_export:
        print(json.dumps(measure_export(*args.measure_export)))
        return
    common.on_bench_database(args, lambda url: run(url, args))


def run(url: str, args) -> None:
    from sqlalchemy import bindparam, text

    from training.extensions import db
    from training.models import utcnow
    from training.reports.services import local_now

    app, seed_seconds = common.seeded_app(
        url, args.trainees, args.seed, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False
    )
    today = local_now(utcnow(), app.config["BABEL_DEFAULT_TIMEZONE"]).date()
    claim_lines = add_claims(app, today)
    periods = [("whole range", date(today.year - 4, 1, 1), today), ("year to date", date(today.year, 1, 1), today)]
    with app.app_context():
        engine = db.engine
        dialect = engine.dialect.name
        machine, database = common.describe_machine(), common.describe_database(engine)
        with engine.connect() as connection:
            admissions = connection.execute(
                text("SELECT count(*) FROM enrollment WHERE status IN ('enrolled', 'completed', 'failed', 'withdrawn')")
            ).scalar()
    rows = []
    for who, username, county in (("city", "bench_city", None), ("紫阳县", "bench_coord_610924", "610924")):
        client = common.signed_in(app, username)
        for label, start, end in periods:
            path = f"/reports?date_from={start}&date_to={end}"
            statements, page_ms = common.time_request(
                engine, lambda client=client, path=path: common.expect(client.get(path), 200), WARMUP, args.runs
            )
            statement = text(figures_sql(dialect, county is not None)).bindparams(
                bindparam("date_from", type_=db.Date()),
                bindparam("date_to", type_=db.Date()),
                bindparam("as_of", type_=db.Date()),
            )
            money = text(SUBSIDY_SQL.format(county=" AND c.county_code = :county" if county else "")).bindparams(
                bindparam("date_from", type_=db.Date()), bindparam("date_to", type_=db.Date())
            )
            params = {"date_from": start, "date_to": end, "as_of": today, **({"county": county} if county else {})}

            def bare(statement=statement, money=money, params=params, connection=None):
                connection.execute(statement, params).all()
                connection.execute(money, {k: v for k, v in params.items() if k != "as_of"}).all()

            with app.app_context(), engine.connect() as connection:
                bare_ms = common.median_ms(lambda bare=bare: bare(connection=connection), WARMUP, args.runs)
            rows.append(
                [
                    f"{who}, {label}  GET /reports",
                    statements,
                    f"{page_ms:.1f}",
                    f"{bare_ms:.1f}",
                    f"{page_ms / bare_ms:.2f}",
                ]
            )
    print(f"machine:  {machine}")
    print(
        f"database: {database}; {args.trainees:,} bench trainees ({admissions:,} admissions) seeded in "
        f"{seed_seconds:.1f} s; {claim_lines:,} claim lines added"
    )
    print(f"median of {args.runs} after {WARMUP} warm-ups; statements = SQL sent by one page request\n")
    common.print_table(["report", "statements", "page ms", "bare SQL ms", "page / bare"], rows)
    print()
    common.print_table(
        ["subsidy (target: within 2x)", "figures", "app ms", "bare SQL ms", "app / bare"],
        subsidy_rows(app, url, periods, args),
    )
    print()
    export_rows(app, url, args.export_rows)


def export_rows(app, url: str, wanted: int) -> None:
    """Export about `wanted` rows: the city's list from the first class, up to the end date reaching `wanted`."""
    from sqlalchemy import text

    from training.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        date_to = connection.execute(
            text(
                "SELECT c.end_date FROM enrollment e JOIN cohort c ON c.id = e.cohort_id WHERE e.status IN "
                "('enrolled', 'completed', 'failed', 'withdrawn') ORDER BY c.end_date LIMIT 1 OFFSET :n"
            ),
            {"n": wanted - 1},
        ).scalar()
    if date_to is None:
        print(f"export: fewer than {wanted:,} admissions in the data set; seed more trainees")
        return
    table = []
    for fmt in ("xlsx", "csv"):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        output = subprocess.run(
            [sys.executable, __file__, "--measure-export", url, fmt, str(date_to)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        ).stdout
        figures = json.loads(output.strip().splitlines()[-1])
        table.append(
            [
                f"export .{fmt}  (job handler)",
                f"{figures['rows']:,}",
                f"{figures['seconds']:.2f}",
                f"{figures['bare_seconds']:.2f}",
                f"{figures['seconds'] / figures['bare_seconds']:.1f}",
                f"{figures['peak_mb']:.0f}",
                f"{figures['growth_mb']:.0f}",
                f"{figures['file_mb']:.1f}",
            ]
        )
    common.print_table(
        ["export", "rows", "seconds", "bare SQL s", "export / bare", "peak RSS MB", "RSS growth MB", "file MB"], table
    )


def measure_export(url: str, fmt: str, date_to: str) -> dict:
    """In a child process: the real export job for bench_city, then the bare streaming SELECT of the same rows."""
    from flask_babel import force_locale
    from sqlalchemy import bindparam, select, text

    from training import create_app
    from training.extensions import db
    from training.jobs import services as jobs
    from training.models import Job, User, utcnow
    from training.reports import list_export, services
    from training.reports.definitions import Settings
    from training.reports.queries import Criteria

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context(), force_locale("zh_CN"):
        user = db.session.scalar(select(User).where(User.username == "bench_city"))
        criteria = Criteria(date(2000, 1, 1), date.fromisoformat(date_to))
        job = services.start_export(
            user, criteria, Settings.from_config(app.config), fmt, False, "", "zh_CN", None, utcnow()
        )
        db.session.commit()
        before = peak_mb()
        started = time.perf_counter()
        jobs.run(job.id)
        seconds = time.perf_counter() - started
        export_peak = peak_mb()
        job = db.session.get(Job, job.id)
        path = list_export.export_path(job.id, fmt)
        size = path.stat().st_size / 1024 / 1024
        path.unlink()
        statement = text(EXPORT_SQL).bindparams(
            bindparam("date_from", type_=db.Date()), bindparam("date_to", type_=db.Date())
        )
        started = time.perf_counter()
        with db.engine.connect() as connection:
            result = connection.execution_options(yield_per=2000).execute(
                statement, {"date_from": date(2000, 1, 1), "date_to": criteria.date_to}
            )
            bare_rows = sum(len(chunk) for chunk in result.partitions())
        bare = time.perf_counter() - started
    assert job.result["rows"] <= bare_rows, (job.result, bare_rows)
    return {
        "rows": job.result["rows"],
        "seconds": seconds,
        "bare_seconds": bare,
        "peak_mb": export_peak,
        "growth_mb": export_peak - before,
        "file_mb": size,
    }


if __name__ == "__main__":
    main()
