"""Workbooks offered for download beside an import (the roster, the subsidy standards, a result
sheet): the rows to fix, with what to fix in each, and a template to fill in. What is written is
never a formula: a cell that began with = in the upload goes back as text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from training.sheets import Formula

REASON_HEADER = "错误原因/reason"
TEXT = "@"  # a column formatted as text: what is typed in later keeps its digits
DATE = "yyyy-mm-dd"


class RowInError(Protocol):
    errors: list[tuple[str, str]]  # (column header, reason)

    def cell(self, index: int | None): ...


def _download_cell(sheet, value, text_column: bool):
    cell = openpyxl.cell.WriteOnlyCell(sheet)
    if isinstance(value, (str, Formula)):
        cell.value = str(value)
        cell.data_type = "s"  # a leading = stays a character: never written as a formula
    else:
        cell.value = value
    if text_column:
        cell.number_format = TEXT  # typed again as text, the ID number keeps its digits
    return cell


def error_rows_workbook(headers: list[str], rows: Iterable[RowInError], text_columns: set[int]) -> bytes:
    """The rows in error with their original columns and a column saying what to fix."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("errors")
    width = len(headers)
    sheet.append([_download_cell(sheet, header, False) for header in [*headers, REASON_HEADER]])
    for row in rows:
        reason = "; ".join(f"{column}: {why}" for column, why in row.errors)
        cells = [row.cell(index) for index in range(width)]
        sheet.append(
            [_download_cell(sheet, value, index in text_columns) for index, value in enumerate(cells)]
            + [_download_cell(sheet, reason, False)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Column:
    header: str
    example: object
    width: int
    number_format: str | None = None  # TEXT, DATE, or none (General)


def template_workbook(title: str, columns: Sequence[Column], notes_title: str, notes: Sequence[str]) -> bytes:
    """A sheet to fill in: bold headers, one example row, and a second sheet saying how (never read)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = title
    sheet.append([column.header for column in columns])
    sheet.append([column.example for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        sheet.cell(row=1, column=index).font = Font(bold=True)
        if column.number_format:
            sheet.column_dimensions[letter].number_format = column.number_format
            sheet.cell(row=2, column=index).number_format = column.number_format
    sheet.freeze_panes = "A2"
    how = book.create_sheet(notes_title)
    for line in notes:
        how.append([line])
    how.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
