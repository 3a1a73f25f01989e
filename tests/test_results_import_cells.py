"""The result sheet's cells, one rule at a time: what each reads, and what each refuses (no database)."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
from flask_babel import force_locale

from training.exceptions import InvalidValue
from training.models import ExternalCertificateKind as Kind
from training.sheets import Formula, checked_cell
from training.skillcerts import results_cells as cells

TODAY = date(2026, 6, 30)
START = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


def refused(rule, *args, **kwargs) -> str:
    with pytest.raises(InvalidValue) as problem:
        rule(*args, **kwargs)
    return str(problem.value)


@pytest.mark.parametrize(
    "cell, kind",
    [
        (None, Kind.SKILL_LEVEL),
        ("", Kind.SKILL_LEVEL),
        ("职业技能等级证书", Kind.SKILL_LEVEL),
        ("职业技能等级证书（足部修护师）", Kind.SKILL_LEVEL),
        ("技能等级证书", Kind.SKILL_LEVEL),
        ("专项职业能力证书", Kind.SPECIAL_ABILITY),
        ("特种作业操作证", Kind.SPECIAL_OPERATION),
        ("special_ability", Kind.SPECIAL_ABILITY),
        (" Skill_Level ", Kind.SKILL_LEVEL),
    ],
)
def test_the_kind_of_certificate_is_read_from_its_chinese_name_or_its_code(cell, kind):
    assert cells.kind_of(cell) == kind


def test_a_kind_of_certificate_that_is_none_of_the_three_is_refused_with_their_names():
    assert "write 职业技能等级证书, 专项职业能力证书 or 特种作业操作证" in refused(cells.kind_of, "结业证书")


@pytest.mark.parametrize(
    "cell, level",
    [
        (5, 5),
        (4.0, 4),
        ("3", 3),
        ("2.0", 2),
        ("五级", 5),
        ("五级/初级工", 5),
        ("初级工", 5),
        ("四级/中级工", 4),
        ("中级", 4),
        ("三级（高级工）", 3),
        ("高级工", 3),
        ("技师", 2),
        ("二级/技师", 2),
        ("高级技师", 1),
        ("一级", 1),
        ("5级", 5),
    ],
)
def test_a_level_is_read_as_a_digit_or_as_the_national_names(cell, level):
    assert cells.level_of(cell, Kind.SKILL_LEVEL) == level


@pytest.mark.parametrize("cell", ["6", 0, "六级", "优秀", True, "15"])
def test_a_level_outside_one_to_five_is_refused(cell):
    assert "Write the level as 1 to 5" in refused(cells.level_of, cell, Kind.SKILL_LEVEL)


@pytest.mark.parametrize("cell", [None, "", "—", "无"])
def test_a_skill_level_certificate_without_a_level_is_refused(cell):
    assert "The level is missing" in refused(cells.level_of, cell, Kind.SKILL_LEVEL)


@pytest.mark.parametrize("kind", [Kind.SPECIAL_ABILITY, Kind.SPECIAL_OPERATION])
def test_other_kinds_may_have_no_level(kind):
    assert cells.level_of("/", kind) is None


@pytest.mark.parametrize(
    "cell",
    [
        date(2026, 3, 15),
        datetime(2026, 3, 15, 0, 0),
        "2026-03-15",
        "2026/3/15",
        "2026.03.15",
        "2026年3月15日",
        "２０２６－０３－１５",
        "20260315",
        20260315,
        "2026-03-15 00:00:00",
    ],
)
def test_an_issue_date_is_read_from_a_date_cell_or_the_ways_it_is_typed(cell):
    assert cells.issued_on_of(cell, today=TODAY, earliest=START) == date(2026, 3, 15)


@pytest.mark.parametrize(
    "cell, problem",
    [
        (None, "The issue date is missing."),
        ("15/03/2026", "Write the issue date as 2026-03-15"),
        (46096, "Write the issue date as 2026-03-15"),
        ("2026-02-30", "The issue date 2026-02-30 is not a real date."),
        ("2026-07-01", "The issue date 2026-07-01 is after today."),
        ("2026-03-01", "The issue date 2026-03-01 is before the class started (2026-03-02)."),
    ],
)
def test_an_issue_date_that_cannot_be_or_is_impossible_is_refused(cell, problem):
    assert problem in refused(cells.issued_on_of, cell, today=TODAY, earliest=START)


@pytest.mark.parametrize(
    "cell, number",
    [
        (" s0000 61610924 265000001 ", "S000061610924265000001"),
        ("Ｓ００００６１６１０９２４２６５０００００１", "S000061610924265000001"),
        (610924000123, "610924000123"),
        (610924000123.0, "610924000123"),
    ],
)
def test_a_certificate_number_is_read_without_spaces_in_upper_case(cell, number):
    assert cells.number_of(cell) == number


@pytest.mark.parametrize(
    "cell, problem",
    [
        (None, "The certificate number is missing."),
        (6.10924199001e17, "Excel stored this certificate number as a number"),
        ("S" * 41, "At most 40 characters."),
    ],
)
def test_a_certificate_number_that_is_missing_rounded_or_too_long_is_refused(cell, problem):
    assert problem in refused(cells.number_of, cell)


def test_a_formula_is_never_read_as_a_value():
    assert "Formulas are not accepted" in refused(checked_cell, Formula("=A1"), cells.number_of)


@pytest.mark.parametrize(
    "written, registered, same",
    [
        ("王秀英", "王秀英", True),
        ("王 秀英", "王秀英", True),
        ("阿依古丽•买买提", "阿依古丽·买买提", True),
        ("阿依古丽・买买提", "阿依古丽·买买提", True),
        ("王秀芳", "王秀英", False),
        ("王秀", "王秀英", False),
    ],
)
def test_a_name_agrees_with_the_registry_whatever_its_spaces_and_middle_dot(written, registered, same):
    assert cells.same_name(written, registered) is same


def test_the_template_has_the_headers_the_import_reads_and_text_columns_for_numbers():
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(cells.results_template(TODAY))).worksheets[0]
    assert [c.value for c in sheet[1]] == ["姓名", "身份证号", "证书类型", "证书编号", "等级", "发证日期"]
    assert sheet["B2"].number_format == "@" and sheet["D2"].number_format == "@"
