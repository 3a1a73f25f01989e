"""Exports: the dashboard's tables as .csv and .xlsx (the trainee list is list_export.py's).

Every cell of every export goes through `neutralise`, so that text a trainee or coordinator
typed (a name, an employer) can never run as a spreadsheet formula. Every export starts
with the scope, the period, the date the figures were taken and the definitions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import openpyxl

from training.reports.charts import percent
from training.reports.definitions import NAMES, WORDS
from training.reports.queries import SUBSIDY_VALUES
from training.reports.sentences import Definition
from training.reports.services import Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # so Excel reads the CSV as UTF-8 (and the Chinese in it)


def neutralise(value):
    """A cell value no spreadsheet will take for a formula: text starting with = + - @ tab or CR gets a ' first."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised_row(values: Iterable) -> list:
    """Each value of a row through neutralise."""
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
        _subsidy_table(report, "subsidy_courses", words["course"], report.subsidy_by_course),
        _subsidy_table(report, "subsidy_counties", words["county"], report.subsidy_by_county),
    ]
    return tables


def _subsidy_table(report: Report, key: str, group: str, rows) -> Table:
    """The claims' money by course or county, with the total as its last row."""
    words = WORDS[report.language]
    return Table(
        key,
        f"{words['subsidy']} · {group}",
        [group, words["claims"], words["claimed_people"], *(words[c] for c in SUBSIDY_VALUES[2:])],
        [
            [name, *(getattr(money, c) for c in SUBSIDY_VALUES)]
            for name, money in [*rows, (words["total"], report.subsidy)]
        ],
    )


def tables_csv(report: Report) -> bytes:
    """One CSV, UTF-8 with a BOM: the preamble, then each table under its title, a blank line between."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerows(neutralised_row(r) for r in preamble(report.language, report.as_of, report.definitions))
    for table in report_tables(report):
        writer.writerows([[], neutralised_row([table.title]), neutralised_row(table.headers)])
        writer.writerows(neutralised_row(r) for r in table.rows)
    return buffer.getvalue().encode("utf-8")


def tables_xlsx(report: Report) -> bytes:
    """A workbook (openpyxl, write-only): the definitions sheet first, then a sheet per table."""
    words = WORDS[report.language]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(words["definitions"])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 120
    for row in preamble(report.language, report.as_of, report.definitions):
        sheet.append(neutralised_row(row))
    for table in report_tables(report):
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append(neutralised_row([table.title, f"{words['as_of']} {report.as_of:%Y-%m-%d %H:%M}", words["see"]]))
        sheet.append(neutralised_row(table.headers))
        for row in table.rows:
            sheet.append(neutralised_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
