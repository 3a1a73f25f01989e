"""The trainee list export: one row per admission of the report's population, .csv or .xlsx,
written chunk by chunk in the background (a job) into instance/exports, and purged after
REPORT_EXPORT_KEEP_DAYS. Every cell goes through exports.neutralise; ID numbers are masked unless
a reason was audited.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from training.extensions import db
from training.identity import mask_id_number
from training.jobs.services import Step, handler
from training.models import Job, Role, User
from training.permissions import cohort_scope
from training.reports import list_queries, services
from training.reports.definitions import NAMES, WORDS, Settings, language_of
from training.reports.exports import neutralised_row, preamble
from training.reports.queries import Criteria
from training.reports.sentences import Context, describe
from training.reports.xlsx import StreamingWorkbook

LIST_HEADERS = {
    "zh": [
        "姓名",
        "身份证号",
        "户籍区县",
        "人员类别",
        "培训项目",
        "培训班",
        "培训区县",
        "开班日期",
        "结业日期",
        "培训状态",
        "有效证书编号",
        "就业单位",
        "岗位",
        "就业形式",
        "就业地域",
        "月工资（元）",
        "就业开始日期",
        "就业结束日期",
        "计入就业",
        "{r}个月回访",
    ],
    "en": [
        "Name",
        "ID number",
        "Home county",
        "Household categories",
        "Course",
        "Class",
        "County of class",
        "Start",
        "End",
        "Training status",
        "Valid certificate",
        "Employer",
        "Position",
        "Kind of job",
        "Place of job",
        "Monthly wage (yuan)",
        "Job started",
        "Job ended",
        "Counts as employment",
        "{r}-month follow-up",
    ],
}
FOLLOW_UP_WORDS = {
    "zh": {
        "yes": "是",
        "no": "否",
        "employed": "在岗",
        "not_employed": "不在岗",
        "not_done": "到期未回访",
        "not_due": "未到期",
    },
    "en": {
        "yes": "yes",
        "no": "no",
        "employed": "still employed",
        "not_employed": "not employed",
        "not_done": "due, not done",
        "not_due": "not yet due",
    },
}
LIST_WIDTHS = [10, 20, 10, 18, 20, 18, 10, 11, 11, 9, 20, 28, 14, 14, 10, 10, 11, 11, 8, 12]


def list_headers(language: str, retention_months: int) -> list[str]:
    return [h.format(r=retention_months) for h in LIST_HEADERS[language]]


def list_row(
    row,
    categories: Sequence[str],
    serial: str | None,
    job: dict | None,
    counties: dict[str, str],
    language: str,
    full_id: bool,
    as_of: date,
) -> list:
    """One admission as a row of the trainee list, neutralised; ID masked unless full_id."""
    names, words = NAMES[language], FOLLOW_UP_WORDS[language]
    values = [
        row.name,
        row.id_number if full_id else mask_id_number(row.id_number),
        row.home_county or "",
        "、".join(names["category"].get(c, c) for c in categories),
        row.course,
        row.cohort,
        counties.get(row.cohort_county, row.cohort_county),
        row.start_date,
        row.end_date,
        names["status"].get(row.status, row.status),
        serial or "",
    ]
    if job is None:
        values += [""] * 9
    else:
        if job["follow_up_due"] is None or job["follow_up_due"] > as_of:
            follow_up = words["not_due"]
        elif job["follow_up_done"] is None:
            follow_up = words["not_done"]
        else:
            follow_up = words["employed"] if job["still_employed"] else words["not_employed"]
        values += [
            job["employer"] or "",
            job["position"],
            names["kind"].get(job["kind"], job["kind"]),
            names["scope"].get(job["scope"], job["scope"]),
            job["monthly_wage"],
            job["start_date"],
            job["end_date"],
            words["yes"] if job["counts"] else words["no"],
            follow_up,
        ]
    return neutralised_row(v.isoformat() if isinstance(v, date) else v for v in values)


class ListWriter:
    """Writes the trainee list to an open binary file: preamble (or a definitions sheet), header, rows."""

    def __init__(self, fileobj, fmt: str, preamble_rows: list[list], headers: list[str], sheet_names: tuple[str, str]):
        self.fmt = fmt
        if fmt == "csv":
            self.text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
            self.csv = csv.writer(self.text)
            self.csv.writerows(neutralised_row(r) for r in preamble_rows)
            self.csv.writerows([[], neutralised_row(headers)])
        else:
            self.book = StreamingWorkbook(fileobj)
            definitions = self.book.open_sheet(sheet_names[0], widths=[18, 120])
            definitions.append_rows(neutralised_row(r) for r in preamble_rows)
            definitions.close()
            self.sheet = self.book.open_sheet(sheet_names[1], widths=LIST_WIDTHS)
            self.sheet.append_rows([neutralised_row(headers)], bold=True)

    def write(self, rows: list[list]) -> None:
        if self.fmt == "csv":
            self.csv.writerows(rows)
        else:
            self.sheet.append_rows(rows)

    def close(self) -> None:
        if self.fmt == "csv":
            self.text.flush()
            self.text.detach()
        else:
            self.sheet.close()
            self.book.close()


# ---------------------------------------------------------------- the trainee list, in the background

CHUNK = 2_000
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")


def export_dir() -> Path:
    """instance/exports (or REPORT_EXPORT_DIR), readable by us only."""
    path = Path(current_app.config.get("REPORT_EXPORT_DIR") or Path(current_app.instance_path) / "exports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def purge_old_exports(now: float | None = None) -> int:
    """Delete export files older than REPORT_EXPORT_KEEP_DAYS: they may hold full ID numbers."""
    keep = current_app.config.get("REPORT_EXPORT_KEEP_DAYS", 7) * 86400
    now = now if now is not None else time.time()
    removed = 0
    for path in export_dir().iterdir():
        if path.is_file() and now - path.stat().st_mtime > keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def export_path(job_id: str, fmt: str) -> Path:
    if not _JOB_ID.match(job_id) or fmt not in services.EXPORT_FORMATS:
        raise ValueError("not an export")
    return export_dir() / f"{job_id}.{fmt}"


@handler(services.EXPORT_KIND)
def export_trainee_list(job: Job) -> Iterator[Step]:
    """Write the list to instance/exports/<job id>.<format> (mode 0600), CHUNK rows a step.

    Rows are read on a connection of their own, with a server-side cursor on PostgreSQL,
    while the runner commits the progress on the session's; a redelivered job starts over."""
    purge_old_exports()
    params = job.params
    user = db.session.get(User, params["user_id"])
    with force_locale(params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if user is None or not user.active or user.role not in (Role.COORDINATOR, Role.ADMIN):
            yield Step(done=0, message=_("The account that asked for this export can no longer export."))
            return
        criteria, settings = Criteria.from_dict(params["criteria"]), Settings.from_dict(params["settings"])
        fmt, full_id, language = params["format"], params["full_id"], language_of(params.get("locale"))
        as_of = services.local_now(datetime.fromisoformat(params["now"]), current_app.config["BABEL_DEFAULT_TIMEZONE"])
        context = Context(
            services.scope_name(user, criteria, language), criteria.date_from, criteria.date_to, as_of, language
        )
        definitions = describe(settings, context)
        counties, scope = services.county_names(), cohort_scope(user)
        path = export_path(job.id, fmt)
        partial = path.with_name(path.name + ".part")
        written = 0
        with db.engine.connect() as connection:
            total = list_queries.count_admissions(connection, scope, criteria, settings)
            yield Step(done=-job.done, total=total, message=_("Writing the list…"))
            with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fileobj:
                writer = ListWriter(
                    fileobj,
                    fmt,
                    preamble(language, as_of, definitions),
                    list_headers(language, settings.retention_months),
                    (WORDS[language]["definitions"], WORDS[language]["title"]),
                )
                rows = connection.execution_options(yield_per=CHUNK).execute(
                    list_queries.trainee_list(scope, criteria, settings)
                )
                for chunk in rows.partitions():
                    admissions = [r.enrollment_id for r in chunk]
                    categories = list_queries.categories_of(connection, [r.trainee_id for r in chunk])
                    serials = list_queries.certificates_of(connection, admissions)
                    jobs = list_queries.jobs_of(connection, admissions, settings, as_of.date())
                    writer.write(
                        [
                            list_row(
                                r,
                                categories.get(r.trainee_id, ()),
                                serials.get(r.enrollment_id),
                                jobs.get(r.enrollment_id),
                                counties,
                                language,
                                full_id,
                                as_of.date(),
                            )
                            for r in chunk
                        ]
                    )
                    written += len(chunk)
                    yield Step(done=len(chunk))
                writer.close()
        os.replace(partial, path)
        yield Step(
            done=0,
            result={"file": path.name, "format": fmt, "rows": written},
            message=_("The list is ready: %(rows)d rows.", rows=written),
        )
