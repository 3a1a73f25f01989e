"""Result sheets for the result-sheet import tests, built in the test as an evaluation body sends them.

`result_for(enrollment)` is one valid row of a seated trainee, as a dict of fields, with a
22-character number that agrees with its level and date; `result_workbook()` lays rows out
under Chinese (default) or English headers, below a merged title row.
"""

from __future__ import annotations

import io
import itertools
from datetime import date

from openpyxl import Workbook

FIELDS = ("name", "id_number", "kind", "number", "level", "issued_on")
ZH = {
    "name": "姓名",
    "id_number": "身份证号",
    "kind": "证书类型",
    "number": "证书编号",
    "level": "等级",
    "issued_on": "发证日期",
}
EN = {name: name for name in FIELDS}
TITLE = "紫阳县足部修护协会 职业技能等级认定颁证花名册"

_serial = itertools.count(1)


def skill_number(level: int = 5, issued_on: date = date(2026, 3, 15), serial: int | None = None) -> str:
    """A 职业技能等级证书 number of 紫阳's site that agrees with this level and year."""
    return f"S000061610924{issued_on.year % 100:02d}{level}{serial if serial is not None else next(_serial):06d}"


def result_for(enrollment, **fields) -> dict:
    """A valid row for this enrollment's trainee: a 五级 certificate issued the day the class ends."""
    issued_on = fields.pop("issued_on", enrollment.cohort.end_date)
    level = fields.pop("level", 5)
    row = dict(
        name=enrollment.trainee.name,
        id_number=enrollment.trainee.id_number,
        kind="职业技能等级证书",
        number=skill_number(
            level if isinstance(level, int) else 5,
            issued_on if isinstance(issued_on, date) else enrollment.cohort.end_date,
        ),
        level=level,
        issued_on=issued_on,
    )
    row.update(fields)
    return row


def result_workbook(rows, headers: dict = ZH, titles=(TITLE,), numbered: bool = True, text=()) -> bytes:
    """An .xlsx result sheet; `text` lists (row index, field) cells to store as text, not as a formula."""
    book = Workbook()
    sheet = book.active
    for title in titles:
        sheet.append([title])
    columns = [name for name in FIELDS if name in headers]
    sheet.append((["序号"] if numbered else []) + [headers[name] for name in columns])
    for n, row in enumerate(rows, start=1):
        sheet.append(([n] if numbered else []) + [row.get(name) for name in columns])
    for index, name in text:
        sheet.cell(row=len(titles) + 2 + index, column=columns.index(name) + 1 + numbered).data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
