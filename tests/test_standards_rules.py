"""The catalogue's pure rules: periods in force and overlapping (and their SQL forms agree), and how
the province's sheet writes a level, a training type, an amount, hours and a date."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from training.exceptions import InvalidValue
from training.extensions import db
from training.models import SubsidyStandard
from training.standards import rules
from training.standards.rules import Period

D = date
OPEN_2024 = Period(D(2024, 1, 1), None)
YEAR_2024 = Period(D(2024, 1, 1), D(2024, 12, 31))

OVERLAPS = {  # (one, other) → do they share a day?
    "the same year": (YEAR_2024, YEAR_2024, True),
    "the next year": (YEAR_2024, Period(D(2025, 1, 1), None), False),
    "sharing the last day": (YEAR_2024, Period(D(2024, 12, 31), None), True),
    "the year before, ending on the first day": (YEAR_2024, Period(D(2023, 1, 1), D(2024, 1, 1)), True),
    "the year before, ending the day before": (YEAR_2024, Period(D(2023, 1, 1), D(2023, 12, 31)), False),
    "inside": (YEAR_2024, Period(D(2024, 6, 1), D(2024, 6, 30)), True),
    "around": (Period(D(2024, 6, 1), D(2024, 6, 30)), YEAR_2024, True),
    "two with no end": (OPEN_2024, Period(D(2030, 1, 1), None), True),
    "no end, after one that ended": (Period(D(2025, 1, 1), None), YEAR_2024, False),
    "no end, before one that starts later": (Period(D(2020, 1, 1), None), YEAR_2024, True),
}


@pytest.mark.parametrize("one, other, expected", OVERLAPS.values(), ids=OVERLAPS)
def test_two_periods_overlap_when_they_share_a_day(one, other, expected):
    assert one.overlaps(other) is expected
    assert other.overlaps(one) is expected


COVERS = {
    "the first day": (YEAR_2024, D(2024, 1, 1), True),
    "the last day": (YEAR_2024, D(2024, 12, 31), True),
    "the day before": (YEAR_2024, D(2023, 12, 31), False),
    "the day after": (YEAR_2024, D(2025, 1, 1), False),
    "years later, no end": (OPEN_2024, D(2040, 5, 1), True),
}


@pytest.mark.parametrize("period, day, expected", COVERS.values(), ids=COVERS)
def test_a_standard_is_in_force_from_its_first_to_its_last_day(period, day, expected):
    assert period.covers(day) is expected


def _stored(make, period: Period) -> SubsidyStandard:
    return make.standard(valid_from=period.valid_from, valid_to=period.valid_to)


@pytest.mark.parametrize("period, day, expected", COVERS.values(), ids=COVERS)
def test_the_sql_form_of_in_force_agrees_with_the_rule(make, period, day, expected):
    standard = _stored(make, period)

    found = db.session.scalar(
        select(SubsidyStandard.id).where(SubsidyStandard.id == standard.id, rules.in_force_on(day))
    )

    assert (found is not None) is expected


@pytest.mark.parametrize("one, other, expected", OVERLAPS.values(), ids=OVERLAPS)
def test_the_sql_form_of_overlapping_agrees_with_the_rule(make, one, other, expected):
    standard = _stored(make, one)

    found = db.session.scalar(
        select(SubsidyStandard.id).where(SubsidyStandard.id == standard.id, rules.overlapping(other))
    )

    assert (found is not None) is expected


LEVELS = {
    "五级": 5,
    "四级": 4,
    "三级": 3,
    "二级": 2,
    "一级": 1,
    "初级工": 5,
    "中级工": 4,
    "高级工": 3,
    "技师": 2,
    "高级技师": 1,
    "五级/初级工": 5,
    "一级/高级技师": 1,
    "5": 5,
    "4级": 4,
    5: 5,
    3.0: 3,
    "５": 5,  # a full-width digit
}


@pytest.mark.parametrize("cell, level", LEVELS.items(), ids=[str(cell) for cell in LEVELS])
def test_a_level_is_read_as_the_province_writes_it(cell, level):
    assert rules.parse_level(cell) == level


TYPES = {
    "项目制": "project",
    "项目制培训": "project",
    "企业职工": "employee",
    "企业职工岗位技能提升培训": "employee",
    "个人自主": "individual",
    "个人自主报名": "individual",
    "Project": "project",
    None: "project",
    "": "project",
}


@pytest.mark.parametrize("cell, training_type", TYPES.items(), ids=[repr(cell) for cell in TYPES])
def test_a_training_type_is_read_from_its_words_and_an_empty_cell_is_project_based(cell, training_type):
    assert rules.parse_training_type(cell) == training_type


AMOUNTS = {
    4500: Decimal("4500.00"),
    4500.5: Decimal("4500.50"),
    "4,500": Decimal("4500.00"),
    "4500.5元": Decimal("4500.50"),
    " 0 ": Decimal("0.00"),
}


@pytest.mark.parametrize("cell, yuan", AMOUNTS.items(), ids=[repr(cell) for cell in AMOUNTS])
def test_an_amount_is_read_in_yuan_to_the_fen(cell, yuan):
    assert rules.parse_yuan(cell) == yuan


DAYS = {
    "2026-01-01": D(2026, 1, 1),
    "2026/1/1": D(2026, 1, 1),
    "2026.01.01": D(2026, 1, 1),
    "2026年1月1日": D(2026, 1, 1),
    datetime(2026, 3, 5, 0, 0): D(2026, 3, 5),
    D(2026, 3, 5): D(2026, 3, 5),
}


@pytest.mark.parametrize("cell, day", DAYS.items(), ids=[str(cell) for cell in DAYS])
def test_a_date_is_read_from_a_date_cell_or_its_usual_spellings(cell, day):
    assert rules.parse_day(cell, required=True) == day


def test_an_empty_end_date_means_no_end():
    assert rules.parse_day("", required=False) is None


REFUSED = {  # (rule, cell) → the start of what the row is told
    "a level out of range": (rules.parse_level, "6", "“6” is not a level"),
    "a level in words unknown": (rules.parse_level, "特级", "“特级” is not a level"),
    "no level": (rules.parse_level, None, "The level is missing."),
    "an unknown training type": (rules.parse_training_type, "学徒制", "“学徒制” is not a training type"),
    "an amount in words": (rules.parse_yuan, "四千五", "“四千五” is not a number of yuan."),
    "a negative amount": (rules.parse_yuan, -1, "The amount is between 0 and 100,000 yuan."),
    "an amount too large": (rules.parse_yuan, "4500000", "The amount is between 0 and 100,000 yuan."),
    "a thousandth of a yuan": (rules.parse_yuan, "4500.005", "The amount has at most two decimals"),
    "no amount": (rules.parse_yuan, "", "The amount is missing."),
    "hours with a fraction": (rules.parse_hours, "90.5", "The minimum hours are a whole number"),
    "no hours": (rules.parse_hours, None, "The minimum hours are missing."),
    "zero hours": (rules.parse_hours, 0, "The minimum hours are a whole number"),
    "a date that does not exist": (
        lambda v: rules.parse_day(v, required=True),
        "2026-02-30",
        "“2026-02-30” is not a date",
    ),
    "an Excel day number": (lambda v: rules.parse_day(v, required=True), 46023, "“46023” is not a date"),
    "no first day": (lambda v: rules.parse_day(v, required=True), None, "The date is missing."),
}


@pytest.mark.parametrize("rule, cell, message", REFUSED.values(), ids=REFUSED)
def test_a_cell_that_cannot_be_read_is_refused_with_what_to_write(app, rule, cell, message):
    with force_locale("en"), pytest.raises(InvalidValue) as refused:
        rule(cell)

    assert str(refused.value).startswith(message)
