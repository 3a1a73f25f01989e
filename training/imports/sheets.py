"""The roster's sheet: the headers county offices write, and the two that mark the header row.

Reading the file (its kind, limits, formulas, the header row) is training/sheets.py's, shared
with every import; ImportRefused, the base of every import refusal, is defined there too.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from training.sheets import MAX_ROWS, Formula, ImportRefused, Sheet, SheetKind, blank
from training.sheets import read_sheet as _read_sheet

__all__ = ["HEADERS", "MAX_ROWS", "ROSTER", "Formula", "ImportRefused", "Sheet", "blank", "read_sheet"]

# Header text (compared as sheets.header_key gives it) → field.
HEADERS = {
    "name": ("姓名", "学员姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id_number", "idnumber"),
    "phone": ("联系电话", "手机号", "手机号码", "phone"),
    "county": ("区县", "县区", "county"),
    "town": ("乡镇", "镇", "乡镇(街道)", "town"),
    "village": ("村(社区)", "村", "village"),
    "categories": ("人员类别", "categories"),
    "education": ("文化程度", "education"),
}


def _no_header(rows: int) -> str:
    return _(
        "No header row found: one of the first %(n)d rows must name the columns 姓名 (name) and 身份证号 (ID number).",
        n=rows,
    )


ROSTER = SheetKind(HEADERS, ("name", "id_number"), _no_header)


def read_sheet(path: Path) -> Sheet:
    """The header row and the data rows of a roster, .xlsx or .csv, whatever its name says."""
    return _read_sheet(path, ROSTER)
