"""The dashboard's tables as .csv / .xlsx / PDF: definitions, when taken, county scope, no formulas."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from tests.support.reports import HANBIN, PERIOD
from training.extensions import db
from training.reports.exports import neutralise

PLACED_DEFINITION = (
    "就业率 = 结业后 6 个月内开始就业并签订 12 个月以上劳动合同（自主创业不要求合同）的结业人数 ÷ 结业人数"
)


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+86 138", "'+86 138"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("王秀英", "王秀英"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise_defuses_text_a_spreadsheet_would_run_as_a_formula(value, expected):
    assert neutralise(value) == expected


def csv_rows(response) -> list[list[str]]:
    content = response.get_data()
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_sheets(response) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


def test_the_csv_tables_carry_the_definitions_and_when_the_figures_were_taken(client, auth, small_city):
    auth.login("coordinator")
    response = client.get("/reports/tables.csv", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    flat = [cell for row in rows for cell in row]
    assert any(PLACED_DEFINITION in cell for cell in flat)
    assert rows[1][0] == "数据截至" and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[1][1])
    funnel = rows[rows.index(["培训就业漏斗"]) + 2 :]
    assert funnel[0][:3] == ["培训人数", "11", ""]
    assert funnel[3][:3] == ["就业人数", "5", "71.4%"]


def test_the_xlsx_tables_carry_the_definitions_and_when_the_figures_were_taken(client, auth, small_city):
    auth.login("coordinator")
    response = client.get("/reports/tables.xlsx", query_string=PERIOD)
    assert response.status_code == 200
    sheets = xlsx_sheets(response)
    definitions = sheets["口径说明"]
    assert definitions[1][0] == "数据截至"
    assert any(PLACED_DEFINITION in str(cell) for row in definitions for cell in row)
    funnel = sheets["培训就业漏斗"]
    assert funnel[0][1].startswith("数据截至 ")
    assert funnel[2][:3] == ("培训人数", 11, None)
    assert {row[0] for row in sheets["订单式培训"][2:]} == {"ZY-1"}


def test_exported_tables_follow_the_county_scope(client, auth, small_city):
    auth.login("coordinator", county=HANBIN)
    sheets = xlsx_sheets(client.get("/reports/tables.xlsx", query_string=PERIOD))
    assert sheets["培训就业漏斗"][2][:2] == ("培训人数", 2)
    assert sheets["订单式培训"][2:] == []
    flat = [cell for row in csv_rows(client.get("/reports/tables.csv", query_string=PERIOD)) for cell in row]
    assert "紫阳县" not in flat and "ZY-1" not in flat


def test_text_that_looks_like_a_formula_is_neutralised_in_the_tables(client, auth, make, small_city):
    small_city.employer.name = '=HYPERLINK("http://evil","远元")'
    db.session.commit()
    auth.login("coordinator")
    sheets = xlsx_sheets(client.get("/reports/tables.xlsx", query_string=PERIOD))
    assert sheets["订单式培训"][2][1] == '\'=HYPERLINK("http://evil","远元")'
    flat = [cell for row in csv_rows(client.get("/reports/tables.csv", query_string=PERIOD)) for cell in row]
    assert '\'=HYPERLINK("http://evil","远元")' in flat


def test_invalid_filters_refuse_an_export(client, auth, small_city):
    auth.login("coordinator")
    response = client.get("/reports/tables.csv", query_string={"date_from": "2024-06-01", "date_to": "2024-01-01"})
    assert response.status_code == 400


def test_the_printable_report_is_a_pdf_with_the_definitions(client, auth, small_city):
    from pypdf import PdfReader

    auth.login("coordinator")
    response = client.get("/reports/monthly.pdf", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    compact = re.sub(r"\s+", "", text)
    assert "数据截至" in compact
    assert re.sub(r"\s+", "", PLACED_DEFINITION) in compact
