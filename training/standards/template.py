"""The template offered on the import page: an .xlsx of the catalogue that the importer reads back as it is.

Its first sheet has the headers the importer looks for (checking.HEADERS, the first name of
each) and one example row (足部修护师, 五级, 项目制, 4,500 yuan: Shaanxi's project-based standard);
the dates are date cells. A second sheet says how to fill it in; only the first is ever read.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from training.sheet_downloads import DATE, Column, template_workbook
from training.standards.checking import HEADERS

FIELDS = ("occupation", "level", "training_type", "yuan", "min_hours", "valid_from", "valid_to")
WIDTHS = {
    "occupation": 18,
    "level": 12,
    "training_type": 12,
    "yuan": 16,
    "min_hours": 10,
    "valid_from": 12,
    "valid_to": 12,
}
DATE_FIELDS = ("valid_from", "valid_to")


def example_row(year: int) -> dict[str, object]:
    return {
        "occupation": "足部修护师",
        "level": "五级",
        "training_type": "项目制",
        "yuan": 4500,
        "min_hours": 90,
        "valid_from": date(year, 1, 1),
        "valid_to": date(year, 12, 31),
    }


def standards_template(year: int) -> bytes:
    """The template workbook, its example in force for this year."""
    example = example_row(year)
    columns = [
        Column(HEADERS[name][0], example[name], WIDTHS[name], DATE if name in DATE_FIELDS else None) for name in FIELDS
    ]
    notes = (
        _("Delete the example row (row 2) and write one standard per row, from row 2 down."),
        _("Keep the header row as it is. Every column but 培训类型 and 截止日期 is required."),
        _("职业等级: 五级 … 一级, or 初级工 … 高级技师, or 5 … 1."),
        _("培训类型: 项目制, 企业职工 or 个人自主; an empty cell is 项目制."),
        _("补贴标准(元/人): yuan per person, at most two decimals. 最低课时: whole hours."),
        _("Dates as 2026-01-01. An empty 截止日期: in force until further notice."),
        _(
            "A row with the same 职业(工种), 职业等级, 培训类型 and 起始日期 as a standard in the catalogue "
            "changes its amount, hours or end date."
        ),
        _("Only the first sheet is read."),
    )
    return template_workbook("培训需求目录", columns, _("How to fill in"), notes)
