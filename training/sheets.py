"""Reading an uploaded sheet, .xlsx or .csv, into a header row and data rows: the roster
(training/imports), the subsidy standards (training/standards), any sheet a feature imports.

Whatever the file's name says, its first bytes decide how it is read: a zip is read as a
workbook (with defusedxml, within limits on entries and unpacked size, formulas never
evaluated), an old .xls or a binary file is refused, anything else is read as CSV in UTF-8
or GB18030. The header row is looked for in the first rows, under a merged heading if need
be; blank rows are left out. What a kind of sheet calls its columns, which of them mark the
header row and how many rows it may have, is its SheetKind. A file that cannot be read is
refused whole with ImportRefused, the base of every import refusal; PreviewChanged is the
refusal of a commit whose plan is no longer the preview the user saw.

Each import reads its cells with its own rules; checked_cell refuses a formula for all of them,
cell_text and id_number_cell read a cell as text and as an ID number. Writing workbooks back
(the rows to fix, a template) is training/sheet_downloads.py's.

Reading time is bounded whatever the file's shape, before any cell is parsed: blank rows are
not counted as people, so MAX_ROWS alone let a workbook of a million rows filled only in
columns we ignore run for half a minute. Every XML element of a workbook (each cell is at
least one) is counted in one pass over the unpacked parts, and every row read, blank or not,
counts towards MAX_SHEET_ROWS (a row numbered far down makes openpyxl yield every row above it).
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import openpyxl
from defusedxml import DefusedXmlException
from flask import current_app
from flask_babel import gettext as _
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from training import identity
from training.exceptions import DomainError, InvalidValue

T = TypeVar("T")
P = TypeVar("P")

MAX_ROWS = 50_000
MAX_COLUMNS = 100
HEADER_SEARCH_ROWS = 10
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 1_000
# A 50,000-row roster of 9 columns is about 1.35 million elements, read in some 10 s.
MAX_CELLS = 1_500_000
MAX_SHEET_ROWS = 2 * MAX_ROWS  # blank rows included

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # when the app sets no MAX_CONTENT_LENGTH
_EXCEL_NUMBER = "6.1E+17"  # what identity.normalize_id_number recognises as an ID Excel turned into a number


class ImportRefused(DomainError):
    """The file as a whole cannot be imported, or the commit was refused; nothing was written."""


class PreviewChanged(ImportRefused, Generic[P]):
    """What a commit would write is no longer what the user's preview showed; carries the new preview."""

    def __init__(self, message: str, preview: P):
        super().__init__(message)
        self.preview = preview


def header_key(value) -> str:
    """A header cell as it is compared: NFKC (full-width brackets are ASCII ones), lower case,
    without spaces or asterisks (the mark of a required column)."""
    return re.sub(r"[\s*＊]+", "", unicodedata.normalize("NFKC", str(value or ""))).lower()


@dataclass(frozen=True)
class SheetKind:
    """What one kind of sheet calls its columns, and which of them mark its header row."""

    headers: Mapping[str, tuple[str, ...]]  # field → the header texts it goes by, the first as written in templates
    required: tuple[str, ...]  # fields that the header row must name
    no_header: Callable[[int], str]  # the refusal when none of the first n rows names them
    max_rows: int | None = None  # the most data rows a file may have; None: MAX_ROWS

    def field_of(self, header) -> str | None:
        return self._fields.get(header_key(header))

    @property
    def _fields(self) -> dict[str, str]:
        return {header_key(alias): name for name, aliases in self.headers.items() for alias in aliases}


