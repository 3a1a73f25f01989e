"""A class's paper on the web: who downloads what (the coordinator in scope every document and the
ZIP from the cohort page; the session's trainer its sign-in sheet from the roster page; another
trainer, another county's coordinator and a trainee nothing), and what the ZIP holds."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from training.extensions import db

pytestmark = pytest.mark.usefixtures("english")
COUNTY = "610924"


@pytest.fixture
def klass(make):
    trainer = make.user("trainer", county_code=COUNTY, display_name="李老师")
    cohort = make.cohort(county_code=COUNTY, trainers=[trainer])
    session = make.session(cohort, starts_at=datetime.now(UTC) - timedelta(minutes=30))
    make.session(cohort, starts_at=datetime.now(UTC) + timedelta(days=1))
    for name in ("王秀英", "李娜"):
        make.enrollment(cohort=cohort, trainee=make.trainee(name=name))
    db.session.commit()
    return trainer, cohort, session


def test_the_coordinator_finds_every_document_on_the_cohort_page(client, auth, klass):
    _, cohort, session = klass
    auth.login("coordinator", county=COUNTY)
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert f"/cohorts/{cohort.id}/paper.zip" in html
    for name in ("attendance.pdf", "attendance.xlsx", "results.pdf", "results.xlsx", "roster.pdf", "roster.xlsx"):
        assert f"/cohorts/{cohort.id}/paper/{name}" in html
    assert f"/sessions/{session.id}/sign-in.pdf" in html


@pytest.mark.parametrize(
    "name, mimetype",
    [
        ("attendance.pdf", "application/pdf"),
        ("results.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("roster.pdf", "application/pdf"),
    ],
)
def test_the_coordinator_downloads_a_document(client, auth, klass, name, mimetype):
    cohort = klass[1]
    auth.login("coordinator", county=COUNTY)
    response = client.get(f"/cohorts/{cohort.id}/paper/{name}")

    assert response.status_code == 200 and response.mimetype == mimetype
    assert cohort.code in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"


def test_an_unknown_document_is_not_found(client, auth, klass):
    auth.login("coordinator", county=COUNTY)

    assert client.get(f"/cohorts/{klass[1].id}/paper/claims.pdf").status_code == 404


def test_the_zip_holds_every_document_pdf_and_xlsx(client, auth, klass):
    cohort = klass[1]
    auth.login("coordinator", county=COUNTY)
    response = client.get(f"/cohorts/{cohort.id}/paper.zip")

    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert len([n for n in names if "/签到表/" in n]) == 2  # one per session
    for title in ("考勤汇总表", "成绩单及颁证花名册", "学员花名册"):
        assert {f"{cohort.code}-培训资料/{title}-{cohort.code}.{ext}" for ext in ("pdf", "xlsx")} <= set(names)
    assert f"{cohort.code}-培训资料/签到表-{cohort.code}.xlsx" in names


def test_the_sessions_trainer_downloads_its_sign_in_sheet_from_the_roster(client, auth, klass):
    trainer, _, session = klass
    auth.login(trainer)
    roster = client.get(f"/sessions/{session.id}/roster").get_data(as_text=True)

    assert f"/sessions/{session.id}/sign-in.pdf" in roster and f"/sessions/{session.id}/sign-in.xlsx" in roster
    pdf = client.get(f"/sessions/{session.id}/sign-in.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(f"/sessions/{session.id}/sign-in.xlsx").status_code == 200


def test_a_trainer_gets_no_cohort_documents(client, auth, klass):
    trainer, cohort, _ = klass
    auth.login(trainer)

    assert client.get(f"/cohorts/{cohort.id}/paper/roster.pdf").status_code == 403
    assert client.get(f"/cohorts/{cohort.id}/paper.zip").status_code == 403
    assert "paper.zip" not in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def test_another_trainer_is_refused_the_sign_in_sheet(client, auth, klass):
    auth.login("trainer", county=COUNTY)

    assert client.get(f"/sessions/{klass[2].id}/sign-in.pdf").status_code == 403


def test_another_countys_coordinator_is_refused(client, auth, klass):
    _, cohort, session = klass
    auth.login("coordinator", county="610902")

    assert client.get(f"/cohorts/{cohort.id}/paper/attendance.pdf").status_code == 403
    assert client.get(f"/cohorts/{cohort.id}/paper.zip").status_code == 403
    assert client.get(f"/sessions/{session.id}/sign-in.pdf").status_code == 403


def test_a_trainee_of_the_class_is_told_nothing_exists(client, auth, make, klass):
    _, cohort, session = klass
    trainee = make.trainee_user(make.enrollment(cohort=cohort).trainee)
    db.session.commit()
    auth.login(trainee)

    assert client.get(f"/sessions/{session.id}/sign-in.pdf").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/paper/roster.pdf").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/paper.zip").status_code == 404
