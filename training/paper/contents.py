"""What each of a class's papers says, in Chinese and already in the words it prints, from the records
(queries.py): the 签到表 of a session, the 考勤汇总表, the 成绩单 / 颁证花名册 and the 学员花名册 of a
cohort. The PDF (documents.py) and the workbook (sheets.py) of a document print the same rows.

They are papers filed with the bureau and signed in class, so they are in Chinese whatever the
reader's language, like the certificate and the claim's documents. No full ID number is on any:
an ID number is masked (identity.mask_id_number), a phone too (identity.mask_phone). Attendance
is judged by the completion rule (completion.tally, meets_minimum): hours of held sessions only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from training.certificates.issuing import LEVEL_NAMES
from training.claims.documents import CERTIFICATE_KINDS, SEXES
from training.completion import SessionMark, attendance_rate, format_percent, format_score, is_held, meets_minimum
from training.completion import tally as tally_hours
from training.identity import mask_id_number, mask_phone
from training.models import ClassSession, Cohort
from training.paper.queries import CohortRecords, Person
from training.reports.definitions import NAMES
from training.trainees.category_evidence import mask_evidence

WEEKDAYS = "一二三四五六日"
SESSION_KINDS = {"theory": "理论", "practice": "实操"}
# A mark as the 考勤汇总表 prints it; a held session without a mark counts as not attended. Every
# one is a full-width character, one em wide, so that a row's marks print as one line of text in
# even columns (documents.GridTable).
MARKS = {"present": "到", "late": "迟", "absent": "缺", "excused": "假"}
UNMARKED = "－"
NOT_HELD = "　"
LEGEND = "到 出勤　迟 迟到　缺 缺勤　假 请假　－ 未记录　空白 尚未上课"
# Sessions side by side in one table of the 考勤汇总表: more go into a further table (the names again).
SESSIONS_PER_TABLE = 20

SIGN_IN_HEADERS = ["序号", "姓名", "身份证号码", "签到签名", "签到时间", "签退签名", "签退时间", "备注"]
RESULTS_HEADERS = [
    "序号",
    "姓名",
    "身份证号码",
    "理论成绩",
    "实操成绩",
    "结果",
    "证书类型",
    "证书编号",
    "发证日期",
    "发证机构",
]
ROSTER_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "身份证号码",
    "文化程度",
    "户籍所在地",
    "现住址（安置点）",
    "联系电话",
    "人员类别（证明）",
    "本年度补贴培训次数",
    "订单就业单位",
    "本人签名",
]


def chinese_day(day: date | None, weekday: bool = False) -> str:
    if day is None:
        return ""
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}（星期{WEEKDAYS[day.weekday()]}）" if weekday else text


def occupation_and_level(occupation: str, level: int | None) -> str:
    return f"{occupation}（{LEVEL_NAMES[level]}）" if level in LEVEL_NAMES else occupation


def hours_text(hours: Decimal) -> str:
    return format_score(Decimal(hours))


@dataclass(frozen=True)
class ClassHeading:
    """What every paper of a class says of it."""

    centre: str
    cohort: str
    course: str
    occupation: str
    county: str
    site: str
    period: str
    trainers: str
    employer: str
    printed_on: str


def class_heading(cohort: Cohort, centre: str, today: date) -> ClassHeading:
    return ClassHeading(
        centre=centre,
        cohort=cohort.code,
        course=cohort.course.name,
        occupation=occupation_and_level(cohort.course.occupation, cohort.course.level),
        county=cohort.county.name if cohort.county else cohort.county_code,
        site=cohort.site_name,
        period=f"{chinese_day(cohort.start_date)}至{chinese_day(cohort.end_date)}",
        trainers="、".join(t.display_name or t.username for t in cohort.trainers) or "",
        employer=cohort.employer.name if cohort.employer else "",
        printed_on=chinese_day(today),
    )


# ---------------------------------------------------------------- 签到表


@dataclass(frozen=True)
class SignInSheet:
    """One session's sign-in sheet: the class, when and where, and a line to sign per trainee."""

    head: ClassHeading
    day: str
    time: str
    hours: str
    topic: str
    place: str
    lines: list[tuple[int, str, str]]  # (no., name, masked ID number)
    checkin_url: str

    @property
    def title(self) -> str:
        return f"{self.head.cohort} {self.day}"


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def sign_in_sheet(
    session: ClassSession, people: Sequence[Person], *, centre: str, zone: ZoneInfo, today: date, checkin_url: str
) -> SignInSheet:
    starts, ends = local(session.starts_at, zone), local(session.ends_at, zone)
    kind = SESSION_KINDS.get(session.kind, session.kind)
    return SignInSheet(
        head=class_heading(session.cohort, centre, today),
        day=chinese_day(starts.date(), weekday=True),
        time=f"{starts:%H:%M}–{ends:%H:%M}",
        hours=hours_text(session.hours),
        topic=f"{session.topic}（{kind}）" if session.topic else kind,
        place=session.location or session.cohort.site_name,
        lines=[(n, p.trainee.name, mask_id_number(p.trainee.id_number)) for n, p in enumerate(people, 1)],
        checkin_url=checkin_url,
    )


# ---------------------------------------------------------------- 考勤汇总表


@dataclass(frozen=True)
class SessionColumn:
    day: str  # 3/2
    time: str  # 08:30
    hours: str
    held: bool