def check_size(path: Path) -> None:
    """Refuse a file larger than the upload limit (a file given on the command line too)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_MAX_BYTES
    if os.path.getsize(path) > limit:
        raise ImportRefused(_("The file is larger than %(mb)d MB. Split it into smaller files.", mb=limit // 2**20))


@dataclass(frozen=True)
class Formula:
    """A formula cell: never evaluated, and its cached value never read."""

    text: str

    def __str__(self) -> str:
        return self.text

    @classmethod
    def of(cls, value: object) -> Formula:
        """The formula of an openpyxl cell, as written: an array formula and a data table come as objects."""
        if isinstance(value, ArrayFormula):
            return cls(str(value.text or "="))
        if isinstance(value, DataTableFormula):
            return cls(f"=TABLE({value.r1 or ''},{value.r2 or ''})")  # how Excel shows a data table's cells
        return cls(str(value))


@dataclass
class Sheet:
    headers: list[str]  # the header row as written, for error messages and the error-rows download
    columns: dict[str, int]  # field → column index
    rows: list[tuple[int, tuple]]  # (row number in the sheet, cell values), blank rows left out


def read_sheet(path: Path, kind: SheetKind) -> Sheet:
    """The header row and the data rows of an .xlsx or .csv file, whatever its name says."""
    with open(path, "rb") as handle:
        start = handle.read(8192)
    if start.startswith(b"PK\x03\x04"):
        return _from_rows(_xlsx_rows(path), kind)
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            _("This is an old Excel file (.xls). Save it as .xlsx in Excel or WPS and upload it again.")
        )
    if b"\x00" in start:
        raise ImportRefused(_("This file is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file."))
    return _from_rows(_csv_rows(path), kind)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, OSError):
        raise ImportRefused(
            _("This file is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file.")
        ) from None
    if "xl/workbook.xml" not in names:
        raise ImportRefused(_("This file is not an Excel workbook. Upload an Excel workbook (.xlsx) or a CSV file."))
    # zipfile never inflates an entry beyond its declared size, so the declared sizes bound the work.
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise ImportRefused(
            _("This workbook is too large once unpacked. Copy its table into a new workbook and upload that.")
        )
    _count_elements(path, entries)


def _too_many_cells() -> ImportRefused:
    return ImportRefused(
        _(
            "The file holds more than %(n)s cells (empty ones with a format included). Split it "
            "into smaller files, or copy only the table's rows and columns into a new workbook.",
            n=f"{MAX_CELLS:,}",
        )
    )


def _count_elements(path: Path, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook of more than MAX_CELLS XML elements in all, counted without parsing.

    Start tags are the '<' that are not '</': comments, a '<' split across two chunks or one in
    a picture count too, which only makes the bound stricter; an entity cannot hide elements,
    defusedxml refuses entity definitions.
    """
    elements = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for entry in entries:
                with archive.open(entry) as part:
                    while chunk := part.read(1 << 20):
                        elements += chunk.count(b"<") - chunk.count(b"</")
                        if elements > MAX_CELLS:
                            raise _too_many_cells()
    except ImportRefused:
        raise
    except Exception:  # a bad CRC, an unknown compression, an encrypted part
        raise ImportRefused(
            _(
                "This workbook cannot be read; it may be damaged. "
                "Open it in Excel or WPS, save it as .xlsx and upload it again."
            )
        ) from None


def _xlsx_rows(path: Path):
    if not openpyxl.DEFUSEDXML:
        raise RuntimeError("openpyxl must parse workbooks with defusedxml (OPENPYXL_DEFUSEDXML is off)")
    _check_zip(path)
    try:
        # Our own handle: openpyxl leaves its file open when a workbook fails to load.
        with open(path, "rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and dates it cannot read
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=False)
            try:
                sheet = workbook.worksheets[0] if workbook.worksheets else None
                if sheet is None:
                    return
                sheet.reset_dimensions()  # the stored dimensions may be wrong, or hostile
                for number, cells in enumerate(sheet.iter_rows(), start=1):
                    yield (
                        number,
                        tuple(
                            Formula.of(cell.value) if cell.data_type == "f" else cell.value
                            for cell in cells[:MAX_COLUMNS]
                        ),
                    )
            finally:
                workbook.close()
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds of errors on damaged files, and wraps some
        if _caused_by(error, DefusedXmlException):
            raise ImportRefused(
                _(
                    "This workbook contains XML that is not accepted (entity definitions). "
                    "Save it again as a normal .xlsx file."
                )
            ) from None
        raise ImportRefused(
            _(
                "This workbook cannot be read; it may be damaged. "
                "Open it in Excel or WPS, save it as .xlsx and upload it again."
            )
        ) from None


