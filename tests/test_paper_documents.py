"""A class's paper, read back: each PDF through pdftotext (every trainee's name and masked ID number,
never a full one), the 签到表's QR code through the decoder the certificates' tests use, the
workbooks through openpyxl; the attendance marks and the minimum as the completion rule has them;
and the statements the records cost, the same for 3 trainees as for 12."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest

from tests.support.statements import statements_sent
from training.certificates import qr
from training.extensions import db
from training.identity import mask_id_number
from training.models import CohortStatus, EnrollmentStatus, TraineeCategory
from training.paper import contents, documents, queries, sheets

FULL_ID = re.compile(r"\d{17}[\dX]")
NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
NAMES = ["王秀英", "欧阳明月", "李娜", "张三丰", "陈静"]


def pdftotext(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def workbook_rows(data: bytes, index: int = 0) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [tuple(row) for row in book.worksheets[index].iter_rows(values_only=True)]


@pytest.fixture
def settings(app):
    return documents.Settings(
        "安康市就业服务中心", documents.ZoneInfo("Asia/Shanghai"), "https://px.example.cn/checkin"
    )


@pytest.fixture
def klass(make):
    """A class of five with four sessions (three held by NOW), marks, scores and certificates."""
    trainer = make.user("trainer", display_name="李老师")
    employer = make.employer(name="上海足部修护连锁有限公司")
    cohort = make.cohort(
        trainers=[trainer],
        start_date=date(2026, 3, 2),
        status=CohortStatus.RUNNING,
        employer=employer,
        committed_placements=5,
    )
    cohort.course.min_attendance_pct = 75
    start = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # 08:30 in Ankang
    sessions = [make.session(cohort, starts_at=start + timedelta(days=7 * n), hours=4) for n in range(4)]
    people = [
        make.enrollment(
            cohort=cohort,
            trainee=make.trainee(
                name=name, phone=f"1380000{n:04d}", town="蒿坪镇", village="金川社区", education="初中"
            ),
            theory_score=Decimal("82.5"),
            practical_score=Decimal(70 + n),
        )
        for n, name in enumerate(NAMES)
    ]
    people.append(
        make.enrollment(cohort=cohort, status=EnrollmentStatus.WITHDRAWN, trainee=make.trainee(name="退学者"))
    )
    db.session.add(TraineeCategory(trainee=people[0].trainee, category="relocated", evidence="安置证 6109240012"))
    # 王秀英 all three held; 欧阳明月 late, absent, excused; the others present twice, one unmarked.
    for session in sessions[:3]:
        make.attendance(people[0], session)
    for session, status in zip(sessions, ["late", "absent", "excused"], strict=False):
        make.attendance(people[1], session, status=status)
    for person in people[2:5]:
        make.attendance(person, sessions[0])
        make.attendance(person, sessions[1])
    certificate = make.certificate(people[0])
    certificate.serial, certificate.snapshot = (
        "AK2026610924000001",
        {"issuer": "紫阳县人社局", "issued_on": "2026-03-30"},
    )
    make.external_certificate(people[0], number="S000061610924265000123", issued_on=date(2026, 4, 2))
    db.session.commit()
    return cohort, sessions, people[:5]


def test_the_sign_in_sheet_lists_every_trainee_with_a_masked_id_and_no_full_one(app, klass, settings):
    cohort, sessions, people = klass
    records = queries.session_records(sessions[0].id)
    text = pdftotext(documents.sign_in_pdf(documents.session_sign_in(records, settings, NOW)))

    for enrollment in people:
        assert enrollment.trainee.name in text
        assert mask_id_number(enrollment.trainee.id_number) in text
    assert "退学者" not in text  # withdrawn: not on the roster
    assert FULL_ID.search(text) is None
    for words in ("签到签名", "签到时间", "签退签名", "签退时间", "安康市就业服务中心", "李老师", "08:30–12:30"):
        assert words in text
    assert cohort.code in text and "2026年3月2日（星期一）" in text and cohort.site_name in text
    assert re.search(r"第\s*1\s*页\s*共\s*1\s*页", text)


def test_the_sign_in_sheet_qr_code_reads_as_the_check_in_page(app, klass, settings):
    records = queries.session_records(klass[1][0].id)

    assert qr.qr_texts(documents.sign_in_pdf(documents.session_sign_in(records, settings, NOW))) == [
        "https://px.example.cn/checkin"
    ]


def test_a_sign_in_sheet_of_sixty_takes_about_thirty_lines_a_page_with_the_header_on_each(app, make, settings):
    cohort = make.cohort()
    session = make.session(cohort, starts_at=NOW)
    for n in range(60):
        make.enrollment(cohort=cohort, trainee=make.trainee(name=f"学员{n:02d}"))
    db.session.commit()
    text = pdftotext(
        documents.sign_in_pdf(documents.session_sign_in(queries.session_records(session.id), settings, NOW))
    )
    pages = text.split("\f")[:-1]

    assert len(pages) == 2 and re.search(r"第\s*2\s*页\s*共\s*2\s*页", pages[1])
    assert all("签到签名" in page for page in pages)  # the header repeated
    lines = [len(re.findall(r"学员\d\d", page)) for page in pages]
    assert sum(lines) == 60 and all(25 <= n <= 35 for n in lines), lines
    assert cohort.code in pages[1]  # a loose second page still says which class it is


def test_the_attendance_grid_marks_each_session_and_judges_the_minimum_as_the_completion_rule(app, klass, settings):
    records = queries.cohort_records(klass[0].id)
    grid = contents.attendance_grid(records, centre=settings.centre, zone=settings.zone, now=NOW)
    rows = {row.name: row for row in grid.rows}

    assert [c.held for c in grid.columns] == [True, True, True, False]
    assert rows["王秀英"].marks == ["到", "到", "到", "　"]
    assert (rows["王秀英"].attended, rows["王秀英"].scheduled, rows["王秀英"].percent, rows["王秀英"].meets) == (
        "12",
        "12",
        "100%",
        "是",
    )
    assert rows["欧阳明月"].marks == ["迟", "缺", "假", "　"]
    assert (rows["欧阳明月"].percent, rows["欧阳明月"].meets) == ("33.3%", "否")
    assert rows["李娜"].marks == ["到", "到", "－", "　"] and rows["李娜"].meets == "否"  # 66.6 % < 75 %


def test_the_attendance_pdf_holds_every_name_masked_id_and_mark(app, klass, settings):
    cohort, _, people = klass
    text = pdftotext(documents.cohort_document(queries.cohort_records(cohort.id), "attendance.pdf", settings, NOW))

    for enrollment in people:
        assert enrollment.trainee.name in text and mask_id_number(enrollment.trainee.id_number) in text
    assert FULL_ID.search(text) is None
    assert re.search(r"欧阳明月\s+\S+\s+迟\s+缺\s+假\s+4\s+12\s+33\.3%\s+否", text)
    assert "不低于应到课时的 75%" in text


def test_a_cohort_of_many_sessions_prints_its_grid_in_tables_of_at_most_twenty(app, make, settings):
    cohort = make.cohort()
    start = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    for n in range(25):
        make.session(cohort, starts_at=start + timedelta(days=n))
    make.enrollment(cohort=cohort, trainee=make.trainee(name="王秀英"))
    db.session.commit()
    text = pdftotext(documents.cohort_document(queries.cohort_records(cohort.id), "attendance.pdf", settings, NOW))

    assert "第 1–13 次课（共 25 次）" in text and "第 14–25 次课（共 25 次）" in text
    assert text.count("王秀英") == 2 and text.count("出勤率") == 1


@pytest.mark.parametrize("count, tables", [(16, [16]), (20, [20]), (25, [13, 12]), (41, [14, 14, 13])])
def test_many_sessions_are_split_into_even_tables(count, tables):
    grid = contents.AttendanceGrid(None, [None] * count, [], 80, 0)  # type: ignore[arg-type]

    assert [len(part) for part in grid.parts] == tables


def test_the_results_pdf_has_scores_results_and_every_certificate(app, klass, settings):
    cohort, _, people = klass
    text = pdftotext(documents.cohort_document(queries.cohort_records(cohort.id), "results.pdf", settings, NOW))

    for enrollment in people:
        assert enrollment.trainee.name in text and mask_id_number(enrollment.trainee.id_number) in text
        assert enrollment.trainee.id_number not in text
    assert FULL_ID.search(text.replace("S000061610924265000123", "")) is None  # a certificate's number is long too
    assert "82.5" in text and "AK2026610924000001" in text and "结业证书" in text
    assert "S000061610924265000123" in text and "职业技能等级证书" in text and "2026年4月2日" in text


def test_the_roster_pdf_has_the_filings_columns_and_masks_ids_and_phones(app, klass, settings):
    cohort, _, people = klass
    data = documents.cohort_document(queries.cohort_records(cohort.id), "roster.pdf", settings, NOW)
    text = pdftotext(data)

    flat = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True).stdout.decode())
    for header in contents.ROSTER_HEADERS:
        assert header in flat
    for enrollment in people:
        trainee = enrollment.trainee
        assert trainee.name in text and mask_id_number(trainee.id_number) in text
        assert trainee.phone not in text and f"{trainee.phone[:3]}****{trainee.phone[-4:]}" in text
    assert FULL_ID.search(text) is None
    assert "易地搬迁" in flat and "6109240012" not in flat  # the proof's number masked too


def test_the_workbooks_hold_the_same_rows_with_masked_ids(app, klass, settings):
    cohort, _, people = klass
    records = queries.cohort_records(cohort.id)
    ids = {mask_id_number(e.trainee.id_number) for e in people}

    for name, id_column in [("attendance.xlsx", 2), ("results.xlsx", 2), ("roster.xlsx", 5), ("sign-in.xlsx", 2)]:
        rows = workbook_rows(documents.cohort_document(records, name, settings, NOW))
        lines = [row for row in rows if isinstance(row[0], int)]
        assert [row[1] for row in lines] == sorted(NAMES), name
        assert {row[id_column] for row in lines} == ids, name
        cells = " ".join(str(cell) for row in rows for cell in row if cell)
        assert not any(e.trainee.id_number in cells for e in people), name
    roster = [row for row in workbook_rows(documents.cohort_document(records, "roster.xlsx", settings, NOW))]
    header = next(row for row in roster if row[0] == "序号")
    assert list(header) == contents.ROSTER_HEADERS
    wang = next(row for row in roster if row[1] == "王秀英")
    assert wang[12] == "上海足部修护连锁有限公司" and wang[11] == 1 and wang[3] is None  # 民族: not held


def test_the_sign_in_workbook_has_a_sheet_per_session_set_to_print_on_a4(app, klass, settings):
    records = queries.cohort_records(klass[0].id)
    book = openpyxl.load_workbook(io.BytesIO(documents.cohort_document(records, "sign-in.xlsx", settings, NOW)))

    assert len(book.worksheets) == 4
    sheet = book.worksheets[0]
    assert int(sheet.page_setup.paperSize) == 9 and sheet.print_title_rows  # 9: A4
    assert "https://px.example.cn/checkin" in str(sheet["A4"].value)


def test_a_name_that_looks_like_a_formula_is_written_as_text(app, make, settings):
    cohort = make.cohort()
    make.enrollment(cohort=cohort, trainee=make.trainee(name="=1+1"))
    db.session.commit()
    rows = workbook_rows(sheets.roster_xlsx(contents.roster_rows(queries.cohort_records(cohort.id)), _head(cohort)))

    assert any(row[1] == "=1+1" for row in rows)


def _head(cohort):
    return contents.class_heading(cohort, "中心", date(2026, 3, 20))


def test_the_zip_holds_every_document(app, klass, settings):
    import zipfile

    cohort = klass[0]
    archive = zipfile.ZipFile(io.BytesIO(documents.cohort_zip(queries.cohort_records(cohort.id), settings, NOW)))
    names = archive.namelist()

    assert len([n for n in names if "/签到表/" in n and n.endswith(".pdf")]) == 4
    for title in ("考勤汇总表", "成绩单及颁证花名册", "学员花名册"):
        assert f"{cohort.code}-培训资料/{title}-{cohort.code}.pdf" in names
        assert f"{cohort.code}-培训资料/{title}-{cohort.code}.xlsx" in names
    assert f"{cohort.code}-培训资料/签到表-{cohort.code}.xlsx" in names


@pytest.mark.parametrize("size", [3, 12])
def test_the_records_cost_the_same_statements_whatever_the_class_size(app, make, size):
    cohort = make.cohort(sessions=3)
    for _ in range(size):
        enrollment = make.enrollment(cohort=cohort)
        make.attendance(enrollment, cohort.sessions[0])
        make.certificate(enrollment)
        make.external_certificate(enrollment)
    db.session.commit()
    session_id = cohort.sessions[0].id
    db.session.expunge_all()

    with statements_sent() as cohort_statements:
        queries.cohort_records(cohort.id)
    db.session.expunge_all()
    with statements_sent() as session_statements:
        queries.session_records(session_id)

    assert (len(cohort_statements), len(session_statements)) == (9, 3)
