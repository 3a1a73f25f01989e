"""The SVG charts and the streaming .xlsx writer: well-formed, escaped, and what they claim to draw."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import openpyxl
import pytest

from training.reports import charts
from training.reports.xlsx import StreamingWorkbook

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_the_funnel_draws_one_bar_per_stage_scaled_to_the_first():
    svg = parse(charts.funnel("漏斗", [("培训人数", 100, ""), ("结业人数", 50, "结业率 50.0%"), ("就业人数", 0, "—")]))
    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 2  # a stage of 0 has no bar
    assert float(bars[0].get("width")) == pytest.approx(2 * float(bars[1].get("width")))
    assert all(bar.get("fill", "").startswith("#") for bar in bars)
    assert svg.find(f"{SVG}title").text == "漏斗"


def test_chart_text_is_escaped():
    svg = str(charts.bars("jobs", [("<script>alert(1)</script>", 3)]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    parse(svg)


def test_the_trend_leaves_out_values_that_are_not_counted():
    svg = parse(charts.trend("trend", ["2024-01", "2024-02", "2024-03"], [("a", [1, 2, None]), ("b", [0, 0, 3])]))
    lines = svg.findall(f"{SVG}polyline")
    assert [len(line.get("points").split()) for line in lines] == [2, 3]
    assert len(svg.findall(f"{SVG}circle")) == 5


def test_charts_of_nothing_still_draw():
    for chart in (
        charts.funnel("f", []),
        charts.bars("b", []),
        charts.trend("t", [], [("a", [])]),
        charts.trend("t", ["2024-01"], [("a", [0])]),
    ):
        parse(chart)


@pytest.mark.parametrize(
    "peak, top, step", [(0, 4, 1), (3, 4, 1), (7, 8, 2), (23, 25, 5), (180, 200, 50), (1234, 1250, 250)]
)
def test_the_trend_axis_ends_on_a_round_number(peak, top, step):
    assert charts.nice_ceiling(peak) == (top, step)


def test_the_streaming_workbook_opens_in_openpyxl_with_text_numbers_and_odd_characters():
    buffer = io.BytesIO()
    book = StreamingWorkbook(buffer)
    first = book.open_sheet("口径说明")
    first.append_rows([["数据截至", "2026-01-15 12:00"]])
    first.close()
    sheet = book.open_sheet("名单/list: [1]")
    sheet.append_rows([["姓名", "月工资"]], bold=True)
    sheet.append_rows([["王秀英\x01", Decimal("6000.00")], ["  a < b & c  ", 12], [None, ""]])
    sheet.close()
    book.close()
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["口径说明", "名单_list_ _1_"]
    rows = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert rows[:3] == [("姓名", "月工资"), ("王秀英", 6000), ("  a < b & c  ", 12)]
    assert workbook.worksheets[1]["A1"].font.b
