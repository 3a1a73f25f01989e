"""The roster's columns, read by training/spreadsheets.py (which refuses what cannot be read,
within its limits on rows, cells and unpacked size)."""

from __future__ import annotations

from pathlib import Path

from training import spreadsheets
from training.spreadsheets import Formula, ImportRefused, Sheet

__all__ = ["HEADERS", "MAX_ROWS", "Formula", "ImportRefused", "Sheet", "read_sheet"]

MAX_ROWS = spreadsheets.MAX_ROWS

# Header text (NFKC, lower case, no spaces or asterisks) → field.
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


def read_sheet(path: Path) -> Sheet:
    """The header row and the data rows of a roster, .xlsx or .csv, whatever its name says."""
    return spreadsheets.read_sheet(path, HEADERS, max_rows=MAX_ROWS)
