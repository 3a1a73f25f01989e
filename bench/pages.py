"""Each role's home page, timed in-process, beside one hand-written SQL statement fetching what it shows.

    .venv/bin/python bench/pages.py [--trainees 20000] [--database-url postgresql+psycopg://…/postgres]

Seeds a throwaway database (a SQLite file, or a new database on the given PostgreSQL server,
dropped afterwards), signs each bench account in through /login, then for every page takes
the median of 50 requests after 5 warm-ups, and the median of 50 runs of the bare statement
on one connection. The ratio page / bare SQL is the figure to watch: it is what the
framework, the ORM and the template add, and it should not grow with the data.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

# Every arm of a UNION gets the same columns: part, label, n, at, course, code, place, topic.
# A typed arm comes first: PostgreSQL resolves the types of bare NULLs pair by pair, left to right.
SESSIONS = """SELECT * FROM (
  SELECT '{part}' AS part, CAST(NULL AS VARCHAR(20)) AS label, CAST(NULL AS BIGINT) AS n, s.starts_at AS at, co.name AS course, c.code AS code,
         COALESCE(NULLIF(s.location, ''), c.site_name) AS place, s.topic AS topic
  FROM class_session s JOIN cohort c ON c.id = s.cohort_id JOIN course co ON co.id = c.course_id
  WHERE {scope} AND s.starts_at >= :{start} AND s.starts_at < :{end}
  ORDER BY s.starts_at LIMIT {limit}) AS {part}"""

COORDINATOR = (
    SESSIONS.format(part="upcoming", scope="{scope}", start="now", end="week_end", limit=20)
    + """
UNION ALL
SELECT 'cohorts', c.status, COUNT(*), NULL, NULL, NULL, NULL, NULL FROM cohort c WHERE {scope} GROUP BY c.status
UNION ALL
SELECT 'enrollments', e.status, COUNT(*), NULL, NULL, NULL, NULL, NULL
  FROM enrollment e JOIN cohort c ON c.id = e.cohort_id WHERE {scope} GROUP BY e.status
UNION ALL
SELECT 'trainees', NULL, COUNT(*), NULL, NULL, NULL, NULL, NULL FROM ({trainees}) AS in_scope
UNION ALL
SELECT 'county', name, NULL, NULL, NULL, NULL, NULL, NULL FROM county WHERE code = :county"""
)

# A county's trainees: those living there, and those enrolled in its cohorts. Written as a union
# of ids, as one would by hand; the app's `county = … OR EXISTS (…)` reads every trainee.
COUNTY_TRAINEES = (
    "SELECT id FROM trainee WHERE county_code = :county UNION "
    "SELECT e.trainee_id FROM enrollment e JOIN cohort c ON c.id = e.cohort_id WHERE c.county_code = :county"
)

TRAINER_SCOPE = "c.id IN (SELECT cohort_id FROM cohort_trainer WHERE user_id = :user)"
TRAINER = "\nUNION ALL\n".join(
    [
        SESSIONS.format(part="today", scope=TRAINER_SCOPE, start="day_start", end="day_end", limit=50),
        SESSIONS.format(part="upcoming", scope=TRAINER_SCOPE, start="day_end", end="day_end_week", limit=10),
        SESSIONS.format(part="recent", scope=TRAINER_SCOPE, start="lock_start", end="day_start", limit=10),
    ]
)

TRAINEE = """
SELECT 'enrollment', e.status, NULL, e.applied_at, co.name, c.code, c.site_name, c.start_date || ' – ' || c.end_date
  FROM enrollment e JOIN cohort c ON c.id = e.cohort_id JOIN course co ON co.id = c.course_id
  WHERE e.trainee_id = :trainee
UNION ALL
SELECT 'me', t.name, NULL, NULL, NULL, NULL, NULL, NULL FROM trainee t WHERE t.id = :trainee
UNION ALL
SELECT * FROM (
  SELECT 'next', NULL, NULL, s.starts_at, co.name, c.code, COALESCE(NULLIF(s.location, ''), c.site_name), s.topic
  FROM class_session s JOIN enrollment e ON e.cohort_id = s.cohort_id
       JOIN cohort c ON c.id = s.cohort_id JOIN course co ON co.id = c.course_id
  WHERE e.trainee_id = :trainee AND e.status = 'enrolled' AND s.ends_at > :now
  ORDER BY s.starts_at LIMIT 1) AS next_session
