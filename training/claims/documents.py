"""A claim's documents, in Chinese, all from its snapshot (the Claim and its ClaimLine rows): the
补贴人员名册 as .xlsx (full ID numbers: it is for the payer) and as PDF (ID numbers masked), the
公示名单 (PDF, names and ID numbers masked, for the public) and, once the claim is approved, the
审核报告 (PDF). They are official papers filed with the bureau, so they are printed in Chinese
whatever the reader's language, like the certificate.

The lines a roster and a notice list are the claimed ones (eligible when prepared, no objection
upheld, not rejected in review: review_facts.why_not_claimed); their total is the sum of their
amounts."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale

from training.certificates import pdf
from training.claims.review_facts import claimed_lines, review_facts
from training.document_words import SEXES, TRAINING_TYPES, occupation_and_level
from training.document_words import day as _day
from training.identity import mask_id_number, mask_name_public
from training.models import Claim, ClaimStatus
from training.reports.definitions import NAMES
from training.reports.exports import neutralised_row
from training.reports.xlsx import StreamingWorkbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
# name in the URL → (title, mimetype); the file's name is "<title>-<cohort code>.<ext>".
DOCUMENTS = {
    "roster.xlsx": ("补贴人员名册", XLSX),
    "roster.pdf": ("补贴人员名册", PDF),
    "notice.pdf": ("公示名单", PDF),
    "review.pdf": ("审核报告", PDF),
}
# Documents that hold full ID numbers: reading one is audited.
FULL_ID_DOCUMENTS = frozenset({"roster.xlsx"})
# The 审核报告 reports a review that has ended in an approval.
REVIEWED = (ClaimStatus.APPROVED, ClaimStatus.PAID)
CERTIFICATE_KINDS = {
    "own": "结业证书",
    "skill_level": "职业技能等级证书",
    "special_ability": "专项职业能力证书",
    "special_operation": "特种作业操作证",
}
STATUS_NAMES = {
    "draft": "草稿",
    "submitted": "已提交",
    "notice": "公示中",
    "review": "审核中",
    "approved": "已核准",
    "paid": "已拨付",
    "returned": "已退回",
}
ROSTER_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "身份证号码",
    "人员类别",
    "培训职业（工种）及等级",
    "证书类型",
    "证书编号",
    "实到课时",
    "出勤率（%）",
    "就业单位",
    "就业时间",
    "补贴标准（元）",
    "就业率档次（%）",
    "补贴金额（元）",
]
ROSTER_WIDTHS = [6, 10, 6, 21, 16, 22, 16, 26, 9, 10, 26, 12, 13, 13, 13]  # .xlsx, in characters
# The PDF's, in mm: 273 mm between the margins of A4 landscape.
ROSTER_PDF_WIDTHS = [9, 15, 8, 31, 18, 30, 19, 34, 12, 12, 26, 17, 14, 12, 16]
CENT = Decimal("0.01")


class DocumentNotReady(Exception):
    """The document does not exist for the claim as it stands (the review report before approval)."""


@dataclass(frozen=True)
class RosterRow:
    """One claimed line as the roster prints it, its fields in the order of ROSTER_HEADERS."""

    number: int
    name: str
    sex: str
    id_number: str
    categories: str
    occupation: str
    certificate_kind: str
    certificate_number: str
    hours_attended: Decimal
    attended_pct: Decimal
    employer: str
    employment_start: str
    standard: Decimal
    tier: int
    amount: Decimal

    def cells(self, *, full_id: bool) -> list:
        """The row's cells in the order of ROSTER_HEADERS (the order of the fields)."""
        values = list(astuple(self))
        if not full_id:
            values[3] = mask_id_number(self.id_number)
        return values


@dataclass(frozen=True)
class Heading:
    """What every document says about its claim and class."""

    centre: str
    phone: str
    claim: str
    status: str
    cohort: str
    course: str
    occupation: str
    county: str
    site: str
    period: str
    training_type: str
    measured_on: str
    completed: int
    employed: int
    rate: str
    tier: int
    standard: Decimal
    notice: str  # its dates, or empty while they are not set
    printed_on: str


def roster_rows(claim: Claim) -> list[RosterRow]:
    kinds, categories = NAMES["zh"]["kind"], NAMES["zh"]["category"]
    rows = []
    for number, line in enumerate(claimed_lines(claim), 1):
        s = line.snapshot
        employer = s.get("employer") or kinds.get(s.get("employment_kind") or "", "")
        rows.append(
            RosterRow(
                number=number,
                name=s["name"],
                sex=SEXES.get(s.get("gender") or "", ""),
                id_number=s["id_number"],
                categories="、".join(categories.get(c, c) for c in s.get("categories") or ()),
                occupation=occupation_and_level(s["occupation"], s.get("level")),
                certificate_kind=CERTIFICATE_KINDS.get(s.get("certificate_kind") or "", ""),
                certificate_number=s.get("certificate_number") or "",
                hours_attended=Decimal(s.get("hours_attended") or 0),
                attended_pct=Decimal(s.get("attended_pct") or 0),
                employer=employer,
                employment_start=s.get("employment_start") or "",
                standard=claim.standard_yuan,
                tier=claim.tier_pct,
                amount=line.amount_yuan,
            )
        )
    return rows


def total_of(amounts: Sequence[Decimal]) -> Decimal:
    return sum(amounts, Decimal("0.00")).quantize(CENT, rounding=ROUND_HALF_UP)


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return f"{moment.astimezone(ZoneInfo(current_app.config['BABEL_DEFAULT_TIMEZONE'])):%Y-%m-%d %H:%M}"


