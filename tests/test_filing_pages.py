"""The filing pages by role and county: the panel on the cohort page, preparing and submitting
through the page's forms (a late one keeps what was typed), the reviewer's list and review, changes
shown to the reviewer, and the 开班申请表 whose text holds the roster's names and masked ID numbers."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import AuthActions, translated_app
from tests.factories import Factories
from tests.support.statements import statements_sent
from tests.support.translations import compiled_translations
from training.extensions import db
from training.models import AuditEvent, Filing

pytestmark = pytest.mark.usefixtures("english")
HOME, OTHER = "610924", "610902"
FIELDS = {
    "site_address": "紫阳县蒿坪镇金川社区",
    "assessment_method": "理论笔试＋实操考核",
    "assessor": "紫阳县足部修护协会",
}


@pytest.fixture
def cohort(make):
    trainer = make.user("trainer", county_code=HOME, display_name="刘老师")
    cohort = make.cohort(status="open", start_date=date.today() + timedelta(days=40), sessions=2, trainers=[trainer])
    for name in ("王秀英", "欧阳娜"):
        make.enrollment(cohort=cohort, trainee=make.trainee(name=name))
    db.session.commit()
    return cohort


def url(cohort, tail=""):
    return f"/filing/cohorts/{cohort.id}{tail}"


def prepare(client, cohort, **fields):
    data = {**FIELDS, **{f"qualification_{t.id}": "足部修护师一级/高级技师" for t in cohort.trainers}, **fields}
    return client.submit(url(cohort, "/prepare"), data, page=url(cohort))


def step(client, cohort, to, **fields):
    data = {f"{to}-{name}": value for name, value in fields.items()}
    return client.submit(url(cohort, f"/status/{to}"), data, page=url(cohort))


def test_the_cohort_page_shows_the_last_day_to_file_and_the_way_to_the_filing(client, auth, cohort):
    auth.login("coordinator", county=HOME)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "filing-panel" in page and "Not filed" in page and "Last day to file:" in page
    assert url(cohort) in page


def test_the_filing_panel_costs_one_statement(client, auth, cohort, make, app):
    auth.login("coordinator", county=HOME)
    client.get(f"/cohorts/{cohort.id}")  # the records the test made are read once, whatever the page
    with statements_sent() as with_panel:
        client.get(f"/cohorts/{cohort.id}")
    app.jinja_env.globals["filing_panel"] = lambda cohort: None
    with statements_sent() as without:
        client.get(f"/cohorts/{cohort.id}")
    assert len(with_panel) - len(without) == 1


def test_a_trainer_sees_no_filing_panel_and_cannot_open_the_filing(client, auth, cohort):
    auth.login(cohort.trainers[0])
    assert "filing-panel" not in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert client.get(url(cohort)).status_code == 403


def test_a_coordinator_of_another_county_is_refused(client, auth, cohort):
    auth.login("coordinator", county=OTHER)
    assert client.get(url(cohort)).status_code == 403
    assert prepare(client, cohort).status_code == 403
    assert db.session.scalar(select(Filing)) is None


def test_a_trainee_gets_404(client, auth, make, cohort):
    auth.login(make.trainee_user())
    assert client.get(url(cohort)).status_code == 404


def test_the_coordinator_prepares_and_submits_the_filing_through_its_page(client, auth, cohort):
    auth.login("coordinator", county=HOME)
    response = prepare(client, cohort)
    assert response.status_code == 302
    page = client.get(url(cohort)).get_data(as_text=True)
    assert "王秀英" in page and "足部修护师一级/高级技师" in page and "紫阳县足部修护协会" in page
    trainee = cohort_trainee_ids(cohort)[0]
    assert trainee[:6] + "********" + trainee[-4:] in page and trainee not in page
    assert step(client, cohort, "submitted").status_code == 302
    assert db.session.scalar(select(Filing)).status == "submitted"


def cohort_trainee_ids(cohort):
    from training.models import Enrollment

    return [
        e.trainee.id_number for e in db.session.scalars(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    ]


def test_a_missing_qualification_is_asked_for_and_nothing_is_saved(client, auth, cohort):
    auth.login("coordinator", county=HOME)
    response = prepare(client, cohort, **{f"qualification_{cohort.trainers[0].id}": ""})
    assert response.status_code == 200 and "紫阳县足部修护协会" in response.get_data(as_text=True)
    assert db.session.scalar(select(Filing)) is None


def test_a_late_filing_is_refused_without_a_reason_keeping_what_was_typed_then_marked_late_in_red(client, auth, make):
    cohort = make.cohort(status="open", start_date=date.today() + timedelta(days=2), sessions=1)
    db.session.commit()
    auth.login("coordinator", county=HOME)
    prepare(client, cohort)
    page = client.get(url(cohort)).get_data(as_text=True)
    assert "filing-overdue" in page and "late_reason" in page
    response = client.submit(url(cohort, "/status/submitted"), {"submitted-late_reason": ""}, page=url(cohort))
    assert response.status_code == 200 and "The last day to file was" in response.get_data(as_text=True)
    # what was typed stays: a reason over the limit comes back in the box
    response = client.submit(url(cohort, "/status/submitted"), {"submitted-late_reason": "迟" * 501}, page=url(cohort))
    assert "迟" * 501 in response.get_data(as_text=True)
    step(client, cohort, "submitted", late_reason="场地变更，延误备案")
    page = client.get(url(cohort)).get_data(as_text=True)
    assert 'text-danger fw-bold filing-late">Filed late' in page and "场地变更，延误备案" in page
    assert "filing-late" in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def test_the_reviewer_finds_the_filing_waiting_and_approves_it_the_preparer_sees_no_review_step(
    client, auth, cohort, make
):
    coordinator = auth.login("coordinator", county=HOME)
    prepare(client, cohort)
    step(client, cohort, "submitted")
    page = client.get(url(cohort)).get_data(as_text=True)
    assert "step-approved" not in page
    assert step(client, cohort, "approved").status_code == 200  # reached, refused by the lifecycle
    auth.logout()
    reviewer = auth.login("reviewer")
    assert cohort.code in client.get("/filing").get_data(as_text=True)
    assert "step-approved" in client.get(url(cohort)).get_data(as_text=True)
    step(client, cohort, "approved")
    filing = db.session.scalar(select(Filing))
    assert (filing.status, filing.prepared_by_id, filing.reviewed_by_id) == ("approved", coordinator.id, reviewer.id)


def test_a_return_needs_its_reasons_and_shows_them(client, auth, cohort):
    auth.login("coordinator", county=HOME)
    prepare(client, cohort)
    step(client, cohort, "submitted")
    auth.logout()
    auth.login("reviewer")
    response = step(client, cohort, "returned", reason="")
    assert "Say why the filing is returned" in response.get_data(as_text=True)
    step(client, cohort, "returned", reason="评价机构名称不全")
    assert "评价机构名称不全" in client.get(url(cohort)).get_data(as_text=True)


def test_a_county_coordinator_lists_only_their_countys_filings(client, auth, cohort, make):
    other = make.cohort(status="open", county_code=OTHER, sessions=1, start_date=date.today() + timedelta(days=40))
    for c in (cohort, other):
        filing = make.approved_filing(c)
        filing.status = "submitted"
    db.session.commit()
    auth.login("coordinator", county=HOME)
    page = client.get("/filing").get_data(as_text=True)
    assert cohort.code in page and other.code not in page


def test_a_change_is_shown_to_the_reviewer_who_acknowledges_it(client, auth, cohort, make):
    coordinator = make.user("coordinator", county_code=HOME)
    make.approved_filing(cohort, preparer=coordinator)
    make.enrollment(cohort=cohort, trainee=make.trainee(name="赵敏"))
    db.session.commit()
    auth.login(coordinator)
    page = client.get(url(cohort)).get_data(as_text=True)
    assert "Trainee added: 赵敏" in page
    client.submit(url(cohort, "/changes"), {"change-reason": "开班前新增学员"}, page=url(cohort))
    auth.logout()
    auth.login("reviewer")
    page = client.get(url(cohort)).get_data(as_text=True)
    assert "开班前新增学员" in page and "acknowledge-change" in page
    assert "开班前新增学员" in client.get("/filing").get_data(as_text=True)
    change = db.session.scalar(select(Filing)).changes[0]
    client.submit(url(cohort, f"/changes/{change.id}/acknowledge"), page=url(cohort))
    assert "change-acknowledged" in client.get(url(cohort)).get_data(as_text=True)


def test_the_application_pdf_holds_the_roster_names_and_masked_ids_and_no_full_id(client, auth, cohort, make):
    make.approved_filing(cohort)
    db.session.commit()
    auth.login("coordinator", county=HOME)
    response = client.get(url(cohort, "/application.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True, check=True)
    words = text.stdout.decode()
    assert "开班申请表" in words and "安康市就业服务中心" in words
    for id_number in cohort_trainee_ids(cohort):
        assert id_number not in words and id_number[:6] + "********" + id_number[-4:] in words
    assert "王秀英" in words and "欧阳娜" in words


def test_the_xlsx_holds_full_id_numbers_and_reading_it_is_audited(client, auth, cohort, make):
    make.approved_filing(cohort)
    db.session.commit()
    auth.login("coordinator", county=HOME)
    response = client.get(url(cohort, "/application.xlsx"))
    cells = [c for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True) for c in row]
    assert set(cohort_trainee_ids(cohort)) <= set(cells)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "filing_document_downloaded"))


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


def test_the_filing_speaks_chinese_under_zh_and_the_start_refusal_too(database_url, translation_directory):
    with translated_app(database_url, translation_directory) as app:
        make = Factories()
        cohort = make.cohort(status="open", start_date=date(2025, 10, 16), sessions=1)
        db.session.commit()
        client = app.test_client()
        AuthActions(client, make).login("coordinator", county=HOME)
        panel = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
        assert "开班备案" in panel and "备案截止日：" in panel and "2025年10月10日" in panel
        page = client.get(url(cohort)).get_data(as_text=True)
        assert "填报开班备案" in page and "评价机构" in page and "逾期备案" in page
        response = client.submit(
            f"/cohorts/{cohort.id}/status", {"status": "running"}, page=f"/cohorts/{cohort.id}", follow_redirects=True
        )
        assert "此培训班没有开班备案" in response.get_data(as_text=True)
