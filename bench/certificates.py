"""Issuing certificates through the real job path, against one write_pdf() per certificate.

    .venv/bin/python bench/certificates.py [--certificates 200] [--baseline 200] [--batch N]
                                           [--processes 2] [--cpu N] [--keep]

In a throwaway instance (SQLite database, SQLite queue), with finished cohorts of N
completed trainees:
  job path, one core   the coordinator's job, created and enqueued as the page does, run by
            a real `huey_consumer training.jobs.worker.huey` process with one worker thread
            and CERTIFICATE_RENDER_PROCESSES=1, pinned to one CPU (--cpu, default the last):
            serials, signatures, batch rendering split per certificate, durable files, a
            commit per batch.
  job path, two cores  the same with the worker's render pool (--processes, default 2):
            each batch laid out in parts by that many processes at once, not pinned.
  baseline  in a fresh process pinned to the same CPU: the same certificates' HTML (the
            same template, snapshots and QR codes), one write_pdf() per certificate, after
            3 warm-up renders.
Before each job path, an 80-certificate job on another cohort warms the worker up (app,
fonts, and its render pool), as a long-running worker would be.
Prints, for each: certificates per second, median ms per certificate (job path: per batch,
batch time / batch size, from the job's progress polled every 20 ms), CPU ms per certificate
(the consumer's, its render processes' and the baseline process's user + system time:
steadier than the wall clock on a busy machine), PDF size (median and largest), and peak
memory per process (VmHWM; for the pool, the largest of its processes).
Targets: job path ≥ 5× the baseline's throughput on one core, and more on two.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

ROOT = Path(__file__).resolve().parents[1]
TARGET = 5.0


def vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pinned(cpu: int | None):
    return (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None


WARM_UP = 80  # certificates: batches of 20, large enough for the render pool


def seed(app, certificates: int, runs: int) -> tuple[int, list[tuple[int, int]]]:
    """A coordinator and, per run, a finished warm-up cohort and a cohort of `certificates` graduates."""
    from datetime import date, timedelta

    from training.auth.services import hash_password
    from training.extensions import db
    from training.identity import birth_date_of, gender_of, make_id_number
    from training.models import Cohort, Course, Enrollment, Trainee, User

    surnames, given = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗",
        "秀英桂兰玉梅德林伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华红",
    )
    with app.app_context():
        course = Course(code="ZBXH-5", name="足部修护师（五级）", occupation="足部修护师", level=5, total_hours=120)
        user = User(
            username="bench_coord", role="coordinator", county_code="610924", password_hash=hash_password("x" * 12)
        )
        sizes = [size for _run in range(runs) for size in (WARM_UP, certificates)]
        cohorts = [
            Cohort(
                code=f"BENCH-{n}",
                course=course,
                county_code="610924",
                site_name="紫阳县蒿坪镇金川社区新社区工厂",
                site_kind="community_factory",
                start_date=date.today() - timedelta(days=40),
                end_date=date.today() - timedelta(days=10),
                capacity=10_000,
                status="finished",
            )
            for n in range(len(sizes))
        ]
        db.session.add_all([course, user, *cohorts])
        n = 0
        for cohort, size in zip(cohorts, sizes, strict=True):
            for _member in range(size):
                id_number = make_id_number("610924", date(1970, 1, 1) + timedelta(days=n // 900), n % 900)
                name = surnames[n % len(surnames)] + given[(n * 7) % len(given)] + given[(n * 13 + 5) % len(given)]
                trainee = Trainee(
                    id_number=id_number,
                    name=name,
                    gender=gender_of(id_number),
                    birth_date=birth_date_of(id_number),
                    county_code="610924",
                )
                db.session.add(Enrollment(trainee=trainee, cohort=cohort, status="completed"))
                n += 1
        db.session.commit()
        ids = [cohort.id for cohort in cohorts]
        return user.id, list(zip(ids[::2], ids[1::2], strict=False))


def start_job(app, user_id: int, cohort_id: int) -> str:
    from training.certificates import services
    from training.extensions import db
    from training.jobs.worker import enqueue
    from training.models import Cohort, User

    with app.app_context():
        job = services.start_issuing(db.session.get(Cohort, cohort_id), db.session.get(User, user_id), None, "en")
        db.session.commit()
        enqueue(job.id)
        return job.id


def follow(
    app, job_id: str, consumer: subprocess.Popen, timeout: float = 1800
) -> tuple[float, list[tuple[float, int]]]:
    """Seconds from enqueued to done, and (time, done) at every change of progress."""
    from training.extensions import db
    from training.models import Job

    started, progress = time.perf_counter(), []
    with app.app_context():
        while time.perf_counter() - started < timeout:
            db.session.rollback()
            job = db.session.get(Job, job_id)
            if not progress or progress[-1][1] != job.done:
                progress.append((time.perf_counter(), job.done))
            if job.status in ("done", "failed"):
                if job.status == "failed" or job.failures:
                    raise SystemExit(f"job {job.status}: {job.message} {job.failures[:3]}")
                return time.perf_counter() - started, progress
            if consumer.poll() is not None:
                raise SystemExit("the consumer died")
            time.sleep(0.02)
    raise SystemExit("timed out")


def per_certificate_ms(progress: list[tuple[float, int]]) -> float:
    steps = [(t1 - t0) / (d1 - d0) * 1000 for (t0, d0), (t1, d1) in pairwise(progress) if d1 > d0]
    return statistics.median(steps)


def baseline_child(count: int, cohort_id: int) -> None:
    """Runs in its own process: one write_pdf() per certificate of the issued cohort."""
    from sqlalchemy import select

    from training import create_app
    from training.certificates import issuing, pdf, storage
    from training.extensions import db
    from training.models import Certificate, Enrollment

    app = create_app({"SERVER_NAME": "localhost"})
    with app.app_context(), app.test_request_context():
        certificates = db.session.scalars(
            select(Certificate)
            .join(Enrollment)
            .where(Enrollment.cohort_id == cohort_id)
            .order_by(Certificate.serial)
            .limit(count)
        ).all()
        pages = [issuing.page_for(c, c.enrollment.trainee.id_number) for c in certificates]
        seal = storage.seal_data_uri()
        for page in pages[:3]:
            pdf.render_one(page, seal)
        times, sizes = [], []
        started, cpu = time.perf_counter(), time.process_time()
        for page in pages:
            t0 = time.perf_counter()
            sizes.append(len(pdf.render_one(page, seal)))
            times.append((time.perf_counter() - t0) * 1000)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        json.dumps(
            {
                "count": len(pages),
                "seconds": seconds,
                "cpu": cpu,
                "median_ms": statistics.median(times),
                "sizes": sizes,
                "peak_mb": vm_hwm_mb(os.getpid()),
            }
        )
    )


QR_SAMPLE = 20  # decoding a QR code means rendering the page: every 20th file


def check_files(certificates) -> str:
    """Every issued file on its own: its hash, one page that opens, the name as text; the QR code
    decoded from a rendering of every QR_SAMPLE-th file. Exits if one fails."""
    import io

    import pypdf

    from training.certificates import issuing, qr, storage

    for n, certificate in enumerate(certificates):
        data = storage.path_for(certificate.serial).read_bytes()
        reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
        if (
            storage.sha256(data) != certificate.pdf_sha256
            or len(reader.pages) != 1
            or certificate.snapshot["name"] not in reader.pages[0].extract_text()
        ):
            raise SystemExit(f"{certificate.serial}: not a valid certificate file")
        if n % QR_SAMPLE == 0 and qr.qr_texts(data) != [issuing.verify_url(certificate.serial, certificate.token)]:
            raise SystemExit(f"{certificate.serial}: the QR code does not read back")
    return (
        f"all {len(certificates)} open on their own, hash as recorded, one page, name as text; "
        f"QR read back from {math.ceil(len(certificates) / QR_SAMPLE)} of them"
    )


def descendants(pid: int) -> list[int]:
    """The processes pid started, and theirs (the forkserver, the render pool, the resource tracker)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            children.setdefault(int(stat.read_text().rsplit(")", 1)[1].split()[1]), []).append(int(stat.parent.name))
        except OSError:
            continue
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_cpu(pid: int) -> dict[int, float]:
    return {p: cpu_seconds(p) for p in [pid, *descendants(pid)] if Path(f"/proc/{p}").exists()}


