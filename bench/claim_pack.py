"""The evidence pack of a claim, built by its job, beside zipfile alone writing the same bytes.

    .venv/bin/python bench/claim_pack.py [--trainees 60] [--small 20] [--contract-kb 1000]
                                         [--slip-kb 400] [--keep]

In a throwaway instance (SQLite database): a finished cohort of N graduates with a claim
(tests/support/claims.build_claim), three sessions marked for each, a certificate issued by the
real batch code (PDF in CERTIFICATE_DIR), for every third trainee a scanned external
certificate instead, and a placement with two evidence files of random bytes (a contract of
--contract-kb, a wage slip of --slip-kb: incompressible, as scans are) under EVIDENCE_DIR. Then,
each in a fresh process:
  pack      the pack's job run to its end through the job runner (training.jobs.services.run:
            the documents rendered, one trainee a step committed with the progress, the ZIP
            streamed into a temporary file and renamed), timed, then once more under tracemalloc.
  zipfile   the same members (the pack unzipped beforehand), written into a new ZIP by zipfile
            alone with the same compression, in the same chunks: the floor.
Prints, for each: seconds, peak traced Python memory (tracemalloc), RSS before the work (after
the imports and the app) and peak RSS (VmHWM), the pack split in its two phases (the documents,
laid out by WeasyPrint; then the trainees' files, streamed: the traced peak of that phase alone);
and the same for a class of --small trainees, to show what grows with the class and what does
not. Target: the pack of 60 under 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60.0
CHUNK = 256 * 1024


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _app(database_url: str, instance: Path):
    from training import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CERTIFICATE_DIR": str(instance / "certificates"),
            "EVIDENCE_DIR": str(instance / "evidence"),
            "CLAIM_PACK_DIR": str(instance / "packs"),
        }
    )


def seed(database_url: str, instance: Path, trainees: int, contract_kb: int, slip_kb: int) -> tuple[int, int]:
    """A claim of `trainees` graduates with their records and files; (claim id, coordinator id)."""
    import hashlib
    from datetime import UTC, datetime, timedelta

    from flask_migrate import upgrade

    from tests.factories import Factories
    from tests.support.claims import build_claim
    from training.certificates import issuing
    from training.extensions import db
    from training.models import PlacementEvidence

    def stored(data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        path = instance / "evidence" / sha[:2] / sha
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return sha

    app = _app(database_url, instance)
    with app.app_context():
        upgrade()
        make = Factories()
        claim = build_claim(make, trainees=trainees)
        start = datetime(2026, 5, 1, 1, tzinfo=UTC)
        sessions = [make.session(claim.cohort, starts_at=start + timedelta(days=d)) for d in range(3)]
        issued = issuing.issue_batch(claim.cohort_id, [line.enrollment_id for line in claim.lines], None).issued
        serials = {c.enrollment_id: c.serial for c in issued}
        for n, line in enumerate(claim.lines):
            snapshot = {**line.snapshot, "certificate_number": serials[line.enrollment_id]}
            if n % 3 == 2:
                scan = make.external_certificate(
                    line.enrollment, scan_sha256=stored(os.urandom(slip_kb * 1000)), scan_type="image/jpeg"
                )
                snapshot |= {"certificate_kind": "skill_level", "certificate_number": scan.number}
            line.snapshot = snapshot
            for session in sessions:
                make.attendance(line.enrollment, session, "present", method="qr", marked_at=session.starts_at)
            placement = make.placement(enrollment=line.enrollment)
            for kind, name, content_type, size in (
                ("contract", "劳动合同.pdf", "application/pdf", contract_kb),
                ("wage_slip", "工资流水.jpg", "image/jpeg", slip_kb),
            ):
                data = os.urandom(size * 1000)
                db.session.add(
                    PlacementEvidence(
                        placement=placement,
                        kind=kind,
                        filename=name,
                        content_type=content_type,
                        size_bytes=len(data),
                        sha256=stored(data),
                    )
                )
        coordinator = make.user("coordinator")
        db.session.commit()
        ids = claim.id, coordinator.id
        db.session.remove()
        db.engine.dispose()
    return ids


def run_pack(database_url: str, instance: Path, claim_id: int, user_id: int, traced: bool) -> dict:
    """In this process: the pack's job, created and run to its end; seconds and memory."""
    from training.claims import pack, pack_job
    from training.extensions import db
    from training.jobs import services
    from training.models import Claim, Job, User

    app = _app(database_url, instance)
    with app.app_context():
        claim, user = db.session.get_one(Claim, claim_id), db.session.get_one(User, user_id)
        job, _ = pack_job.start(claim, user, "zh_CN", None)
        db.session.commit()
        before = rss_mb()
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        phases: dict[str, float] = {}

        def on_step(step) -> None:
            # The second step is the documents' (the first only sets the total): from there on, trainees.
            if "documents_s" not in phases and step.done == 1:
                phases["documents_s"] = time.perf_counter() - started
                if traced:
                    phases["documents_traced_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
                    tracemalloc.reset_peak()

        services.run(job.id, on_step=on_step)
        seconds = time.perf_counter() - started
        if traced:
            phases["trainees_traced_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        peak = max(phases.get("documents_traced_mb", 0.0), phases.get("trainees_traced_mb", 0.0)) if traced else None
        tracemalloc.stop()
        done = db.session.get_one(Job, job.id)
        assert done.status == "done", done.message
        size = pack.pack_path(claim_id).stat().st_size
    return {
        "seconds": seconds,
        "traced_mb": peak,
        "rss_mb": before,
        "hwm_mb": rss_mb("VmHWM"),
        "bytes": size,
        **phases,
    }


def run_zipfile(source: Path, members: list[tuple[str, int]], target: Path, traced: bool) -> dict:
    """In this process: the same members written by zipfile alone, each in CHUNK reads."""
    before = rss_mb()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with target.open("wb") as handle, zipfile.ZipFile(handle, "w") as zipped:
        for name, compress_type in members:
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.compress_type = compress_type
            with (source / name).open("rb") as data, zipped.open(info, "w") as member:
                while block := data.read(CHUNK):
                    member.write(block)
        handle.flush()
        os.fsync(handle.fileno())
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if traced else None
    tracemalloc.stop()
    return {
        "seconds": seconds,
        "traced_mb": peak,
        "rss_mb": before,
        "hwm_mb": rss_mb("VmHWM"),
        "bytes": target.stat().st_size,
    }


def _child(*arguments: str) -> dict:
    """This script run again in a fresh process for one measurement; what it printed last, as JSON."""
    output = subprocess.run(
        [sys.executable, __file__, *arguments], cwd=ROOT, env=os.environ, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(args, database_url: str, instance: Path, trainees: int) -> tuple[list[list[object]], float]:
    claim_id, user_id = seed(database_url, instance, trainees, args.contract_kb, args.slip_kb)
    common_args = ["--database-url-raw", database_url, "--instance", str(instance), "--claim", str(claim_id)]
    plain = _child("--measure-pack", *common_args, "--user", str(user_id))
    traced = _child("--measure-pack", *common_args, "--user", str(user_id), "--traced")
    built = instance / "packs" / f"claim-{claim_id}.zip"
    unpacked = instance / f"unpacked-{claim_id}"
    with zipfile.ZipFile(built) as zipped:
        members = [(info.filename, info.compress_type) for info in zipped.infolist()]
        zipped.extractall(unpacked)
    (instance / f"members-{claim_id}.json").write_text(json.dumps(members))
    floor_args = ["--measure-zipfile", str(unpacked), str(instance / f"members-{claim_id}.json")]
    floor = _child(*floor_args, str(instance / f"floor-{claim_id}.zip"))
    floor_traced = _child(*floor_args, str(instance / f"floor-traced-{claim_id}.zip"), "--traced")

    def row(what, timed, memory, seconds="seconds", peak="traced_mb"):
        return [
            f"{what}, {trainees} trainees",
            f"{timed[seconds]:.2f}",
            f"{memory[peak]:.1f}",
            f"{timed['rss_mb']:.0f}",
            f"{timed['hwm_mb']:.0f}",
            f"{timed['bytes'] / 1e6:.1f}",
        ]

    trainees_phase = {**plain, "trainees_s": plain["seconds"] - plain["documents_s"]}
    return [
        row("pack (job)", plain, traced),
        row("  of which the 3-4 documents", plain, traced, "documents_s", "documents_traced_mb"),
        row("  of which the trainees' files", trainees_phase, traced, "trainees_s", "trainees_traced_mb"),
        row("zipfile alone", floor, floor_traced),
    ], plain["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=60)
    parser.add_argument("--small", type=int, default=20, help="a smaller class, to compare memory (0: none)")
    parser.add_argument("--contract-kb", type=int, default=1000)
    parser.add_argument("--slip-kb", type=int, default=400)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--measure-pack", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure-zipfile", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--database-url-raw", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    parser.add_argument("--claim", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--user", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_pack:
        print(json.dumps(run_pack(args.database_url_raw, Path(args.instance), args.claim, args.user, args.traced)))
        return
    if args.measure_zipfile:
        source, listing, target = args.measure_zipfile
        members = [tuple(m) for m in json.loads(Path(listing).read_text())]
        print(json.dumps(run_zipfile(Path(source), members, Path(target), args.traced)))
        return
    with common.throwaway_instance(args.keep) as instance:
        rows: list[list[object]] = []
        seconds = 0.0
        for n, size in enumerate([s for s in (args.small, args.trainees) if s]):
            database_url = f"sqlite:///{instance / f'bench-{n}.sqlite'}"
            measured, seconds = measure(args, database_url, instance, size)
            rows += measured
        print(common.describe_machine())
        print(f"evidence per trainee: contract {args.contract_kb} kB, wage slip {args.slip_kb} kB (random bytes)")
        common.print_table(["", "seconds", "traced peak MB", "RSS before MB", "peak RSS MB", "ZIP MB"], rows)
        verdict = "under" if seconds < TARGET_SECONDS else "OVER"
        print(f"pack of {args.trainees}: {seconds:.1f} s, {verdict} the {TARGET_SECONDS:.0f} s target")
        if args.keep:
            print(f"kept: instance {instance}")


if __name__ == "__main__":
    main()