def _caused_by(error: BaseException | None, kind: type) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _csv_rows(path: Path):
    raw = Path(path).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused(_("This file is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    if text.count(dialect.delimiter) > MAX_CELLS:  # one line of commas is as many cells
        raise _too_many_cells()
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
        yield number, tuple(cells[:MAX_COLUMNS])


def blank(cells: tuple) -> bool:
    """Every cell empty or only spaces."""
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in cells)


def _header_fields(cells: tuple, kind: SheetKind) -> dict[str, int]:
    fields: dict[str, int] = {}
    for index, value in enumerate(cells):
        name = None if isinstance(value, Formula) else kind.field_of(value)
        if name and name not in fields:
            fields[name] = index
    return fields


def _sub_header(headers: list[str], columns: dict[str, int], cells: tuple, kind: SheetKind) -> list[str] | None:
    """Under a merged heading (户籍地址 over 乡镇 | 村), a second header row: the headers with its names added."""
    if any(columns[name] < len(cells) and not blank((cells[columns[name]],)) for name in kind.required):
        return None  # a data row
    extra = {name: i for name, i in _header_fields(cells, kind).items() if name not in columns}
    if not extra:
        return None
    columns.update(extra)
    width = max(len(headers), max(extra.values()) + 1)
    return [
        str(cells[i]).strip() if i < len(cells) and cells[i] else (headers[i] if i < len(headers) else "")
        for i in range(width)
    ]


def _from_rows(numbered_rows, kind: SheetKind) -> Sheet:
    headers: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[tuple[int, tuple]] = []
    header_row = 0
    for number, cells in numbered_rows:
        if number > MAX_SHEET_ROWS:
            raise ImportRefused(
                _(
                    "The sheet goes on past row %(n)d (blank rows and rows filled in only in other "
                    "columns included). Split it into smaller files, or copy only the table into a "
                    "new workbook.",
                    n=MAX_SHEET_ROWS,
                )
            )
        if headers is None:
            columns = _header_fields(cells, kind)
            if all(name in columns for name in kind.required):
                header_row, width = number, max(i for i, v in enumerate(cells) if not blank((v,))) + 1
                headers = [str(value or "").strip() for value in cells[:width]]
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if number == header_row + 1 and (merged := _sub_header(headers, columns, cells, kind)):
            headers = merged
            continue
        if blank(tuple(cells[index] for index in columns.values() if index < len(cells))):
            continue  # sheets come with 序号 filled in down the page, ahead of the rows
        if len(rows) >= (limit := kind.max_rows or MAX_ROWS):
            raise ImportRefused(_("The file has more than %(n)d rows. Split it into smaller files.", n=limit))
        rows.append((number, cells[: len(headers)]))
    if headers is None:
        raise ImportRefused(kind.no_header(HEADER_SEARCH_ROWS))
    return Sheet(headers, columns, rows)


# ---------------------------------------------------------------- reading a cell


def checked_cell(value: object, rule: Callable[[object], T]) -> T:
    """The cell's value by its rule; InvalidValue for a formula (never evaluated) or what the rule refuses."""
    if isinstance(value, Formula):
        raise InvalidValue(_("Formulas are not accepted: copy the column and paste it as values."))
    return rule(value)


def cell_text(value) -> str:
    """A cell as text: a date as 2026-03-15, a whole number as Excel wrote it (13800138000.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(value)  # kept as "13800138000.0": the rules recognise a number cell
    return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)


def id_number_cell(value) -> str:
    """An ID number from a text cell, or from a number cell only if its digits cannot have been rounded."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return identity.normalize_id_number(cell_text(value))
    # Excel keeps 15 significant digits in a double: a number cell that a double can hold, or that
    # ends in 000, may have lost its last digits even when the check character happens to fit.
    if isinstance(value, int) and int(float(value)) != value and not str(value).endswith("000"):
        try:
            return identity.normalize_id_number(str(value))
        except InvalidValue:
            pass
    return identity.normalize_id_number(_EXCEL_NUMBER)