@dataclass(frozen=True)
class GridRow:
    number: int
    name: str
    masked_id: str
    marks: list[str]  # one per session, in the order of the columns (NOT_HELD for those to come)
    attended: str
    scheduled: str
    percent: str
    meets: str


@dataclass(frozen=True)
class AttendanceGrid:
    """Every trainee × every session, with the hours and the completion rule's minimum."""

    head: ClassHeading
    columns: list[SessionColumn]
    rows: list[GridRow]
    minimum_pct: int
    held: int  # sessions held so far

    @property
    def parts(self) -> list[range]:
        """The session columns each table holds: SESSIONS_PER_TABLE at most, the tables evenly filled
        (25 sessions: 13 and 12, not 20 and 5); the totals go in the last table."""
        count = len(self.columns)
        if not count:
            return [range(0)]
        tables = -(-count // SESSIONS_PER_TABLE)
        size = -(-count // tables)
        return [range(start, min(start + size, count)) for start in range(0, count, size)]


def attendance_grid(records: CohortRecords, *, centre: str, zone: ZoneInfo, now: datetime) -> AttendanceGrid:
    cohort, sessions = records.cohort, records.sessions
    minimum = cohort.course.min_attendance_pct
    held = [is_held(s.starts_at, now) for s in sessions]
    rows = []
    for number, person in enumerate(records.people, 1):
        marks = [
            SessionMark(s.starts_at, s.hours, person.marks.get(s.id), signout_required=s.id in person.awaiting_signout)
            for s in sessions
        ]
        hours = tally_hours(marks, now)
        if hours.scheduled:
            percent = format_percent(attendance_rate(hours.attended, hours.scheduled)) + "%"
            meets = "是" if meets_minimum(hours.attended, hours.scheduled, minimum) else "否"
        else:
            percent, meets = "—", "—"
        rows.append(
            GridRow(
                number=number,
                name=person.trainee.name,
                masked_id=mask_id_number(person.trainee.id_number),
                marks=[
                    MARKS.get(m.status or "", UNMARKED) if was_held else NOT_HELD
                    for m, was_held in zip(marks, held, strict=True)
                ],
                attended=hours_text(hours.attended),
                scheduled=hours_text(hours.scheduled),
                percent=percent,
                meets=meets,
            )
        )
    columns = [
        SessionColumn(
            day=f"{local(s.starts_at, zone).month}/{local(s.starts_at, zone).day}",
            time=f"{local(s.starts_at, zone):%H:%M}",
            hours=hours_text(s.hours),
            held=was_held,
        )
        for s, was_held in zip(sessions, held, strict=True)
    ]
    return AttendanceGrid(class_heading(cohort, centre, now.astimezone(zone).date()), columns, rows, minimum, sum(held))


# ---------------------------------------------------------------- 成绩单 / 颁证花名册


@dataclass(frozen=True)
class ResultRow:
    number: int
    name: str
    masked_id: str
    theory: str
    practical: str
    result: str
    kinds: list[str]
    numbers: list[str]
    issued_on: list[str]
    issuers: list[str]


def result_rows(records: CohortRecords) -> list[ResultRow]:
    statuses = NAMES["zh"]["status"]
    rows = []
    for number, person in enumerate(records.people, 1):
        enrollment, certificates = person.enrollment, person.certificates
        rows.append(
            ResultRow(
                number=number,
                name=person.trainee.name,
                masked_id=mask_id_number(person.trainee.id_number),
                theory=format_score(enrollment.theory_score) if enrollment.theory_score is not None else "",
                practical=format_score(enrollment.practical_score) if enrollment.practical_score is not None else "",
                result=statuses.get(enrollment.status, enrollment.status),
                kinds=[CERTIFICATE_KINDS.get(c.kind, c.kind) for c in certificates],
                numbers=[c.number for c in certificates],
                issued_on=[chinese_day(c.issued_on) for c in certificates],
                issuers=[c.issuer for c in certificates],
            )
        )
    return rows


# ---------------------------------------------------------------- 学员花名册


def _categories(person: Person) -> list[str]:
    names = NAMES["zh"]["category"]
    found = []
    for category in sorted(person.trainee.categories, key=lambda c: c.category):
        name = names.get(category.category, category.category)
        found.append(f"{name}（{mask_evidence(category.evidence)}）" if category.evidence else name)
    return found


def roster_rows(records: CohortRecords) -> list[list]:
    """The 学员花名册's cells in the order of ROSTER_HEADERS; what the records do not hold (民族,
    户籍所在地) and the signature are left blank, to be filled in by hand."""
    employer = records.cohort.employer.name if records.cohort.employer else ""
    rows: list[list] = []
    for number, person in enumerate(records.people, 1):
        trainee = person.trainee
        county = trainee.county.name if trainee.county else ""
        rows.append(
            [
                number,
                trainee.name,
                SEXES.get(trainee.gender, ""),
                "",
                f"{trainee.birth_date:%Y-%m-%d}",
                mask_id_number(trainee.id_number),
                trainee.education,
                "",
                "".join(part for part in (county, trainee.town, trainee.village) if part),
                mask_phone(trainee.phone),
                "\n".join(_categories(person)),
                person.subsidised_this_year,
                employer,
                "",
            ]
        )
    return rows
