"""The columns of an evaluation body's (评价机构) result sheet and how each cell is read.

Pure rules, no database: each takes a cell as openpyxl or the CSV reader gives it and returns
the value, or raises InvalidValue saying what to fix. The sheet's words are Chinese whatever
the page's language (职业技能等级证书, 五级/初级工, 2026年3月15日); the template to fill in is
laid out here too, from the same headers.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from flask_babel import gettext as _

from training.exceptions import InvalidValue
from training.identity import make_id_number
from training.models import ExternalCertificateKind as Kind
from training.sheet_downloads import TEXT, Column, template_workbook
from training.sheets import SheetKind, cell_text
from training.trainees.rules import safe_text

# field → header texts (the first is the template's); "name" and "id_number" find the header row.
HEADERS = {
    "name": ("姓名", "考生姓名", "学员姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "id_number", "idnumber"),
    "kind": ("证书类型", "证书类别", "证书种类", "证书名称", "kind"),
    "number": ("证书编号", "证书号", "证书号码", "number", "certificate_number"),
    "level": ("等级", "职业技能等级", "证书等级", "鉴定等级", "级别", "level"),
    "issued_on": ("发证日期", "颁证日期", "发证时间", "取证日期", "issued_on", "date"),
}


def _no_header(rows: int) -> str:
    return _(
        "No header row found: one of the first %(n)d rows must name the columns 姓名 (name) and 身份证号 (ID number).",
        n=rows,
    )


RESULT_SHEET = SheetKind(HEADERS, ("name", "id_number"), _no_header)  # the import sets its row limit
DEFAULT_KIND = Kind.SKILL_LEVEL
# What a sheet writes in the kind column, as found inside the cell (证书名称 may add the occupation).
_KIND_WORDS = (
    ("职业技能等级", Kind.SKILL_LEVEL),
    ("技能等级", Kind.SKILL_LEVEL),
    ("专项职业能力", Kind.SPECIAL_ABILITY),
    ("专项能力", Kind.SPECIAL_ABILITY),
    ("特种作业", Kind.SPECIAL_OPERATION),
)
# The national levels: 五级/初级工 (5) … 一级/高级技师 (1); 高级技师 before 技师 and 高级, which it contains.
_LEVEL_NAMES = (("高级技师", 1), ("技师", 2), ("高级", 3), ("中级", 4), ("初级", 5))
_LEVEL_NUMBER = re.compile(r"(?<![0-9])([1-5一二三四五])级")
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_NO_LEVEL = {"", "-", "—", "/", "无"}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+[\d:.]+)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DOTS = str.maketrans({"•": "·", "‧": "·", "・": "·", "･": "·", "．": "·"})
MAX_NUMBER_LENGTH = 40


def _plain(value) -> str:
    return unicodedata.normalize("NFKC", cell_text(value)).strip()


def kind_of(value) -> str:
    """The kind of certificate a cell names; an empty cell (or no column) is a 职业技能等级证书."""
    text = _plain(value)
    if not text:
        return DEFAULT_KIND
    if text.lower() in {kind.value for kind in Kind}:
        return text.lower()
    for word, kind in _KIND_WORDS:
        if word in text:
            return kind
    raise InvalidValue(
        _(
            "Unknown kind of certificate %(text)s: write 职业技能等级证书, 专项职业能力证书 or 特种作业操作证.",
            text=text,
        )
    )


def level_of(value, kind: str) -> int | None:
    """The level 1–5 a cell names (5, 五级, 初级工, 五级/初级工); required of a 职业技能等级证书 only."""
    if isinstance(value, bool):
        raise InvalidValue(_("Write the level as 1 to 5, or as 五级 … 一级, 初级工 … 高级技师."))
    if isinstance(value, (int, float)) and value in (1, 2, 3, 4, 5):
        return int(value)
    text = _plain(value).replace(" ", "")
    if text in _NO_LEVEL:
        if kind == Kind.SKILL_LEVEL:
            raise InvalidValue(_("The level is missing: a 职业技能等级证书 has a level from 五级 to 一级."))
        return None
    if text.removesuffix(".0") in {"1", "2", "3", "4", "5"}:
        return int(text.removesuffix(".0"))
    if found := _LEVEL_NUMBER.search(text):
        digit = found.group(1)
        return _NUMERALS.get(digit) or int(digit)
    for name, level in _LEVEL_NAMES:
        if name in text:
            return level
    raise InvalidValue(_("Write the level as 1 to 5, or as 五级 … 一级, 初级工 … 高级技师."))


def issued_on_of(value, *, today: date, earliest: date) -> date:
    """The issue date of a date cell or of text such as 2026-03-15, 2026/3/15 or 2026年3月15日;
    neither after today nor before `earliest` (the class's first day)."""
    issued = _date(value)
    if issued > today:
        raise InvalidValue(_("The issue date %(date)s is after today.", date=issued.isoformat()))
    if issued < earliest:
        raise InvalidValue(
            _(
                "The issue date %(date)s is before the class started (%(start)s).",
                date=issued.isoformat(),
                start=earliest.isoformat(),
            )
        )
    return issued


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _plain(value)
    if not text:
        raise InvalidValue(_("The issue date is missing."))
    found = _DATE.match(text) or _COMPACT_DATE.match(text.removesuffix(".0"))
    if found is None:
        raise InvalidValue(_("Write the issue date as 2026-03-15 (or format the column as a date)."))
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        raise InvalidValue(_("The issue date %(text)s is not a real date.", text=text)) from None


def number_of(value) -> str:
    """A certificate number as written, without spaces, upper case; a number cell only when whole and exact."""
    if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e15):
        raise InvalidValue(
            _(
                "Excel stored this certificate number as a number and its last digits may be lost. "
                "Format the column as Text, type the number again, and upload the sheet again."
            )
        )
    raw = str(int(value)) if isinstance(value, float) else cell_text(value)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).upper()
    if not text:
        raise InvalidValue(_("The certificate number is missing."))
    return safe_text(text, MAX_NUMBER_LENGTH)


