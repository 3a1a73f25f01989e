"""Step 1 on whole files: what is not a roster, too big, or hostile is refused with a plain message."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from flask_babel import force_locale

from tests.conftest import translated_app
from tests.support.import_sheets import (
    BILLION_LAUGHS,
    EXE,
    billion_laughs_workbook,
    csv_file,
    person,
    preview_of,
    replace_part,
    sheet_of_rows,
    workbook,
    zipped,
)
from tests.support.translations import compiled_translations
from training import sheets
from training.imports.sheets import ImportRefused

NOT_A_SPREADSHEET = "This file is not a spreadsheet"


@pytest.fixture
def check(app, tmp_path):
    with force_locale("en"):
        yield lambda content, **options: preview_of(tmp_path, content, **options)


def refusal(check, content, **options) -> str:
    with pytest.raises(ImportRefused) as refused:
        check(content, **options)
    return str(refused.value)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.mark.parametrize("content", [PNG, EXE], ids=["png", "exe"])
def test_a_file_that_is_not_a_spreadsheet_is_refused_whatever_its_name(check, content):
    assert NOT_A_SPREADSHEET in refusal(check, content, name="roster.xlsx")


def test_an_old_xls_workbook_is_refused_with_what_to_do(check):
    assert "Save it as .xlsx" in refusal(check, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, name="r.xls")


def test_a_zip_that_is_not_a_workbook_is_refused(check):
    document = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert "not an Excel workbook" in refusal(check, document)


def test_a_damaged_workbook_is_refused(check):
    assert "cannot be read" in refusal(check, zipped({"xl/workbook.xml": b"<workbook", "[Content_Types].xml": b"<"}))


def test_a_truncated_zip_is_refused(check):
    assert NOT_A_SPREADSHEET in refusal(check, workbook([person()])[:300])


def test_a_zip_bomb_is_refused_before_anything_is_inflated(check):
    bomb = zipped({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\x00" * (101 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    assert "too large once unpacked" in refusal(check, bomb)


def test_a_workbook_of_too_many_parts_is_refused(check):
    parts = {"xl/workbook.xml": b"<workbook/>", **{f"xl/media/{n}.bin": b"" for n in range(1_001)}}
    assert "too large once unpacked" in refusal(check, zipped(parts))


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_a_billion_laughs_in_the_shared_strings_is_refused(check):
    assert "XML that is not accepted" in refusal(check, billion_laughs_workbook())


def test_a_billion_laughs_in_the_sheet_is_refused(check):
    sheet = BILLION_LAUGHS.replace("<sst", "<worksheet").replace("</sst>", "</worksheet>")
    sheet = sheet.replace(
        "<si><t>&lol9;</t></si>",
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>',
    )
    content = replace_part(workbook([person()]), "xl/worksheets/sheet1.xml", sheet.encode())
    assert "XML that is not accepted" in refusal(check, content)


def test_more_rows_than_the_limit_are_refused(check):
    rows = "\n".join(f"王秀{n},61092419860312{n % 10000:04d}" for n in range(sheets.MAX_ROWS + 1))
    assert "more than 50000 rows" in refusal(check, ("姓名,身份证号\n" + rows).encode(), name="r.csv")


def test_a_workbook_over_the_row_limit_is_refused(check, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    assert "more than 3 rows" in refusal(check, workbook([person() for _ in range(4)]))
    assert len(check(workbook([person() for _ in range(3)])).rows) == 3


def test_a_lone_cell_a_million_rows_down_is_refused(check):
    content = workbook([person()], numbered=False)
    source = zipfile.ZipFile(io.BytesIO(content))
    sheet = source.read("xl/worksheets/sheet1.xml").replace(
        b"</sheetData>", b'<row r="1048575"><c r="C1048575"><v>1</v></c></row></sheetData>'
    )
    assert "goes on past row 100000" in refusal(check, replace_part(content, "xl/worksheets/sheet1.xml", sheet))


TOO_MANY_CELLS = "The file holds more than 1,500,000 cells"
PAST_THE_LAST_ROW = "The sheet goes on past row 100000"
HOSTILE_SHEETS = {  # (rows, what each row holds) → what the refusal says
    "a million rows filled in a column the importer ignores": (1_048_574, None, TOO_MANY_CELLS),
    "a million rows of one number each": (1_048_574, "<c/><c/><c><v>1</v></c>", TOO_MANY_CELLS),
    "one row of 1.6 million formatted empty cells": (1, '<c s="0"/>' * 1_600_000, TOO_MANY_CELLS),
    "150,000 empty rows": (150_000, "", PAST_THE_LAST_ROW),
}


@pytest.mark.parametrize("rows, cells, message", HOSTILE_SHEETS.values(), ids=HOSTILE_SHEETS)
def test_a_small_workbook_that_would_take_long_to_read_is_refused_whatever_its_shape(check, rows, cells, message):
    content = sheet_of_rows(rows) if cells is None else sheet_of_rows(rows, cells)
    assert len(content) < 400 * 1024
    assert message in refusal(check, content)


def test_the_refusal_of_a_hostile_workbook_is_in_chinese(database_url, tmp_path_factory, tmp_path):
    with translated_app(database_url, compiled_translations(tmp_path_factory)), force_locale("zh_CN"):
        message = refusal(lambda content: preview_of(tmp_path, content), sheet_of_rows(1_048_574))
    assert message.startswith("文件中的单元格超过 1,500,000 个")


def test_a_csv_file_of_one_line_of_commas_is_refused(check):
    assert TOO_MANY_CELLS in refusal(check, ("姓名,身份证号\n" + "," * 1_600_000).encode(), name="r.csv")


def test_a_csv_file_of_blank_lines_is_refused(check):
    assert PAST_THE_LAST_ROW in refusal(check, ("姓名,身份证号\n" + "\n" * 150_000).encode(), name="r.csv")


def test_a_file_over_the_size_limit_is_refused(check, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    assert "larger than" in refusal(check, csv_file([person() for _ in range(40)]), name="r.csv")


def test_a_sheet_without_the_name_and_id_columns_is_refused(check):
    assert "No header row found" in refusal(check, csv_file([person()], headers={"phone": "联系电话"}), name="r.csv")


def test_the_header_must_be_within_the_first_ten_rows(check):
    titles = tuple(f"第{n}行说明" for n in range(10))
    assert "No header row found" in refusal(check, workbook([person()], titles=titles))
    assert len(check(workbook([person()], titles=titles[:9])).rows) == 1


def test_a_text_file_in_an_unknown_encoding_is_refused(check):
    assert NOT_A_SPREADSHEET in refusal(check, b"\xff\xfe\x80\x81 binary-ish \x80\xff", name="r.csv")
