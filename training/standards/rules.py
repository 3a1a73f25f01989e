"""The catalogue's rules, pure: when a standard is in force (with its SQL form beside it), when two
overlap, and how the province's sheet writes a level, a training type, an amount and a date.

A standard is in force from valid_from to valid_to, both days included; no valid_to: until
further notice. Two standards of the same occupation, level and training type may not be in
force on the same day, or a cohort starting that day could take either.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, or_

from training.exceptions import InvalidValue
from training.models import SubsidyStandard, TrainingType

MAX_YUAN = Decimal("100000")
MAX_HOURS = 2000


@dataclass(frozen=True)
class Period:
    valid_from: date
    valid_to: date | None  # None: no end

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def overlaps(self, other: Period) -> bool:
        return (other.valid_to is None or self.valid_from <= other.valid_to) and (
            self.valid_to is None or other.valid_from <= self.valid_to
        )


def in_force_on(day: date) -> ColumnElement[bool]:
    """Period.covers as a WHERE clause on SubsidyStandard."""
    return and_(
        SubsidyStandard.valid_from <= day, or_(SubsidyStandard.valid_to.is_(None), SubsidyStandard.valid_to >= day)
    )


def overlapping(period: Period) -> ColumnElement[bool]:
    """Period.overlaps as a WHERE clause on SubsidyStandard."""
    starts_before_end = SubsidyStandard.valid_from <= period.valid_to if period.valid_to else None
    ends_after_start = or_(SubsidyStandard.valid_to.is_(None), SubsidyStandard.valid_to >= period.valid_from)
    return ends_after_start if starts_before_end is None else and_(starts_before_end, ends_after_start)


# ---- the province's words -------------------------------------------------------------------

# Checked in this order: 高级技师 before 技师 and 高级, 高级工 before 高级.
LEVEL_WORDS = (
    ("高级技师", 1),
    ("一级", 1),
    ("技师", 2),
    ("二级", 2),
    ("高级", 3),
    ("三级", 3),
    ("中级", 4),
    ("四级", 4),
    ("初级", 5),
    ("五级", 5),
)
TRAINING_TYPE_WORDS = (
    ("项目", TrainingType.PROJECT),
    ("project", TrainingType.PROJECT),
    ("企业", TrainingType.EMPLOYEE),
    ("职工", TrainingType.EMPLOYEE),
    ("employee", TrainingType.EMPLOYEE),
    ("个人", TrainingType.INDIVIDUAL),
    ("自主", TrainingType.INDIVIDUAL),
    ("individual", TrainingType.INDIVIDUAL),
)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _text(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""


def parse_level(value) -> int:
    """5 … 1 from a number (5, "5级") or the words 五级 / 初级工 … 一级 / 高级技师."""
    text = _text(value).removesuffix(".0")
    if not text:
        raise InvalidValue(_("The level is missing."))
    number = text.removesuffix("级")
    if number.isdigit() and 1 <= int(number) <= 5:
        return int(number)
    for word, level in LEVEL_WORDS:
        if word in text:
            return level
    raise InvalidValue(_("“%(text)s” is not a level: write 五级 … 一级 (or 初级工 … 高级技师, or 5 … 1).", text=text))


def parse_training_type(value) -> TrainingType:
    """项目制, 企业职工 or 个人自主 (or the English names); an empty cell is 项目制."""
    text = _text(value).lower()
    if not text:
        return TrainingType.PROJECT
    for word, training_type in TRAINING_TYPE_WORDS:
        if word in text:
            return training_type
    raise InvalidValue(_("“%(text)s” is not a training type: write 项目制, 企业职工 or 个人自主.", text=text))


def parse_yuan(value) -> Decimal:
    """Yuan per person, to the fen: 4500, "4,500", "4500.00元"."""
    if isinstance(value, bool):
        raise InvalidValue(_("The amount is not a number of yuan."))
    text = _text(value).replace(",", "").replace("，", "").removesuffix("元").strip()
    if not text:
        raise InvalidValue(_("The amount is missing."))
    try:
        yuan = Decimal(text)
    except InvalidOperation:
        raise InvalidValue(_("“%(text)s” is not a number of yuan.", text=text)) from None
    if not yuan.is_finite() or yuan < 0 or yuan > MAX_YUAN:
        raise InvalidValue(_("The amount is between 0 and %(max)s yuan.", max=f"{MAX_YUAN:,}"))
    if yuan != yuan.quantize(Decimal("0.01")):
        raise InvalidValue(_("The amount has at most two decimals (fen)."))
    return yuan.quantize(Decimal("0.01"))


def parse_hours(value) -> int:
    """Whole hours, at least 1."""
    text = _text(value).removesuffix("学时").removesuffix("课时").strip()
    if not text:
        raise InvalidValue(_("The minimum hours are missing."))
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise InvalidValue(_("“%(text)s” is not a number of hours.", text=text)) from None
    if hours != hours.to_integral_value() or not 1 <= hours <= MAX_HOURS:
        raise InvalidValue(_("The minimum hours are a whole number from 1 to %(max)d.", max=MAX_HOURS))
    return int(hours)


def parse_day(value, *, required: bool) -> date | None:
    """A date cell, or text as 2026-01-01, 2026/1/1, 2026.1.1 or 2026年1月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        if required:
            raise InvalidValue(_("The date is missing."))
        return None
    match = _DATE.match(text)
    try:
        if match is None:
            raise ValueError(text)
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise InvalidValue(_("“%(text)s” is not a date: write it as 2026-01-01.", text=text)) from None
