"""The roster template offered on the import page: an .xlsx that the importer reads back as it is.

Its first sheet has the Chinese headers the importer looks for (sheets.HEADERS, the
first name of each), the ID number and phone columns formatted as text (typed into a number
column, an ID number loses its last digits), and one example row that is valid for the
coordinator who downloads it (their county). A second sheet says how to fill it in; only the
first sheet is ever read.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from training.identity import make_id_number
from training.imports.sheets import HEADERS
from training.sheet_downloads import TEXT, Column, template_workbook
from training.trainees.rules import CATEGORY_WORDS

FIELDS = ("name", "id_number", "phone", "county", "town", "village", "categories", "education")
TEXT_FIELDS = ("id_number", "phone")
WIDTHS = {
    "name": 12,
    "id_number": 22,
    "phone": 15,
    "county": 10,
    "town": 12,
    "village": 14,
    "categories": 22,
    "education": 10,
}


def example_row(county_code: str, county_name: str) -> dict[str, str]:
    """One made-up person of this county, valid for the importer."""
    return {
        "name": "王小红",
        "id_number": make_id_number(county_code, date(1990, 1, 1), 2),
        "phone": "13800138000",
        "county": county_name,
        "town": "××镇",
        "village": "××村",
        "categories": "脱贫人口、易地搬迁",
        "education": "初中",
    }


def _category_words() -> list[str]:
    first: dict[str, str] = {}
    for word, value in CATEGORY_WORDS.items():
        first.setdefault(value, word)
    return list(first.values())


def roster_template(county_code: str, county_name: str) -> bytes:
    """The template workbook, with an example row of this county."""
    example = example_row(county_code, county_name)
    columns = [
        Column(HEADERS[name][0], example[name], WIDTHS[name], TEXT if name in TEXT_FIELDS else None) for name in FIELDS
    ]
    notes = (
        _("Delete the example row (row 2) and write one person per row, from row 2 down."),
        _("Keep the header row as it is. 姓名 (name) and 身份证号 (ID number) are required."),
        _("The ID number and phone columns are formatted as text: paste numbers as values only."),
        _(
            "区县: the county's name or code. 人员类别: one or more of %(words)s, separated by 、",
            words="、".join(_category_words()),
        ),
        _("Only the first sheet is read."),
    )
    return template_workbook("花名册", columns, _("How to fill in"), notes)