@dataclass
class JobRun:
    label: str
    seconds: float
    progress: list[tuple[float, int]]
    cpu: float
    consumer_mb: float
    pool_mb: float | None


def job_path(
    app, label: str, user_id: int, cohorts: tuple[int, int], processes: int, cpu: int | None, log_path: Path
) -> JobRun:
    """Warm a fresh consumer up with a small job, then time the cohort's job."""
    warm_id, cohort_id = cohorts
    log = log_path.open("w")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CERTIFICATE_RENDER_PROCESSES": str(processes)}
    consumer = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("huey_consumer")),
            "training.jobs.worker.huey",
            "-w",
            "1",
            "-k",
            "thread",
            "-d",
            "0.02",
            "-m",
            "0.1",
            "-C",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=pinned(cpu),
    )
    try:
        follow(app, start_job(app, user_id, warm_id), consumer)
        before = tree_cpu(consumer.pid)
        seconds, progress = follow(app, start_job(app, user_id, cohort_id), consumer)
        after = tree_cpu(consumer.pid)
        pool = [vm_hwm_mb(p) for p in descendants(consumer.pid)]
        consumer_mb = vm_hwm_mb(consumer.pid)
    finally:
        consumer.terminate()
        consumer.wait(10)
        log.close()
    used = sum(after[p] - before.get(p, 0.0) for p in after)
    return JobRun(label, seconds, progress, used, consumer_mb, max(pool) if processes > 1 and pool else None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=200)
    parser.add_argument("--baseline", type=int, default=200, help="how many of them to render one by one")
    parser.add_argument("--batch", type=int, default=0, help="pages per batch (default: the job's own choice)")
    parser.add_argument("--processes", type=int, default=2, help="render processes of the second job path (default 2)")
    parser.add_argument(
        "--cpu",
        type=int,
        default=len(os.sched_getaffinity(0)) - 1,
        help="the CPU the one-core job path and the baseline are pinned to (default: the last)",
    )
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--baseline-child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline_child:
        baseline_child(*args.baseline_child)
        return

    with common.throwaway_instance(args.keep) as instance:
        url = f"sqlite:///{instance / 'bench.sqlite'}"
        os.environ["DATABASE_URL"] = url
        if args.batch:
            os.environ["CERTIFICATE_BATCH_SIZE"] = str(args.batch)
        from flask_migrate import upgrade
        from sqlalchemy import select

        from training import create_app
        from training.certificates import storage
        from training.extensions import db
        from training.models import Certificate, Enrollment

        app = create_app({"SERVER_NAME": "localhost"})
        with app.app_context():
            upgrade()
            print(common.describe_machine())
            print(
                common.describe_database(db.engine),
                f"· one core: pinned to CPU {args.cpu}; "
                f"{args.processes} cores: {args.processes} render processes, not pinned",
            )
        user_id, cohorts = seed(app, args.certificates, runs=2)
        runs = [
            job_path(app, "one core", user_id, cohorts[0], 1, args.cpu, instance / "consumer-1.log"),
            job_path(
                app, f"{args.processes} cores", user_id, cohorts[1], args.processes, None, instance / "consumer-2.log"
            ),
        ]
        with app.app_context():
            issued = db.session.scalars(
                select(Certificate)
                .join(Enrollment)
                .where(Enrollment.cohort_id.in_([c[1] for c in cohorts]))
                .order_by(Certificate.serial)
            ).all()
            sizes = sorted(storage.path_for(c.serial).stat().st_size for c in issued) or [0]
            valid = check_files(issued)

        child = subprocess.run(
            [sys.executable, __file__, "--baseline-child", str(args.baseline), str(cohorts[0][1])],
            cwd=ROOT,
            env=os.environ,
            capture_output=True,
            text=True,
            preexec_fn=pinned(args.cpu),
        )
        if child.returncode:
            raise SystemExit(child.stderr)
        base = json.loads(child.stdout.strip().splitlines()[-1])

    base_rate = base["count"] / base["seconds"]

    def kb(values) -> str:
        return f"{statistics.median(values) / 1024:.0f} / {max(values) / 1024:.0f}"

    rows = [
        [
            f"job path, {run.label} ({len(run.progress) - 1} batches)",
            args.certificates,
            f"{args.certificates / run.seconds:.1f}",
            f"{per_certificate_ms(run.progress):.1f}",
            f"{1000 * run.cpu / args.certificates:.1f}",
            kb(sizes),
            f"{run.consumer_mb:.0f}" + (f", pool {run.pool_mb:.0f}" if run.pool_mb else ""),
        ]
        for run in runs
    ]
    rows.append(
        [
            "baseline: one write_pdf() each, one core",
            base["count"],
            f"{base_rate:.1f}",
            f"{base['median_ms']:.1f}",
            f"{1000 * base['cpu'] / base['count']:.1f}",
            kb(base["sizes"]),
            f"{base['peak_mb']:.0f}",
        ]
    )
    print()
    common.print_table(
        ["", "certificates", "cert/s", "median ms/cert", "CPU ms/cert", "PDF KB (median / max)", "peak MB"], rows
    )
    print()
    one, two = (args.certificates / run.seconds / base_rate for run in runs)
    print(
        f"job path / baseline throughput: one core {one:.1f}× (target ≥ {TARGET:.0f}×: "
        f"{'met' if one >= TARGET else 'NOT met'}); {runs[1].label} {two:.1f}× "
        f"({two / one:.2f}× the one-core job path: {'more' if two > one else 'NOT more'})"
    )
    print(f"files: {valid}")
    print(
        f"CPU time per certificate, baseline / job path: one core "
        f"{(base['cpu'] / base['count']) / (runs[0].cpu / args.certificates):.1f}×"
    )


if __name__ == "__main__":
    main()
