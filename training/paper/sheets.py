"""A class's paper as workbooks (openpyxl), the same rows as the PDFs (contents.py), set up to print
on A4: the title and the class above the table, the header row repeated on every printed page, the
columns fitted to the page's width. Every text cell is written as text, so nothing a name or an
address holds is ever read as a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from training.paper import contents
from training.paper.contents import AttendanceGrid, ClassHeading, ResultRow, SignInSheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="52606D")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
SIGN_IN_WIDTHS = [6, 12, 21, 16, 10, 16, 10, 12]
RESULTS_WIDTHS = [6, 12, 21, 9, 9, 9, 18, 26, 14, 22]
ROSTER_WIDTHS = [6, 10, 6, 6, 12, 21, 10, 14, 24, 14, 20, 10, 18, 12]


def _put(sheet: Worksheet, row: int, column: int, value, *, bold: bool = False, boxed: bool = True):
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # a leading = stays a character
    else:
        cell.value = value
    if bold:
        cell.font = Font(bold=True)
    if boxed:
        cell.border = BOX
        cell.alignment = WRAP
    return cell


def _title(sheet: Worksheet, title: str, facts: Sequence[str], width: int) -> int:
    """The title and the facts of the class above the table, each merged across it; the next row."""
    row = 1
    for number, text in enumerate([title, *facts]):
        _put(sheet, row, 1, text, bold=number == 0, boxed=False)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.cell(row=row, column=1).alignment = CENTRED if number == 0 else WRAP
        row += 1
    return row


def _table(sheet: Worksheet, top: int, headers: Sequence[str], rows: Sequence[Sequence], widths: Sequence[int]):
    for column, header in enumerate(headers, 1):
        _put(sheet, top, column, header, bold=True).alignment = CENTRED
    for offset, cells in enumerate(rows, 1):
        for column, value in enumerate(cells, 1):
            _put(sheet, top + offset, column, value)
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.print_title_rows = f"{top}:{top}"
    sheet.freeze_panes = f"A{top + 1}"


def _page(sheet: Worksheet, landscape: bool) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    footer = sheet.oddFooter
    assert footer is not None  # openpyxl makes every sheet's
    footer.center.text = "第 &P 页 共 &N 页"


def _book(title: str) -> tuple[openpyxl.Workbook, Worksheet]:
    """A workbook of one sheet of this title."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    return book, book.create_sheet(title)


def _saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _class_facts(head: ClassHeading) -> list[str]:
    return [
        f"培训班：{head.cohort} {head.course}　职业（工种）及等级：{head.occupation}",
        f"培训地点：{head.county} {head.site}　培训时间：{head.period}　授课教师：{head.trainers}",
    ]


def sign_in_xlsx(sheets: Sequence[SignInSheet]) -> bytes:
    """One worksheet per session (in the order given), each to print on A4 portrait."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for number, sheet in enumerate(sheets, 1):
        page = book.create_sheet(f"{number:02d} {sheet.day.split('（')[0]}"[:31])
        head = sheet.head
        top = _title(
            page,
            f"{head.centre} 职业技能培训签到表",
            [
                f"培训班：{head.cohort} {head.course}　授课教师：{head.trainers}",
                f"日期：{sheet.day}　时间：{sheet.time}（{sheet.hours} 课时）　内容：{sheet.topic}",
                f"地点：{head.county} {sheet.place}　手机签到：{sheet.checkin_url}",
            ],
            len(contents.SIGN_IN_HEADERS),
        )
        rows = [[n, name, masked, "", "", "", "", ""] for n, name, masked in sheet.lines]
        _table(page, top, contents.SIGN_IN_HEADERS, rows, SIGN_IN_WIDTHS)
        for offset in range(1, len(rows) + 1):
            page.row_dimensions[top + offset].height = 24  # room to sign
        _page(page, landscape=False)
    if not sheets:
        book.create_sheet("签到表")
    return _saved(book)


def attendance_xlsx(grid: AttendanceGrid) -> bytes:
    """Every trainee × every session on one worksheet (a spreadsheet has no page width to keep to)."""
    book, page = _book("考勤汇总表")
    headers = [
        "序号",
        "姓名",
        "身份证号码",
        *[f"{c.day} {c.time}（{c.hours}）" for c in grid.columns],
        "实到课时",
        "应到课时",
        "出勤率",
        f"达到{grid.minimum_pct}%",
    ]
    top = _title(
        page,
        f"{grid.head.centre} 职业技能培训考勤汇总表",
        [*_class_facts(grid.head), f"已上 {grid.held} 次课；{contents.LEGEND}"],
        len(headers),
    )
    rows = [
        [r.number, r.name, r.masked_id, *[m.replace(contents.NOT_HELD, "") for m in r.marks]]
        + [r.attended, r.scheduled, r.percent, r.meets]
        for r in grid.rows
    ]
    widths = [6, 10, 21, *[7] * len(grid.columns), 9, 9, 9, 9]
    _table(page, top, headers, rows, widths)
    _page(page, landscape=True)
    return _saved(book)


def results_xlsx(rows: Sequence[ResultRow], head: ClassHeading) -> bytes:
    book, page = _book("成绩单及颁证花名册")
    top = _title(
        page, f"{head.centre} 职业技能培训成绩单及颁证花名册", _class_facts(head), len(contents.RESULTS_HEADERS)
    )
    cells = [
        [
            r.number,
            r.name,
            r.masked_id,
            r.theory,
            r.practical,
            r.result,
            "\n".join(r.kinds),
            "\n".join(r.numbers),
            "\n".join(r.issued_on),
            "\n".join(r.issuers),
        ]
        for r in rows
    ]
    _table(page, top, contents.RESULTS_HEADERS, cells, RESULTS_WIDTHS)
    _page(page, landscape=True)
    return _saved(book)


def roster_xlsx(rows: Sequence[Sequence], head: ClassHeading) -> bytes:
    book, page = _book("学员花名册")
    top = _title(page, f"{head.centre} 职业技能培训学员花名册", _class_facts(head), len(contents.ROSTER_HEADERS))
    _table(page, top, contents.ROSTER_HEADERS, rows, ROSTER_WIDTHS)
    _page(page, landscape=True)
    return _saved(book)
