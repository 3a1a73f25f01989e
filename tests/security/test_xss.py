"""Script in names and sites: escaped on every page that shows them, plain text in PDFs, a
harmless name inside a ZIP, and never a formula in a spreadsheet export."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader

from tests.conftest import AuthActions
from tests.security.conftest import HOME, XSS
from training.extensions import db
from training.models import CohortStatus, EnrollmentStatus, utcnow

SCRIPT, IMG = XSS
# What a browser would run: the raw payloads, whatever else the page escapes.
RAW = re.compile(r"<script>alert|<img src=x|\"><img|onerror=alert\(1\)>", re.I)
FORMULA = '=HYPERLINK("http://evil","x")'
FORMULA_NAMES = (FORMULA, "+1+1", "-2+3", "@SUM(A1)")  # each character a spreadsheet starts a formula with


@pytest.fixture
def hostile(app, make):
    """Every free-text field the pages show, holding a payload; one finished and one running cohort."""
    course = make.course(name=SCRIPT, occupation=IMG)
    trainer = make.user("trainer", county_code=HOME, display_name=IMG)
    now = utcnow()
    running = make.cohort(
        course=course,
        county_code=HOME,
        site_name=IMG,
        trainers=[trainer],
        start_date=(now - timedelta(days=1)).date(),
        status=CohortStatus.RUNNING,
    )
    session = make.session(running, starts_at=now - timedelta(hours=1), topic=SCRIPT, location=IMG)
    trainee = make.trainee(county_code=HOME, name=SCRIPT, village=IMG, town=SCRIPT)
    enrollment = make.enrollment(trainee=trainee, cohort=running)
    make.attendance(enrollment, session)
    user = make.trainee_user(trainee=trainee)
    finished = make.cohort(course=course, county_code=HOME, site_name=SCRIPT, status=CohortStatus.FINISHED)
    other = make.trainee(county_code=HOME, name=IMG)
    graduate = make.enrollment(trainee=other, cohort=finished, status=EnrollmentStatus.COMPLETED)
    from training.certificates import issuing

    [certificate] = issuing.issue_batch(finished.id, [graduate.id], None).issued
    employer = make.employer(name=SCRIPT)
    placement = make.placement(enrollment=graduate, employer=employer, position=IMG, place=SCRIPT)
    db.session.commit()
    return dict(
        running=running,
        session=session,
        trainee=trainee,
        user=user,
        finished=finished,
        other=other,
        certificate=certificate,
        placement=placement,
        employer=employer,
        trainer=trainer,
    )


STAFF_PAGES = [
    "/trainees",
    "/trainees?q=%3Cscript%3E",
    "/trainees/{trainee}",
    "/trainees/{other}",
    "/cohorts",
    "/cohorts/{running}",
    "/cohorts/{finished}",
    "/sessions/{session}/roster",
    "/cohorts/{running}/scores",
    "/cohorts/{finished}/certificates",
    "/certificates/{serial}",
    "/cohorts/{finished}/graduates",
    "/placements/{placement}",
    "/employers",
    "/follow-ups",
    "/courses",
    "/cohorts/{running}/enroll",
    "/audit",
    "/cohorts/{finished}/finalise",
    "/reports",
    "/",
]


def _fill(path: str, h: dict) -> str:
    return path.format(
        trainee=h["trainee"].id,
        other=h["other"].id,
        running=h["running"].id,
        finished=h["finished"].id,
        session=h["session"].id,
        serial=h["certificate"].serial,
        placement=h["placement"].id,
    )


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_coordinators_page_shows_the_payloads_as_text(app, client, auth, hostile, path):
    if path == "/reports" and "reports.dashboard" not in app.view_functions:
        pytest.skip("no reports pages yet")
    auth.login("coordinator", county=HOME)

    response = client.get(_fill(path, hostile))

    html = response.get_data(as_text=True)
    assert response.status_code == 200, path
    assert not RAW.search(html), RAW.search(html).group(0)
    assert "Content-Security-Policy" in response.headers


def test_the_pages_that_show_a_name_show_it_escaped(app, client, auth, hostile):
    auth.login("coordinator", county=HOME)

    html = client.get(f"/trainees/{hostile['trainee'].id}").get_data(as_text=True)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("path", ["/", "/sessions/{session}/roster", "/cohorts/{running}", "/cohorts/{running}/scores"])
def test_the_trainers_pages_show_the_payloads_as_text(app, client, hostile, make, path):
    AuthActions(client, make).login(hostile["trainer"])

    response = client.get(_fill(path, hostile))

    assert response.status_code == 200
    assert not RAW.search(response.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/me", "/me/certificates", "/apply", "/checkin"])
def test_the_trainees_own_pages_show_the_payloads_as_text(app, client, hostile, make, path):
    AuthActions(client, make).login(hostile["user"])

    response = client.get(path)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert not RAW.search(html)
    if path == "/me":
        assert "&lt;script&gt;" in html or "&#34;&gt;&lt;img" in html


def test_the_public_verification_page_shows_the_payloads_as_text(client, hostile):
    certificate = hostile["certificate"]

    response = client.get(f"/verify/{certificate.serial}?t={certificate.token}")

    assert response.status_code == 200
    assert not RAW.search(response.get_data(as_text=True))


def test_the_certificate_pdf_prints_the_payloads_as_text(app, client, auth, hostile):
    auth.login("coordinator", county=HOME)

    response = client.get(f"/certificates/{hostile['certificate'].serial}.pdf")

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    response.close()
    squeezed = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", IMG) in squeezed  # the name, as typed
    assert re.sub(r"\s+", "", SCRIPT) in squeezed  # the site and the course


def test_a_name_cannot_steer_where_a_zip_member_is_written(app, client, auth, make):
    cohort = make.cohort(county_code=HOME, status=CohortStatus.FINISHED)
    make.issued(cohort=cohort, names=["../../../etc/cron.d/x", "..\\..\\boot.ini"])
    db.session.commit()
    auth.login("coordinator", county=HOME)

    response = client.get(f"/cohorts/{cohort.id}/certificates.zip")

    names = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    response.close()
    assert len(names) == 2
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names), names


def _export(app, client, fmt: str) -> bytes:
    """The trainee list exported through the page and the real job handler, read back."""
    from training.jobs import services
    from training.models import Job

    response = client.submit("/reports/exports?date_from=2000-01-01", {"format": fmt, "reason": ""}, page="/reports")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    job_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    services.run(job_id)
    db.session.expire_all()
    assert db.session.get(Job, job_id).status == "done"
    download = client.get(f"/reports/exports/{job_id}/file")
    content = download.get_data()
    download.close()
    return content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_name_that_looks_like_a_formula_is_exported_as_text(app, client, auth, make, fmt):
    if "reports.start_export" not in app.view_functions:
        pytest.skip("no report exports yet")
    cohort = make.cohort(
        county_code=HOME, status=CohortStatus.FINISHED, start_date=utcnow().date() - timedelta(days=20)
    )
    for name in FORMULA_NAMES:
        make.enrollment(
            trainee=make.trainee(county_code=HOME, name=name), cohort=cohort, status=EnrollmentStatus.COMPLETED
        )
    db.session.commit()
    auth.login("coordinator", county=HOME)

    content = _export(app, client, fmt)

    if fmt == "csv":
        cells = [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]
    else:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content))
        cells = [
            c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)
        ]
        assert not [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    for name in FORMULA_NAMES:
        assert "'" + name in cells and name not in cells, name


def _report_cohort(make, course_name: str):
    course = make.course(name=course_name)
    cohort = make.cohort(
        course=course, county_code=HOME, status=CohortStatus.FINISHED, start_date=utcnow().date() - timedelta(days=20)
    )
    make.enrollment(trainee=make.trainee(county_code=HOME), cohort=cohort, status=EnrollmentStatus.COMPLETED)
    db.session.commit()
    return cohort


def test_the_monthly_report_pdf_prints_a_course_name_as_text(app, client, auth, make):
    if "reports.monthly_pdf" not in app.view_functions:
        pytest.skip("no reports yet")
    _report_cohort(make, SCRIPT)
    auth.login("coordinator", county=HOME)

    response = client.get("/reports/monthly.pdf?date_from=2000-01-01")

    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    response.close()
    assert re.sub(r"\s+", "", SCRIPT) in re.sub(r"\s+", "", text)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_course_name_that_looks_like_a_formula_is_neutralised_in_the_report_tables(app, client, auth, make, fmt):
    if "reports.tables" not in app.view_functions:
        pytest.skip("no reports yet")
    _report_cohort(make, "=1+2")
    auth.login("coordinator", county=HOME)

    response = client.get(f"/reports/tables.{fmt}?date_from=2000-01-01")

    content = response.get_data()
    response.close()
    if fmt == "csv":
        cells = [c.strip('"') for line in content.decode("utf-8-sig").splitlines() for c in line.split(",")]
    else:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content))
        assert not [c for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]
        cells = [c.value for s in book.worksheets for row in s.iter_rows() for c in row]
    assert "'=1+2" in cells and "=1+2" not in cells
