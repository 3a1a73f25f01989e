"""Benchmark of the roster import against the floor of merely reading the workbook with openpyxl.

    .venv/bin/python bench/import_trainees.py [--rows 10000] [--keep] [--hostile]

Writes a roster of valid rows (a title row, Chinese headers) into a temporary folder, then
runs each measurement in a fresh subprocess, so that its peak memory is its own:
  floor   openpyxl, read_only=True, every row iterated (values_only);
  import  the import service on a freshly migrated SQLite database in a throwaway instance:
          read + check every row + match the registry + create_trainee for each + commit.
Prints seconds and peak memory (ru_maxrss, and its growth during the measured work) of each,
and the import/floor time ratio. The target is a ratio under 3.

--hostile times the refusal of workbooks of a few hundred KB that unpack to a million rows
filled in only in columns the importer ignores (or one number each): before the bound on
cells, reading one took longer than gunicorn's 30 s timeout. The target is under a second.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 3.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def write_roster(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    sys.path.insert(0, str(ROOT))
    from training.identity import make_id_number

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["紫阳县2026年第一期足部修护师培训花名册"])
    sheet.append(["序号", "姓名", "身份证号", "联系电话", "区县", "乡镇", "村（社区）", "人员类别", "文化程度"])
    counties = ["紫阳县", "610924", "汉滨区", "岚皋县"]
    for n in range(rows):
        birth = date(1960, 1, 1) + timedelta(days=n // 1000 * 37 + n % 7)
        sheet.append(
            [
                n + 1,
                f"王秀{n}",
                make_id_number("610924", birth, n % 1000),
                f"139{n:08d}",
                counties[n % 4],
                "蒿坪镇",
                "金川社区",
                "脱贫人口、易地搬迁" if n % 3 else "返乡农民工",
                "初中",
            ]
        )
    book.save(path)


def measure_floor(path: Path) -> dict:
    from openpyxl import load_workbook

    before, cpu = peak_mb(), time.process_time()
    started = time.perf_counter()
    book = load_workbook(path, read_only=True)
    rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "rows": rows,
        "peak_mb": peak_mb(),
        "growth_mb": peak_mb() - before,
    }


def measure_import(path: Path) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="jfw-bench-import-"))
    os.environ["JINFANWAN_INSTANCE"] = str(instance)
    os.environ["HUEY_SQLITE_PATH"] = str(instance / "huey.sqlite")
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    from flask_babel import force_locale
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from training import create_app
    from training.extensions import db
    from training.imports import checking, committing
    from training.models import Trainee

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'bench.sqlite'}"})
    try:
        with app.app_context(), force_locale("zh_CN"):
            upgrade()
            before, cpu = peak_mb(), time.process_time()
            started = time.perf_counter()
            plan = checking.preview(path, checking.ImportScope())
            checked = time.perf_counter()
            result = committing.apply(plan, filename=path.name)
            db.session.commit()
            finished, cpu = time.perf_counter(), time.process_time() - cpu
            stored = db.session.scalar(select(func.count()).select_from(Trainee))
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return {
        "seconds": finished - started,
        "cpu_seconds": cpu,
        "read_and_check_seconds": checked - started,
        "write_seconds": finished - checked,
        "rows": len(plan.rows),
        "created": result.created,
        "errors": result.errors,
        "stored": stored,
        "peak_mb": peak_mb(),
        "growth_mb": peak_mb() - before,
    }


def measure_hostile(path: Path) -> dict:
    """The preview of a hostile workbook: how long until it is refused, and what it says."""
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    from flask_babel import force_locale

    from training import create_app
    from training.imports import checking, sheets

    instance = Path(tempfile.mkdtemp(prefix="jfw-bench-hostile-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'bench.sqlite'}"})
    try:
        with app.app_context(), force_locale("en"):
            before, started = peak_mb(), time.perf_counter()
            try:
                checking.preview(path, checking.ImportScope())
                message = "NOT REFUSED"
            except sheets.ImportRefused as refusal:
                message = str(refusal)
            seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return {"seconds": seconds, "message": message, "peak_mb": peak_mb(), "growth_mb": peak_mb() - before}


def hostile(folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.support.import_sheets import sheet_of_rows

    shapes = {
        "a million rows, text in an ignored column": sheet_of_rows(1_048_574),
        "a million rows, one number each": sheet_of_rows(1_048_574, "<c/><c/><c><v>1</v></c>"),
    }
    for label, content in shapes.items():
        path = folder / "hostile.xlsx"
        path.write_bytes(content)
        figures = run_child("hostile", path)
        print(
            f"{label}: {len(content) / 1024:.0f} KiB; refused in {figures['seconds']:.3f} s, peak RSS "
            f"{figures['peak_mb']:.1f} MB (+{figures['growth_mb']:.1f} MB): {figures['message'][:60]}…"
        )


def run_child(kind: str, path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(path)], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated roster")
    parser.add_argument("--hostile", action="store_true", help="time the refusal of hostile workbooks instead")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, file = args.measure
        measure = {"floor": measure_floor, "import": measure_import, "hostile": measure_hostile}[kind]
        print(json.dumps(measure(Path(file))))
        return
    folder = Path(tempfile.mkdtemp(prefix="jfw-bench-roster-"))
    try:
        if args.hostile:
            return hostile(folder)
        roster = folder / "roster.xlsx"
        write_roster(roster, args.rows)
        print(f"roster: {args.rows} rows, {roster.stat().st_size / 1024:.0f} KiB ({roster})")
        floor, full = run_child("floor", roster), run_child("import", roster)
        assert full["created"] == full["stored"] == args.rows and full["errors"] == 0, full
        for label, figures in (
            ("floor  (openpyxl read_only, iterate rows) ", floor),
            ("import (read, check, match, write, commit)", full),
        ):
            print(
                f"{label}: {figures['seconds']:6.2f} s wall, {figures['cpu_seconds']:6.2f} s CPU; peak RSS "
                f"{figures['peak_mb']:6.1f} MB (+{figures['growth_mb']:.1f} MB during the measurement)"
            )
        print(
            f"        of which read+check+match {full['read_and_check_seconds']:.2f} s, "
            f"write+commit {full['write_seconds']:.2f} s; {full['stored']} trainees stored"
        )
        ratio, cpu_ratio = full["seconds"] / floor["seconds"], full["cpu_seconds"] / floor["cpu_seconds"]
        verdict = "within" if ratio < TARGET_RATIO else "OVER"
        print(
            f"ratio import/floor: {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU  ({verdict} the {TARGET_RATIO:.0f}x target)"
        )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
