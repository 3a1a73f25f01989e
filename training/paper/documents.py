"""A class's paper as PDF, A4, through the one renderer (certificates.pdf: our static files only, the
CJK font fontconfig knows), and a cohort's whole set as one ZIP with the workbooks beside them.

The 签到表's QR code leads to the check-in page where a trainee types the six digits the trainer's
screen shows (attendance.checkin_code). It is not one of the rotating tokens of the trainer's
screen (attendance.checkin): a printed token would be dead a minute after printing, and one made
to last would let anyone with a photo of the sheet check in from home; the typed code keeps the
rotation's guarantee."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import segno
from flask import current_app

from training.certificates import pdf
from training.paper import contents, sheets
from training.paper.contents import AttendanceGrid, SignInSheet
from training.paper.queries import CohortRecords, SessionRecords

PDF = "application/pdf"
XLSX = sheets.XLSX
ZIP = "application/zip"


@dataclass(frozen=True)
class Settings:
    """What the papers take from the app's settings: the centre's name (CENTRE_NAME, the claim
    documents' too), the local time zone, and the public address the QR code leads to."""

    centre: str
    zone: ZoneInfo
    checkin_url: str

    @classmethod
    def of_app(cls, checkin_path: str) -> Settings:
        config = current_app.config
        return cls(
            centre=config["CENTRE_NAME"],
            zone=ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"]),
            checkin_url=config["PUBLIC_BASE_URL"].rstrip("/") + checkin_path,
        )


def qr_src(url: str) -> str:
    """The QR code of `url` as a PNG data: URI, drawn as the certificates draw theirs (pdf.qr_png)."""
    matrix = segno.make(url, error="m", micro=False, mask=pdf.MASK).matrix
    return "data:image/png;base64," + base64.b64encode(pdf.qr_png(matrix)).decode("ascii")


def _render(template: str, **context) -> bytes:
    # The app's Jinja environment but no request: the bench renders these too.
    html = current_app.jinja_env.get_template(template).render(static_url=pdf.static_url, **context)
    return pdf.write_pdf(html)


def sign_in_pdf(sheet: SignInSheet) -> bytes:
    """The 签到表: A4 portrait, about 30 lines a page, the header repeated, 第 N 页 共 M 页."""
    return _render("paper/sign_in.html", sheet=sheet, headers=contents.SIGN_IN_HEADERS, qr=qr_src(sheet.checkin_url))


# The 考勤汇总表's geometry, in mm of the 273 between the margins of A4 landscape: 序号, 姓名, 身份证号码,
# then the sessions' columns sharing what is left, then the four totals in the last table.
GRID_MM = 273
IDENTITY_MM = (7, 18, 29)
TOTAL_MM = 11
MARK_PT = 7  # the marks' font size: one em of a full-width mark, in pt


@dataclass(frozen=True)
class GridTable:
    """One table of the 考勤汇总表: some sessions' columns, and each row's marks in them as one line.

    Laying out a table cell costs WeasyPrint about a millisecond (its style, its line, its borders,
    and more for a background), so a row's marks are one cell, not one per session: full-width
    characters spaced one column apart, the column lines drawn by one gradient of the table's.
    That lays out 60 × 16 in a third of the time, looking the same and reading the same in text."""

    grid: AttendanceGrid
    sessions: range
    last: bool

    @property
    def mark_mm(self) -> float:
        rest = GRID_MM - sum(IDENTITY_MM) - (4 * TOTAL_MM if self.last else 0)
        return round(rest / max(len(self.sessions), 1), 3)

    @property
    def marks_style(self) -> str:
        em = MARK_PT * 25.4 / 72
        gap = self.mark_mm - em
        return f"font-size: {MARK_PT}pt; letter-spacing: {gap:.3f}mm; padding-left: {gap / 2:.3f}mm"

    @property
    def lines_style(self) -> str:
        """The lines between the sessions' columns, as the table's background."""
        start = sum(IDENTITY_MM)
        stops = ["transparent 0"]
        for k in range(1, len(self.sessions)):
            x = start + k * self.mark_mm
            stops.append(
                f"transparent {x - 0.125:.3f}mm, #52606d {x - 0.125:.3f}mm, #52606d {x + 0.125:.3f}mm, "
                f"transparent {x + 0.125:.3f}mm"
            )
        return f"background: linear-gradient(to right, {', '.join(stops)}) no-repeat"

    def marks(self, row: contents.GridRow) -> str:
        return "".join(row.marks[i] for i in self.sessions)


def attendance_pdf(grid: AttendanceGrid) -> bytes:
    """The 考勤汇总表: A4 landscape, up to SESSIONS_PER_TABLE sessions a table, the names repeated."""
    parts = grid.parts
    tables = [GridTable(grid, part, n == len(parts) - 1) for n, part in enumerate(parts)]
    return _render(
        "paper/attendance.html",
        grid=grid,
        tables=tables,
        legend=contents.LEGEND,
        identity_mm=IDENTITY_MM,
        total_mm=TOTAL_MM,
    )


def results_pdf(records: CohortRecords, head: contents.ClassHeading) -> bytes:
    """The 成绩单 / 颁证花名册: A4 landscape."""
    course = records.cohort.course
    return _render(
        "paper/results.html",
        head=head,
        headers=contents.RESULTS_HEADERS,
        rows=contents.result_rows(records),
        pass_score=course.pass_score,
        minimum_pct=course.min_attendance_pct,
    )


def roster_pdf(records: CohortRecords, head: contents.ClassHeading) -> bytes:
    """The 学员花名册: A4 landscape, the filing's columns, blank where the records hold nothing."""
    return _render("paper/roster.html", head=head, headers=contents.ROSTER_HEADERS, rows=contents.roster_rows(records))


# ---------------------------------------------------------------- a cohort's documents by name

# name in the URL → the title its file is named by
COHORT_DOCUMENTS = {
    "attendance.pdf": "考勤汇总表",
    "attendance.xlsx": "考勤汇总表",
    "results.pdf": "成绩单及颁证花名册",
    "results.xlsx": "成绩单及颁证花名册",
    "roster.pdf": "学员花名册",
    "roster.xlsx": "学员花名册",
    "sign-in.xlsx": "签到表",
}


def mimetype(name: str) -> str:
    return PDF if name.endswith(".pdf") else XLSX


def _grid(records: CohortRecords, settings: Settings, now: datetime) -> AttendanceGrid:
    return contents.attendance_grid(records, centre=settings.centre, zone=settings.zone, now=now)


def _head(records: CohortRecords, settings: Settings, now: datetime) -> contents.ClassHeading:
    return contents.class_heading(records.cohort, settings.centre, now.astimezone(settings.zone).date())


def sign_in_sheets(records: CohortRecords, settings: Settings, now: datetime) -> list[SignInSheet]:
    """Every session's 签到表, in the order of the timetable."""
    today = now.astimezone(settings.zone).date()
    return [
        contents.sign_in_sheet(
            session,
            records.people,
            centre=settings.centre,
            zone=settings.zone,
            today=today,
            checkin_url=settings.checkin_url,
        )
        for session in records.sessions
    ]


def session_sign_in(records: SessionRecords, settings: Settings, now: datetime) -> SignInSheet:
    """The 签到表 of the session alone."""
    return contents.sign_in_sheet(
        records.session,
        records.people,
        centre=settings.centre,
        zone=settings.zone,
        today=now.astimezone(settings.zone).date(),
        checkin_url=settings.checkin_url,
    )


def cohort_document(records: CohortRecords, name: str, settings: Settings, now: datetime) -> bytes:
    """The document named `name` (a key of COHORT_DOCUMENTS); KeyError for another."""
    makers: dict[str, Callable[[], bytes]] = {
        "attendance.pdf": lambda: attendance_pdf(_grid(records, settings, now)),
        "attendance.xlsx": lambda: sheets.attendance_xlsx(_grid(records, settings, now)),
        "results.pdf": lambda: results_pdf(records, _head(records, settings, now)),
        "results.xlsx": lambda: sheets.results_xlsx(contents.result_rows(records), _head(records, settings, now)),
        "roster.pdf": lambda: roster_pdf(records, _head(records, settings, now)),
        "roster.xlsx": lambda: sheets.roster_xlsx(contents.roster_rows(records), _head(records, settings, now)),
        "sign-in.xlsx": lambda: sheets.sign_in_xlsx(sign_in_sheets(records, settings, now)),
    }
    return makers[name]()


def file_name(code: str, name: str) -> str:
    return f"{COHORT_DOCUMENTS[name]}-{code}.{name.rsplit('.', 1)[1]}"


def session_file_name(sheet: SignInSheet, number: int | None, extension: str) -> str:
    """签到表-<class>-<no.>-<date>.pdf: a number when the sheet is one of the set."""
    day = sheet.day.split("（")[0]
    numbered = f"-{number:02d}" if number is not None else ""
    return f"签到表-{sheet.head.cohort}{numbered}-{day}.{extension}"


def cohort_zip(records: CohortRecords, settings: Settings, now: datetime) -> bytes:
    """All of a class's paper: each session's 签到表 (PDF; one workbook of a sheet per session), the
    考勤汇总表, the 成绩单 / 颁证花名册 and the 学员花名册 (PDF and xlsx), in a folder named after the class."""
    folder = f"{records.cohort.code}-培训资料"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, sheet in enumerate(sign_in_sheets(records, settings, now), 1):
            archive.writestr(f"{folder}/签到表/{session_file_name(sheet, number, 'pdf')}", sign_in_pdf(sheet))
        for name in COHORT_DOCUMENTS:
            content = cohort_document(records, name, settings, now)
            archive.writestr(f"{folder}/{file_name(records.cohort.code, name)}", content)
    return buffer.getvalue()
