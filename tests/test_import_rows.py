"""Step 1 of the import, row by row: what is read from each cell, and what each mistake is called."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from flask_babel import force_locale

from tests.support.import_sheets import EN, csv_file, id_number_where, person, preview_of, with_cell, workbook
from training.extensions import db
from training.identity import check_character, make_id_number
from training.imports import checking

EXCEL_NUMBER = "Excel stored this ID number as a number"


@pytest.fixture
def check(app, tmp_path):
    with force_locale("en"):
        yield lambda content, **options: preview_of(tmp_path, content, **options)


def only_row(plan):
    assert len(plan.rows) == 1, plan.rows
    return plan.rows[0]


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_sheet_numbers(check):
    plan = check(workbook([person(), person()], titles=("安康市2026年技能培训", "紫阳县第一期足部修护师花名册")))
    assert [row.row for row in plan.rows] == [4, 5]
    assert plan.counts == {"create": 2, "update": 0, "skip": 0, "error": 0, "total": 2}


def test_english_headers_are_read_like_chinese_ones(check):
    row = only_row(check(workbook([person(name="Wang Xiu", categories="relocated,disabled")], headers=EN, titles=())))
    assert row.action == "create"
    assert row.data.name == "Wang Xiu"
    assert row.data.categories == {"relocated", "disabled"}


@pytest.mark.parametrize("header", ["身份证号码", "公民身份号码", "ID_Number"])
def test_other_names_of_the_id_column_are_recognised(check, header):
    headers = {**EN, "id_number": header, "village": "村(社区)"}
    assert only_row(check(workbook([person()], headers=headers))).action == "create"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_files_are_read_in_utf8_with_or_without_bom_and_in_gbk(check, encoding):
    someone = person(name="欧阳秀英", town="蒿坪镇", categories="脱贫人口、易地搬迁")
    row = only_row(check(csv_file([someone], encoding=encoding), name="roster.csv"))
    assert (row.action, row.data.name, row.data.town) == ("create", "欧阳秀英", "蒿坪镇")
    assert row.data.categories == {"poverty_alleviated", "relocated"}


def test_a_field_is_read_from_its_header_whatever_the_column_order(check):
    headers = {"phone": "手机号", "id_number": "身份证号", "name": "姓名"}
    row = only_row(check(workbook([person(phone="13912345678")], headers=headers)))
    assert row.data.phone == "13912345678"
    assert row.data.county_code == "610924"  # no county column: the default county


def _impossible_date() -> str:
    first17 = "61092419800230001"
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    "cell, problem",
    [
        ("6.10924E+17", EXCEL_NUMBER),
        (6.10924198005171e17, EXCEL_NUMBER),
        (
            make_id_number("610924", date(1980, 5, 17), 123)[:-1] + "0"
            if make_id_number("610924", date(1980, 5, 17), 123)[-1] != "0"
            else make_id_number("610924", date(1980, 5, 17), 123)[:-1] + "1",
            "last character does not match",
        ),
        (_impossible_date(), "not a real date"),
        ("61092419800517", "17 digits followed by a digit or X"),
        ("", "The ID number is missing"),
    ],
    ids=["scientific-text", "float-cell", "check-digit", "impossible-date", "too-short", "missing"],
)
def test_a_bad_id_number_is_an_error_of_its_row_and_column(check, cell, problem):
    row = only_row(check(workbook([person(id_number=cell)])))
    assert row.action == "error"
    assert row.errors[0][0] == "身份证号"
    assert problem in row.errors[0][1]


@pytest.mark.parametrize(
    "region, birth",
    [("612425", date(1975, 6, 1)), ("610924", date(1980, 6, 1))],
    ids=["old-code-612425-born-1975", "new-code-610924-born-1980"],
)
def test_old_and_new_region_codes_are_both_accepted(check, region, birth):
    number = make_id_number(region, birth, 37)
    assert only_row(check(workbook([person(id_number=number)]))).data.id_number == number


def test_a_lowercase_x_is_accepted_and_stored_upper_case(check):
    number = id_number_where(lambda text: text.endswith("X"))
    assert only_row(check(workbook([person(id_number=number.lower())]))).data.id_number == number


def test_full_width_digits_and_spaces_are_folded(check):
    number = make_id_number("610924", date(1991, 2, 3), 58)
    typed = number[:6] + " " + number[6:].translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert only_row(check(csv_file([person(id_number=typed)]), name="r.csv")).data.id_number == number


def number_cell(digits: str) -> str:
    """A number cell with all its digits in the XML: openpyxl reads it back as an exact int."""
    return f'<c r="C3" t="n"><v>{digits}</v></c>'


def test_an_integer_cell_holding_every_digit_is_accepted(check):
    number = id_number_where(
        lambda text: text[-1] != "X" and int(float(int(text))) != int(text) and not text.endswith("000")
    )
    content = with_cell(workbook([person()], numbered=False), "B3", number_cell(number).replace("C3", "B3"))
    row = only_row(check(content))
    assert row.data.id_number == number


@pytest.mark.parametrize(
    "predicate",
    [
        lambda text: text.endswith("000"),  # what Excel's 15 significant digits leave
        lambda text: text[-1] != "X" and int(float(int(text))) == int(text),
    ],  # a double holds it: may be rounded
    ids=["ends-in-000", "exact-double"],
)
def test_an_integer_cell_that_may_have_lost_digits_is_an_error_even_with_a_fitting_check_digit(check, predicate):
    number = id_number_where(predicate)
    content = with_cell(workbook([person()], numbered=False), "B3", number_cell(number).replace("C3", "B3"))
    row = only_row(check(content))
    assert row.action == "error" and EXCEL_NUMBER in row.errors[0][1]


@pytest.mark.parametrize("typed", ["+86 139 0000 1234", "139 0000 1234", "0086-13900001234", "１３９００００１２３４"])
def test_phone_numbers_lose_their_country_code_and_spaces(check, typed):
    assert only_row(check(workbook([person(phone=typed)]))).data.phone == "13900001234"


def test_a_phone_number_stored_as_a_number_cell_is_read(check):
    assert only_row(check(workbook([person(phone=13900001234)]))).data.phone == "13900001234"


def test_a_wrong_phone_number_names_the_phone_column(check):
    row = only_row(check(workbook([person(phone="12345")])))
    assert row.errors == [("联系电话", "A mobile number has 11 digits and starts with 1.")]


def test_every_mistake_of_a_row_is_listed(check):
    row = only_row(check(workbook([person(name="", phone="555", categories="贫困户")])))
    assert [column for column, _ in row.errors] == ["姓名", "联系电话", "人员类别"]
    assert "Unknown household category: 贫困户" in row.errors[2][1]


@pytest.mark.parametrize("cell", ["紫阳县", "610924", 610924, "紫阳"])
def test_the_county_is_a_name_or_a_code(check, cell):
    assert only_row(check(workbook([person(county=cell)]))).data.county_code == "610924"


def test_an_unknown_county_is_an_error(check):
    row = only_row(check(workbook([person(county="北京市")])))
    assert row.errors[0][0] == "区县" and "Unknown county 北京市" in row.errors[0][1]


def test_an_empty_county_takes_the_default_county(check):
    scope = checking.ImportScope(default_county="610902")
    assert only_row(check(workbook([person(county=None)]), scope=scope)).data.county_code == "610902"


def test_an_empty_county_without_a_default_is_an_error(check):
    row = only_row(check(workbook([person(county="")]), scope=checking.ImportScope()))
    assert row.action == "error" and "The county is missing" in row.errors[0][1]


def test_rows_with_nothing_but_a_serial_number_are_ignored(check):
    people = [person(), {}, person(), {}, {}]
    assert [row.row for row in check(workbook(people, titles=())).rows] == [2, 4]


def test_the_same_id_number_twice_in_the_file_is_an_error_naming_both_rows(check):
    twin = person()
    plan = check(workbook([twin, person(), dict(twin, name="另一人")], titles=()))
    assert [row.action for row in plan.rows] == ["error", "create", "error"]
    assert plan.rows[0].errors == [("身份证号", "The same ID number is also on row 4.")]
    assert plan.rows[2].errors == [("身份证号", "The same ID number is also on row 2.")]


def test_a_registered_person_with_the_same_details_is_skipped(check, make):
    existing = make.trainee(town="蒿坪镇", village="金川社区", education="初中", phone="13900000001")
    same = person(id_number=existing.id_number, name=existing.name, phone="13900000001", categories="")
    assert only_row(check(workbook([same]))).action == "skip"


def test_a_registered_person_with_new_details_is_updated_and_the_changes_named(check, make):
    existing = make.trainee(town="蒿坪镇", village="金川社区", education="初中", phone="13900000001")
    changed = person(id_number=existing.id_number, name=existing.name, phone="13900000002", categories="")
    row = only_row(check(workbook([changed])))
    assert (row.action, row.trainee.id, row.changes) == ("update", existing.id, ["联系电话"])


def test_a_formula_cell_is_refused_never_evaluated(check):
    row = only_row(check(workbook([person(name='=CONCAT("王","秀")')])))
    assert row.action == "error"
    assert row.errors == [("姓名", "Formulas are not accepted: copy the column and paste it as values.")]


def test_a_formula_in_a_column_that_is_not_imported_does_not_matter(check):
    content = with_cell(workbook([person()]), "A3", '<c r="A3"><f>ROW()-2</f><v>1</v></c>')  # 序号 =ROW()-2
    assert only_row(check(content)).action == "create"


def test_text_starting_with_an_equals_sign_is_kept_as_text(check):
    plan = check(
        workbook(
            [person(village="=1+1", town="+蒿坪", education="-", name="@王秀")],
            text=[(0, "village"), (0, "town"), (0, "name")],
        )
    )
    row = only_row(plan)
    assert (row.data.village, row.data.town, row.data.education, row.data.name) == ("=1+1", "+蒿坪", "-", "@王秀")


def test_a_csv_cell_starting_with_an_equals_sign_is_text(check):
    assert only_row(check(csv_file([person(village="=1+1")]), name="r.csv")).data.village == "=1+1"


def test_a_county_coordinator_gets_errors_for_rows_of_another_county(check):
    scope = checking.ImportScope(only_county="610924", default_county="610924")
    plan = check(workbook([person(county="汉滨区"), person(county="紫阳县")]), scope=scope)
    assert [row.action for row in plan.rows] == ["error", "create"]
    assert plan.rows[0].errors == [("区县", "You may import only trainees of your own county.")]


def test_a_county_coordinator_cannot_take_over_a_person_registered_elsewhere(check, make):
    elsewhere = make.trainee(county_code="610902")
    db.session.commit()
    scope = checking.ImportScope(only_county="610924", default_county="610924")
    row = only_row(check(workbook([person(id_number=elsewhere.id_number)]), scope=scope))
    assert row.action == "error"
    assert row.errors == [("身份证号", "This ID number is already registered. Contact the city coordinator.")]


def test_a_formula_with_a_cached_value_is_refused_and_the_value_not_read(check):
    content = with_cell(
        workbook([person()], numbered=False), "A3", '<c r="A3" t="str"><f>"王"&amp;"秀"</f><v>王秀</v></c>'
    )
    row = only_row(check(content))
    assert row.action == "error" and row.errors[0][0] == "姓名"


def test_a_second_header_row_under_a_merged_heading_is_read(check):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "户籍地址", None, "联系电话"])
    sheet.append([None, None, "乡镇", "村（社区）", None])
    sheet.merge_cells("C1:D1")
    someone = person()
    sheet.append([someone["name"], someone["id_number"], "蒿坪镇", "金川社区", "13900001111"])
    buffer = io.BytesIO()
    book.save(buffer)
    plan = check(buffer.getvalue())
    row = only_row(plan)
    assert (row.row, row.data.town, row.data.village, row.data.phone) == (3, "蒿坪镇", "金川社区", "13900001111")
    assert plan.headers == ["姓名", "身份证号", "乡镇", "村（社区）", "联系电话"]


def test_empty_cells_and_missing_columns_keep_what_is_registered(check, make):
    existing = make.trainee(phone="13900000001", town="蒿坪镇", village="金川社区", education="高中")
    headers = {"name": "姓名", "id_number": "身份证号", "phone": "联系电话", "town": "乡镇"}  # no village, no education
    row = only_row(
        check(
            workbook(
                [person(id_number=existing.id_number, name=existing.name, phone="", town="城关镇")], headers=headers
            )
        )
    )
    assert row.action == "update" and row.changes == ["乡镇"]
    assert (row.data.phone, row.data.town, row.data.village, row.data.education) == (
        "13900000001",
        "城关镇",
        "金川社区",
        "高中",
    )
    assert row.data.county_code == "610924"


def test_a_duplicate_is_flagged_even_when_the_other_row_has_other_mistakes(check):
    twin = person()
    plan = check(workbook([twin, dict(twin, phone="555")], titles=()))
    assert [row.action for row in plan.rows] == ["error", "error"]
    assert plan.rows[0].errors == [("身份证号", "The same ID number is also on row 3.")]
    assert ("身份证号", "The same ID number is also on row 2.") in plan.rows[1].errors
