"""A filing's 开班申请表, from its snapshot as it stands (the approved one with its changes), in
Chinese, with the centre's name: a PDF to print and file (ID numbers and phones masked) and an
.xlsx for the bureau's real-name check (full ID numbers: reading it is audited, as the claims'
.xlsx roster is). The PDF goes through the one module that renders PDFs (certificates/pdf.py)."""

from __future__ import annotations

import io
from datetime import date

from flask import current_app
from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.styles import Font

from training.certificates import pdf
from training.document_words import SESSION_KINDS, SEXES, SITE_KINDS, TRAINING_TYPES, day, occupation_and_level
from training.filing import changes
from training.identity import mask_id_number, mask_phone
from training.models import Filing, FilingStatus, User
from training.reports.definitions import NAMES
from training.reports.exports import neutralised_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
DOCUMENTS = {"application.pdf": PDF, "application.xlsx": XLSX}
FULL_ID_DOCUMENTS = frozenset({"application.xlsx"})
TITLE = "开班申请表"
STATUS_NAMES = {"draft": "草稿", "submitted": "待审核", "returned": "已退回", "approved": "已备案"}
ROSTER_HEADERS = ["序号", "姓名", "性别", "出生日期", "身份证号码", "联系电话", "文化程度", "住址", "人员类别", "备注"]
# The PDF's, in mm: 186 mm between the margins of A4.
ROSTER_WIDTHS = [8, 14, 7, 17, 32, 22, 14, 26, 22, 24]
TIMETABLE_HEADERS = ["序号", "日期", "时间", "学时", "类别", "内容", "地点"]


def _name(user: User | None) -> str:
    return (user.display_name or user.username) if user else ""


def _date(iso: str | None) -> str:
    return day(date.fromisoformat(iso)) if iso else ""


def facts(filing: Filing, people: dict[int, User], today: date) -> dict:
    """The form's head: who files what class, where, when, how it is assessed, who committed to hire."""
    s = changes.baseline(filing) if filing.status == FilingStatus.APPROVED else filing.snapshot
    course, klass, standard = s["course"], s["class"], s["standard"]
    daily = klass["daily_hours"]
    employer = s["employer"]
    return {
        "centre": current_app.config["CENTRE_NAME"],
        "phone": current_app.config["CENTRE_PHONE"],
        "cohort": klass["code"],
        "status": STATUS_NAMES.get(filing.status, filing.status),
        "course": f"{course['code']} {course['name']}",
        "occupation": occupation_and_level(course["occupation"], course["level"]),
        "training_type": TRAINING_TYPES.get(klass["training_type"], klass["training_type"]),
        "headcount": f"{len(s['roster'])} 人（计划 {klass['capacity']} 人）",
        "hours": f"共 {klass['total_hours']} 学时：理论 {klass['theory_hours']}，实操 {klass['practice_hours']}"
        f"（课程要求 {course['total_hours']} 学时）",
        "period": f"{_date(klass['start_date'])}至{_date(klass['end_date'])}，{klass['days']} 天",
        "daily": (f"每天 {daily[0]} 学时" if daily[0] == daily[-1] else f"每天 {daily[0]}–{daily[-1]} 学时")
        if daily
        else "",
        "site": f"{klass['county']} {klass['site_name']}（{SITE_KINDS.get(klass['site_kind'], klass['site_kind'])}）",
        "address": "；".join([klass.get("site_address") or "", *klass.get("locations", [])]).strip("；"),
        "standard": f"{standard['yuan']} 元/人（最低 {standard['min_hours']} 学时）" if standard else "",
        "assessment": s["assessment"]["method"],
        "assessor": s["assessment"]["assessor"],
        "employer": f"{employer['name']}（{employer['uscc']}），承诺吸纳 {employer['places']} 人" if employer else "",
        "deadline": day(filing.deadline),
        "late": filing.late_reason if filing.late else "",
        "preparer": _name(people.get(filing.prepared_by_id)),
        "reviewer": _name(people.get(filing.reviewed_by_id or 0)) if filing.status == FilingStatus.APPROVED else "",
        "reviewed_on": day(filing.reviewed_at.date()) if filing.reviewed_at and filing.status == "approved" else "",
        "printed_on": day(today),
        "snapshot": s,
    }


