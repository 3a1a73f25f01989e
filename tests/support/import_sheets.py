"""Rosters for the import tests, built in the test: .xlsx with openpyxl, .csv in any encoding.

`person()` is one row as a dict of fields; `workbook()` and `csv_file()` lay rows out under
Chinese (default) or English headers, below a merged title row as county offices do.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from datetime import date

from openpyxl import Workbook

from training.identity import make_id_number

FIELDS = ("name", "id_number", "phone", "county", "town", "village", "categories", "education")
ZH = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "联系电话",
    "county": "区县",
    "town": "乡镇",
    "village": "村（社区）",
    "categories": "人员类别",
    "education": "文化程度",
}
EN = {name: name for name in FIELDS}
TITLE = "紫阳县2026年第一期足部修护师培训花名册"

_sequence = itertools.count(1)


def person(region: str = "610924", birth: date = date(1986, 3, 12), **fields) -> dict:
    """A valid row; a birth date the record factories do not use, so ID numbers never collide."""
    n = next(_sequence)
    row = dict(
        name=f"李春{n}",
        id_number=make_id_number(region, birth, n % 1000),
        phone=f"139{n:08d}",
        county="紫阳县",
        town="蒿坪镇",
        village="金川社区",
        categories="脱贫人口、易地搬迁",
        education="初中",
    )
    row.update(fields)
    return row


def _rows(people, headers: dict, numbered: bool):
    columns = [name for name in FIELDS if name in headers]
    yield (["序号"] if numbered else []) + [headers[name] for name in columns]
    for n, row in enumerate(people, start=1):
        yield ([n] if numbered else []) + [row.get(name) for name in columns]


def workbook(people, headers: dict = ZH, titles=(TITLE,), numbered: bool = True, text=()) -> bytes:
    """An .xlsx roster; `text` lists (row index, field) cells whose string must be stored as text, not a formula."""
    book = Workbook()
    sheet = book.active
    for title in titles:
        sheet.append([title])
    width = len(headers) + numbered
    for number in range(1, len(titles) + 1):
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
    header_row = len(titles) + 1
    for values in _rows(people, headers, numbered):
        sheet.append(values)
    columns = [name for name in FIELDS if name in headers]
    for index, name in text:
        cell = sheet.cell(row=header_row + 1 + index, column=columns.index(name) + 1 + numbered)
        cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(people, headers: dict = ZH, encoding: str = "utf-8", titles=(TITLE,)) -> bytes:
    """A .csv roster in this encoding ("utf-8-sig" for the BOM Excel writes, "gbk" for WPS)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for title in titles:
        writer.writerow([title])
    for values in _rows(people, headers, numbered=True):
        writer.writerow(["" if value is None else value for value in values])
    return buffer.getvalue().encode(encoding)


def id_number_where(predicate, region: str = "610924", birth: date = date(1984, 7, 9)) -> str:
    """A valid ID number whose text satisfies predicate (ending in X, in 000, …)."""
    for sequence in range(1000):
        candidate = make_id_number(region, birth, sequence)
        if predicate(candidate):
            return candidate
    raise LookupError("no such ID number for this birth date")


def preview_of(tmp_path, content: bytes, scope=None, name: str = "roster.xlsx"):
    """Step 1 on these bytes, as a city-level coordinator whose default county is 紫阳县."""
    from training.imports import checking

    path = tmp_path / name
    path.write_bytes(content)
    return checking.preview(path, scope or checking.ImportScope(default_county="610924"))


def with_cell(content: bytes, coordinate: str, cell_xml: str, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with one cell's XML replaced, e.g. a number with all 18 digits, as some tools write it."""
    import re
    import zipfile

    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == part:
                data, replaced = re.subn(rf'<c r="{coordinate}"[^>]*?(/>|>.*?</c>)'.encode(), cell_xml.encode(), data)
                assert replaced == 1, f"no cell {coordinate} in {part}"
            out.writestr(entry, data)
    return target.getvalue()


def fail_after_the_trainees_are_written(monkeypatch) -> list[int]:
    """Make the import crash once its new trainees are inserted (while writing their audit events).

    Returns a list that receives the number of trainees in the database at the moment of the
    crash, so a test can show that rows were written before everything was taken back.
    """
    from sqlalchemy import func, select

    from training import audit
    from training.extensions import db
    from training.models import Trainee

    seen: list[int] = []

    def crash(action, entity_type, changes):
        seen.append(db.session.scalar(select(func.count()).select_from(Trainee)))
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record_many", crash)
    return seen


def sheet_of_rows(rows: int, cells: str = '<c/><c/><c t="inlineStr"><is><t>备注</t></is></c>') -> bytes:
    """A small .xlsx whose first sheet has the roster's headers, then `rows` rows each holding only
    `cells`: blank where the importer looks, however many. Rows and cells are written without
    their optional numbers, so a million of them pack into a few hundred KB."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(workbook([], titles=())))
    head = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>'
        '<c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is><t>身份证号</t></is></c></row>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in source.namelist():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, source.read(name))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            row = f"<row>{cells}</row>".encode()
            for start in range(0, rows, 10_000):
                sheet.write(row * min(10_000, rows - start))
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    "<si><t>&lol9;</t></si></sst>"
)


def replace_part(content: bytes, part: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    return zipped({**{name: source.read(name) for name in source.namelist()}, part: data})


def billion_laughs_workbook() -> bytes:
    """A roster whose shared strings are a billion-laughs entity bomb, declared as such in its content types."""
    content = replace_part(workbook([person()]), "xl/sharedStrings.xml", BILLION_LAUGHS.encode())
    types = (
        zipfile.ZipFile(io.BytesIO(content))
        .read("[Content_Types].xml")
        .replace(
            b"</Types>",
            (
                b'<Override PartName="/xl/sharedStrings.xml" '
                b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
            ),
        )
    )
    return replace_part(content, "[Content_Types].xml", types)
