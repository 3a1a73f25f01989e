"""A class's paper: the 签到表 of a 60-trainee session and the 考勤汇总表 of a 60 × 16 cohort, rendered
to PDF, beside a trivial one-page WeasyPrint document measured in the same run.

    .venv/bin/python bench/paper.py [--trainees 60] [--sessions 16] [--runs 7] [--keep]

In a throwaway instance (SQLite database): one cohort of N trainees (Chinese names, masked IDs on
the page) with S four-hour sessions, twelve of them held and marked (present, late, absent,
excused at random, seeded). Then, each a median of --runs after a warm-up:
  baseline     a one-page document of one line of Chinese through the same renderer
               (certificates.pdf.write_pdf): the fixed cost of any PDF (fonts found and subset)
  签到表       documents.sign_in_pdf of the first session's sheet (its QR code included)
  考勤汇总表   documents.attendance_pdf of the cohort's grid
  … records    the queries both are printed from (queries.session_records, cohort_records)
  … xlsx       the same documents as workbooks (sheets.py)
and the size of each PDF, its pages, and its ratio to the baseline. Target (issue 14): each PDF
under a second.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

TARGET_SECONDS = 1.0
BASELINE_HTML = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
    '<style>html { font-family: "Noto Sans CJK SC", sans-serif; }</style></head>'
    "<body><p>安康市就业服务中心 签到表</p></body></html>"
)


def median_seconds(action, runs: int) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds of this process) of `action`, after a warm-up (templates
    compiled, fonts found). CPU time is what other processes on a busy machine disturb least."""
    action()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def seed(trainees: int, sessions: int, seed_value: int) -> tuple[int, int]:
    """The cohort of the bench; (cohort id, first session id)."""
    from datetime import UTC, date, datetime, timedelta

    from tests.factories import Factories
    from training.extensions import db
    from training.models import Attendance

    rng = random.Random(seed_value)
    make = Factories()
    trainer = make.user("trainer", display_name="李老师")
    cohort = make.cohort(
        trainers=[trainer], start_date=date(2026, 3, 2), site_name="紫阳县蒿坪镇金川社区新社区工厂（二期）"
    )
    start = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    held = [make.session(cohort, starts_at=start + timedelta(days=n), hours=4) for n in range(sessions)]
    surnames, given = "王李张刘陈杨黄赵吴周欧阳", "秀英明月丽娟建国春梅海燕志强"
    enrollments = [
        make.enrollment(
            cohort=cohort,
            trainee=make.trainee(name=rng.choice(surnames) + "".join(rng.sample(given, 2)) + f"{n:02d}"),
        )
        for n in range(trainees)
    ]
    statuses = ["present"] * 8 + ["late", "absent", "excused"]
    db.session.add_all(
        Attendance(enrollment=e, session=s, status=rng.choice(statuses)) for e in enrollments for s in held[:12]
    )
    db.session.commit()
    return cohort.id, held[0].id


def pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def run(database_url: str, args) -> None:
    from datetime import UTC, datetime

    from flask_migrate import upgrade

    from training import create_app
    from training.certificates import pdf
    from training.extensions import db
    from training.paper import contents, documents, queries, sheets

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context(), app.test_request_context():
        upgrade()
        cohort_id, session_id = seed(args.trainees, args.sessions, args.seed)
        settings = documents.Settings.of_app("/checkin")
        now = datetime(2026, 3, 20, tzinfo=UTC)
        session_records = queries.session_records(session_id)
        cohort_records = queries.cohort_records(cohort_id)
        assert session_records is not None and cohort_records is not None
        sheet = documents.session_sign_in(session_records, settings, now)
        grid = contents.attendance_grid(cohort_records, centre=settings.centre, zone=settings.zone, now=now)
        outputs = {
            "baseline": pdf.write_pdf(BASELINE_HTML),
            "签到表": documents.sign_in_pdf(sheet),
            "考勤汇总表": documents.attendance_pdf(grid),
        }
        timed = {
            "baseline": lambda: pdf.write_pdf(BASELINE_HTML),
            "签到表": lambda: documents.sign_in_pdf(documents.session_sign_in(session_records, settings, now)),
            "考勤汇总表": lambda: documents.attendance_pdf(
                contents.attendance_grid(cohort_records, centre=settings.centre, zone=settings.zone, now=now)
            ),
        }
        seconds = {name: median_seconds(action, args.runs) for name, action in timed.items()}

        def fresh(load):
            db.session.expunge_all()
            return load()

        extra = {
            "签到表 records": median_seconds(lambda: fresh(lambda: queries.session_records(session_id)), args.runs),
            "考勤汇总表 records": median_seconds(lambda: fresh(lambda: queries.cohort_records(cohort_id)), args.runs),
            "签到表 xlsx": median_seconds(lambda: sheets.sign_in_xlsx([sheet]), args.runs),
            "考勤汇总表 xlsx": median_seconds(lambda: sheets.attendance_xlsx(grid), args.runs),
        }
        print(common.describe_machine())
        print(common.describe_database(db.engine))
        print(f"{args.trainees} trainees, {args.sessions} sessions (12 held and marked); median of {args.runs} runs\n")
        base = seconds["baseline"][0]
        rows = [
            [name, f"{s * 1000:.0f}", f"{cpu * 1000:.0f}", f"{s / base:.1f}×", f"{len(outputs[name]) / 1024:.0f}"]
            + [pages(outputs[name])]
            for name, (s, cpu) in seconds.items()
        ]
        common.print_table(["PDF", "wall ms", "CPU ms", "÷ baseline", "KiB", "pages"], rows)
        print()
        common.print_table(
            ["beside it", "wall ms", "CPU ms"],
            [[n, f"{s * 1000:.0f}", f"{c * 1000:.0f}"] for n, (s, c) in extra.items()],
        )
        slow = [name for name in ("签到表", "考勤汇总表") if seconds[name][0] >= TARGET_SECONDS]
        print(
            f"\ntarget: each PDF under {TARGET_SECONDS:.0f} s (wall): {'missed by ' + ', '.join(slow) if slow else 'met'}"
        )
        db.session.remove()


def main() -> None:
    parser = common.bench_arguments(__doc__, trainees=60)
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    common.on_bench_database(args, lambda url: run(url, args))


if __name__ == "__main__":
    main()