def heading(claim: Claim, today: date) -> Heading:
    cohort, course = claim.cohort, claim.cohort.course
    rate = (
        f"{(Decimal(claim.employed_count) * 100 / claim.completed_count).quantize(Decimal('0.1'))}%"
        if claim.completed_count
        else "—"
    )
    if claim.notice_starts_on and claim.notice_ends_on:
        notice = f"{_day(claim.notice_starts_on)}至{_day(claim.notice_ends_on)}"
    else:
        notice = ""
    return Heading(
        centre=current_app.config["CENTRE_NAME"],
        phone=current_app.config["CENTRE_PHONE"],
        claim=f"第 {claim.id} 号（第 {claim.version} 版）",
        status=STATUS_NAMES.get(claim.status, claim.status),
        cohort=cohort.code,
        course=course.name,
        occupation=occupation_and_level(course.occupation, course.level),
        county=cohort.county.name if cohort.county else cohort.county_code,
        site=cohort.site_name,
        period=f"{_day(cohort.start_date)}至{_day(cohort.end_date)}",
        training_type=TRAINING_TYPES.get(cohort.training_type, cohort.training_type),
        measured_on=_day(claim.measured_on),
        completed=claim.completed_count,
        employed=claim.employed_count,
        rate=rate,
        tier=claim.tier_pct,
        standard=claim.standard_yuan,
        notice=notice,
        printed_on=_day(today),
    )


def _render(template: str, **context) -> bytes:
    # The app's Jinja environment but no request: the worker and the command line render these too.
    html = current_app.jinja_env.get_template(template).render(static_url=pdf.static_url, **context)
    return pdf.write_pdf(html)


def roster_xlsx(claim: Claim, today: date) -> bytes:
    """The 补贴人员名册 for the payer: full ID numbers (as text), a total row; every cell neutralised."""
    head, rows = heading(claim, today), roster_rows(claim)
    buffer = io.BytesIO()
    book = StreamingWorkbook(buffer)
    sheet = book.open_sheet("补贴人员名册", widths=ROSTER_WIDTHS)
    sheet.append_rows([neutralised_row([f"{head.centre} 职业培训补贴人员名册"])], bold=True)
    sheet.append_rows(
        [
            neutralised_row(
                [f"申领{head.claim}", f"培训班 {head.cohort} {head.course}", f"{head.county} {head.site}", head.period]
            ),
            neutralised_row(
                [
                    f"就业率 {head.employed}/{head.completed} = {head.rate}（测算日 {head.measured_on}）",
                    f"补贴标准 {head.standard} 元/人",
                    f"档次 {head.tier}%",
                ]
            ),
        ]
    )
    sheet.append_rows([ROSTER_HEADERS], bold=True)
    sheet.append_rows(neutralised_row(row.cells(full_id=True)) for row in rows)
    sheet.append_rows(
        [["合计", f"{len(rows)} 人", *[""] * 12, total_of([r.amount for r in rows])]],
        bold=True,
    )
    sheet.close()
    book.close()
    return buffer.getvalue()


def roster_pdf(claim: Claim, today: date) -> bytes:
    """The 补贴人员名册 to print and file: A4 landscape, ID numbers masked, a total row."""
    rows = roster_rows(claim)
    return _render(
        "claims/documents/roster.html",
        head=heading(claim, today),
        headers=ROSTER_HEADERS,
        widths=ROSTER_PDF_WIDTHS,
        rows=[row.cells(full_id=False) for row in rows],
        count=len(rows),
        total=total_of([r.amount for r in rows]),
        preparer=claim.prepared_by.display_name or claim.prepared_by.username,
    )


def notice_pdf(claim: Claim, today: date) -> bytes:
    """The 公示名单: masked names and ID numbers, occupation and level, amount, the notice's dates
    and the centre's phone for objections."""
    roster = roster_rows(claim)
    rows = [
        (row.number, mask_name_public(row.name), mask_id_number(row.id_number), row.occupation, row.amount)
        for row in roster
    ]
    return _render(
        "claims/documents/notice.html",
        head=heading(claim, today),
        rows=rows,
        total=total_of([r.amount for r in roster]),
    )


def review_pdf(claim: Claim, today: date) -> bytes:
    """The 审核报告 of an approved claim: who prepared and reviewed it and when, the lines approved
    and rejected (with the reasons, counted), the approved total. DocumentNotReady before approval."""
    if claim.status not in REVIEWED:
        raise DocumentNotReady("review.pdf")
    return _render(
        "claims/documents/review.html", head=heading(claim, today), facts=review_facts(claim), when=local_time
    )


def render(claim: Claim, name: str, today: date) -> bytes:
    """The document named `name` (a key of DOCUMENTS); KeyError for another name. Any word made
    through the catalog on the way (a reason's) is the centre's language, whoever asks."""
    makers = {"roster.xlsx": roster_xlsx, "roster.pdf": roster_pdf, "notice.pdf": notice_pdf, "review.pdf": review_pdf}
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return makers[name](claim, today)


def available(claim: Claim) -> list[str]:
    """The documents the claim has as it stands."""
    return [name for name in DOCUMENTS if name != "review.pdf" or claim.status in REVIEWED]


def file_name(claim: Claim, name: str) -> str:
    title = DOCUMENTS[name][0]
    return f"{title}-{claim.cohort.code}-v{claim.version}.{name.rsplit('.', 1)[1]}"