def name_of(value) -> str:
    """The name as written, for comparing with the registry's."""
    name = safe_text(cell_text(value), 50)
    if not name:
        raise InvalidValue(_("The name is missing."))
    return name


def same_name(written: str, registered: str) -> bool:
    """Whether a sheet's name is the registry's, whatever the spaces, the width or the kind of middle dot."""

    def plain(name: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name).translate(_DOTS))

    return plain(written) == plain(registered)


def results_template(today: date) -> bytes:
    """The result sheet to fill in, with one made-up person certified today (the number agrees)."""
    example = {
        "name": "王小红",
        "id_number": make_id_number("610924", date(1990, 1, 1), 2),
        "kind": "职业技能等级证书",
        "number": f"S000061610924{today.year % 100:02d}5000001",
        "level": "五级/初级工",
        "issued_on": today.isoformat(),
    }
    widths = {"name": 12, "id_number": 22, "kind": 20, "number": 26, "level": 14, "issued_on": 14}
    columns = [
        Column(
            HEADERS[name][0],
            example[name],
            widths[name],
            TEXT if name in ("id_number", "number", "issued_on") else None,
        )
        for name in HEADERS
    ]
    notes = (
        _("Delete the example row (row 2) and write one certificate per row, from row 2 down."),
        _("姓名, 身份证号, 证书编号 and 发证日期 are required; 等级 is required of a 职业技能等级证书."),
        _("证书类型: 职业技能等级证书 (when left empty), 专项职业能力证书 or 特种作业操作证."),
        _("等级: 五级/初级工, 四级/中级工, 三级/高级工, 二级/技师, 一级/高级技师, or 5 to 1."),
        _("The ID number and certificate number columns are formatted as text: paste numbers as values only."),
        _("Only the first sheet is read."),
    )
    return template_workbook("成绩单", columns, _("How to fill in"), notes)