def roster_rows(snapshot: dict, *, full: bool) -> list[list]:
    categories = NAMES["zh"]["category"]
    rows = []
    for number, p in enumerate(snapshot["roster"], 1):
        rows.append(
            [
                number,
                p["name"],
                SEXES.get(p["gender"], ""),
                p["birth_date"],
                p["id_number"] if full else mask_id_number(p["id_number"]),
                p["phone"] if full else mask_phone(p["phone"]),
                p["education"],
                f"{p['town']}{p['village']}",
                "、".join(categories.get(c, c) for c in p["categories"]),
                f"与其他培训班时间重叠：{p['overlap_reason']}" if p["overlap_reason"] else "",
            ]
        )
    return rows


def timetable_rows(snapshot: dict) -> list[list]:
    return [
        [
            n,
            r["date"],
            f"{r['starts']}–{r['ends']}",
            r["hours"],
            SESSION_KINDS.get(r["kind"], r["kind"]),
            r["topic"],
            r["location"],
        ]
        for n, r in enumerate(snapshot["timetable"], 1)
    ]


def application_pdf(filing: Filing, people: dict[int, User], today: date) -> bytes:
    head = facts(filing, people, today)
    s = head["snapshot"]
    html = current_app.jinja_env.get_template("filing/documents/application.html").render(
        static_url=pdf.static_url,
        head=head,
        timetable=timetable_rows(s),
        timetable_headers=TIMETABLE_HEADERS,
        trainers=s["trainers"],
        roster=roster_rows(s, full=False),
        roster_headers=ROSTER_HEADERS,
        roster_widths=ROSTER_WIDTHS,
        changes=[(c, [changes.describe(d) for d in changes.differences_of(c)]) for c in filing.changes],
    )
    return pdf.write_pdf(html)


def application_xlsx(filing: Filing, people: dict[int, User], today: date) -> bytes:
    head = facts(filing, people, today)
    s = head["snapshot"]
    book = Workbook()
    sheet = book.create_sheet(TITLE, 0)
    book.remove(book.worksheets[1])  # the empty sheet a new workbook starts with
    bold = Font(bold=True)
    sheet.append(neutralised_row([f"{head['centre']} {TITLE}"]))
    sheet["A1"].font = bold
    lines = [
        ("培训班", head["cohort"]),
        ("状态", head["status"]),
        ("培训项目", head["course"]),
        ("职业（工种）及等级", head["occupation"]),
        ("培训类型", head["training_type"]),
        ("培训人数", head["headcount"]),
        ("课时", head["hours"]),
        ("培训时间", head["period"]),
        ("每日学时", head["daily"]),
        ("培训地点", head["site"]),
        ("地址", head["address"]),
        ("补贴标准", head["standard"]),
        ("考核方式", head["assessment"]),
        ("评价机构", head["assessor"]),
        ("订单企业", head["employer"]),
        ("备案截止日", head["deadline"]),
        ("逾期原因", head["late"]),
        ("联系电话", head["phone"]),
    ]
    for label, value in lines:
        sheet.append(neutralised_row([label, value]))
    for title, headers, rows in (
        ("教学计划", TIMETABLE_HEADERS, timetable_rows(s)),
        (
            "授课师资",
            ["序号", "姓名", "资质（证书编号）"],
            [[n, t["name"], t["qualification"]] for n, t in enumerate(s["trainers"], 1)],
        ),
        ("学员花名册", ROSTER_HEADERS, roster_rows(s, full=True)),
    ):
        sheet.append([])
        sheet.append([title])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(headers)
        for row in rows:
            sheet.append(neutralised_row(row))
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(filing: Filing, name: str, people: dict[int, User], today: date) -> bytes:
    """The document named `name` (a key of DOCUMENTS); words made through the catalog are the centre's language."""
    makers = {"application.pdf": application_pdf, "application.xlsx": application_xlsx}
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return makers[name](filing, people, today)


def file_name(filing: Filing, name: str) -> str:
    return f"{TITLE}-{changes.baseline(filing)['class']['code']}.{name.rsplit('.', 1)[1]}"