ORDER BY 1, 4 DESC"""

ADMIN = "SELECT role, active, COUNT(*) FROM user_account GROUP BY role, active"


@dataclass
class Page:
    label: str
    username: str
    path: str
    sql: str


PAGES = [
    Page("admin  GET /", "bench_admin", "/", ADMIN),
    Page(
        "city coordinator  GET /",
        "bench_city",
        "/",
        COORDINATOR.format(scope="1 = 1", trainees="SELECT id FROM trainee"),
    ),
    Page(
        "county coordinator  GET /",
        "bench_coord_610924",
        "/",
        COORDINATOR.format(scope="c.county_code = :county", trainees=COUNTY_TRAINEES),
    ),
    Page("trainer  GET /", "bench_trainer_1", "/", TRAINER),
    Page("trainee  GET /me", "bench_trainee_1", "/me", TRAINEE),
]


def main(argv: list[str] | None = None) -> None:
    args = common.bench_arguments(__doc__, trainees=20_000).parse_args(argv)
    common.on_bench_database(args, lambda url: run(url, args.trainees, args.seed))


def run(url: str, trainees: int, seed: int) -> None:
    from sqlalchemy import select

    from training.extensions import db
    from training.models import User

    app, seed_seconds = common.seeded_app(url, trainees, seed, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    times = page_times(app.config["BABEL_DEFAULT_TIMEZONE"], app.config["ATTENDANCE_LOCK_HOURS"])
    with app.app_context():
        engine = db.engine
        database = common.describe_database(engine)
        accounts = {
            row.username: {"user": row.id, "county": row.county_code, "trainee": row.trainee_id}
            for row in db.session.execute(
                select(User.username, User.id, User.county_code, User.trainee_id).where(
                    User.username.in_([p.username for p in PAGES])
                )
            )
        }
    rows = []
    for page in PAGES:
        statements, page_ms = time_page(app, engine, page)
        bare_ms = time_bare_sql(engine, page.sql, {**accounts[page.username], **times}, times)
        rows.append([page.label, statements, f"{page_ms:.2f}", f"{bare_ms:.2f}", f"{page_ms / bare_ms:.1f}"])
    print(f"machine:  {common.describe_machine()}")
    print(f"database: {database}; {trainees:,} bench trainees seeded in {seed_seconds:.1f} s")
    print(f"median of {common.RUNS} after {common.WARMUP} warm-ups; statements = SQL sent by one page request\n")
    common.print_table(["page", "statements", "page ms", "bare SQL ms", "page / bare"], rows)


def page_times(timezone: str, lock_hours: int) -> dict[str, datetime]:
    """The instants the home pages compute from the clock: now, the local day, the marking window."""
    from training.models import utcnow

    now = utcnow()
    day_start = datetime.combine(now.astimezone(ZoneInfo(timezone)).date(), time.min, tzinfo=ZoneInfo(timezone))
    day_end = day_start + timedelta(days=1)
    return {
        "now": now,
        "week_end": now + timedelta(days=7),
        "day_start": day_start,
        "day_end": day_end,
        "day_end_week": day_end + timedelta(days=7),
        "lock_start": day_start - timedelta(hours=lock_hours),
    }


def time_page(app, engine, page: Page) -> tuple[int, float]:
    """Sign in as the page's account; return the statements one request sends and the median ms."""
    client = common.signed_in(app, page.username)
    return common.time_request(engine, lambda: common.expect(client.get(page.path), 200))


def time_bare_sql(engine, sql: str, values: dict, times: dict) -> float:
    """Median ms of one statement on one connection; instants bound as the models bind them."""
    from sqlalchemy import bindparam, text

    from training.orm import UTCDateTime

    statement = text(sql)
    names = set(statement.compile().params)
    statement = statement.bindparams(*[bindparam(name, type_=UTCDateTime()) for name in names if name in times])
    params = {name: values[name] for name in names}
    with engine.connect() as connection:
        return common.median_ms(lambda: connection.execute(statement, params).all())


if __name__ == "__main__":
    main()
