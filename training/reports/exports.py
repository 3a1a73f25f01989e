"""Exports: the dashboard's tables as .csv and .xlsx, and the trainee list, streamed chunk by chunk.

Every cell of every export goes through `neutralise`, so that text a trainee or coordinator
typed (a name, an employer) can never run as a spreadsheet formula. Every export starts
with the scope, the period, the date the figures were taken and the definitions.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from training.extensions import db
from training.identity import mask_id_number
from training.jobs.services import Step, handler
from training.models import Job, Role, User
from training.permissions import cohort_scope
from training.reports import queries, services
from training.reports.charts import percent
from training.reports.definitions import NAMES, WORDS, Context, Definition, Settings, describe, language_of
from training.reports.queries import Criteria
from training.reports.services import Report
from training.reports.xlsx import StreamingWorkbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # so Excel reads the CSV as UTF-8 (and the Chinese in it)


def neutralise(value):
    """A cell value no spreadsheet will take for a formula: text starting with = + - @ tab or CR gets a ' first."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _row(values: Iterable) -> list:
    return [neutralise(v) for v in values]


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]


def preamble(language: str, as_of: datetime, definitions: Sequence[Definition]) -> list[list]:
    """The rows every export starts with: title, when the figures were taken, scope and period, every definition."""
    words = WORDS[language]
    period = next(d.text for d in definitions if d.key == "period")
    rows = [
        [words["title"]],
        [words["as_of"], f"{as_of:%Y-%m-%d %H:%M}"],
        [words["scope"], period],
        [],
        [words["definitions"]],
    ]
    rows += [[d.label, d.text] for d in definitions]
    return rows


def _stage_columns(report: Report) -> list[str]:
    labels = report.labels
    return [
        labels["enrolled"],
        labels["completed"],
        labels["completed_rate"],
        labels["certified"],
        labels["certified_rate"],
        labels["placed"],
        labels["placed_rate"],
        labels["retention_due"],
        labels["retained"],
        labels["retained_rate"],
        WORDS[report.language]["average_wage"],
    ]


def _stage_values(funnel) -> list:
    rates = funnel.rates
    return [
        funnel.enrolled,
        funnel.completed,
        percent(rates["completed"]),
        funnel.certified,
        percent(rates["certified"]),
        funnel.placed,
        percent(rates["placed"]),
        funnel.retention_due,
        funnel.retained,
        percent(rates["retained"]),
        funnel.average_wage,
    ]


def report_tables(report: Report) -> list[Table]:
    """The dashboard's tables, in the order the page shows them."""
    words, labels, names = WORDS[report.language], report.labels, NAMES[report.language]
    total, rates = report.total, report.total.rates
    funnel_rows = [[labels["enrolled"], total.enrolled, "", report.definition["enrolled"].text]]
    for stage in ("completed", "certified", "placed", "retained"):
        funnel_rows.append([labels[stage], getattr(total, stage), percent(rates[stage]), report.definition[stage].text])
    funnel_rows.append([words["average_wage"], total.average_wage, "", report.definition["wage"].text])
    funnel_rows.append([words["median_wage"], report.median_wage, "", report.definition["wage"].text])
    stage_headers = _stage_columns(report)
    tables = [
        Table(
            "funnel", words["funnel"], [words["item"], words["count"], words["rate"], words["definition"]], funnel_rows
        ),
        Table(
            "categories",
            words["category"],
            [words["category"], *stage_headers],
            [
                [names["category"][key], *_stage_values(report.by_category[key])]
                for key in names["category"]
                if key in report.by_category
            ],
        ),
        Table(
            "courses",
            words["course"],
            [words["course"], *stage_headers],
            [[name, *_stage_values(funnel)] for name, funnel in report.by_course],
        ),
        Table(
            "counties",
            words["county"],
            [words["county"], *stage_headers],
            [[name, *_stage_values(funnel)] for name, funnel in report.by_county],
        ),
        Table(
            "kinds",
            words["kind"],
            [words["kind"], words["jobs"], words["average_wage"]],
            [[names["kind"].get(k, k), n, round(w / n) if n else None] for k, (n, w) in report.kinds.items()],
        ),
        Table(
            "places",
            words["place"],
            [words["place"], words["jobs"], words["average_wage"]],
            [[names["scope"].get(k, k), n, round(w / n) if n else None] for k, (n, w) in report.scopes.items()],
        ),
        Table(
            "directed",
            words["directed"],
            [
                words["cohort"],
                words["employer"],
                words["committed"],
                labels["enrolled"],
                labels["completed"],
                labels["placed"],
                words["at_partner"],
                words["fulfilment"],
            ],
            [
                [
                    d.cohort_code,
                    d.employer,
                    d.committed,
                    d.enrolled,
                    d.completed,
                    d.placed,
                    d.at_partner,
                    percent(d.fulfilment),
                ]
                for d in report.directed
            ],
        ),
        Table(
            "trend",
            words["trend"],
            [words["month"], labels["completed"], labels["placed"]],
            [list(point) for point in report.trend],
        ),
    ]
    return tables


def tables_csv(report: Report) -> bytes:
    """One CSV, UTF-8 with a BOM: the preamble, then each table under its title, a blank line between."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerows(_row(r) for r in preamble(report.language, report.as_of, report.definitions))
    for table in report_tables(report):
        writer.writerows([[], _row([table.title]), _row(table.headers)])
        writer.writerows(_row(r) for r in table.rows)
    return buffer.getvalue().encode("utf-8")


def tables_xlsx(report: Report) -> bytes:
    """A workbook (openpyxl, write-only): the definitions sheet first, then a sheet per table."""
    words = WORDS[report.language]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(words["definitions"])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 120
    for row in preamble(report.language, report.as_of, report.definitions):
        sheet.append(_row(row))
    for table in report_tables(report):
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append(_row([table.title, f"{words['as_of']} {report.as_of:%Y-%m-%d %H:%M}", words["see"]]))
        sheet.append(_row(table.headers))
        for row in table.rows:
            sheet.append(_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- the trainee list


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
    return _row(v.isoformat() if isinstance(v, date) else v for v in values)


class ListWriter:
    """Writes the trainee list to an open binary file: preamble (or a definitions sheet), header, rows."""

    def __init__(self, fileobj, fmt: str, preamble_rows: list[list], headers: list[str], sheet_names: tuple[str, str]):
        self.fmt = fmt
        if fmt == "csv":
            self.text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
            self.csv = csv.writer(self.text)
            self.csv.writerows(_row(r) for r in preamble_rows)
            self.csv.writerows([[], _row(headers)])
        else:
            self.book = StreamingWorkbook(fileobj)
            definitions = self.book.open_sheet(sheet_names[0], widths=[18, 120])
            definitions.append_rows(_row(r) for r in preamble_rows)
            definitions.close()
            self.sheet = self.book.open_sheet(sheet_names[1], widths=LIST_WIDTHS)
            self.sheet.append_rows([_row(headers)], bold=True)

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
            total = queries.count_admissions(connection, scope, criteria, settings)
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
                    queries.trainee_list(scope, criteria, settings)
                )
                for chunk in rows.partitions():
                    admissions = [r.enrollment_id for r in chunk]
                    categories = queries.categories_of(connection, [r.trainee_id for r in chunk])
                    serials = queries.certificates_of(connection, admissions)
                    jobs = queries.jobs_of(connection, admissions, settings, as_of.date())
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
