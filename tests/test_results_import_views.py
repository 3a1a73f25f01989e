"""The result-sheet import pages: upload, the preview with every row's verdict and masked ID numbers,
commit, the rows to fix, the template, and who may do it for which class."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.support.import_sheets import person, workbook
from tests.support.pages import errors, texts
from tests.support.result_sheets import result_for, result_workbook
from tests.support.statements import statements_sent
from training.extensions import db
from training.imports import uploads
from training.models import CohortStatus, ExternalCertificate
from training.skillcerts.results_import import RESULT_SHEETS

TOKEN = re.compile(r"/skillcerts/results/([A-Za-z0-9_-]{32})/commit")
FINGERPRINT = re.compile(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"')
ISSUER = "紫阳县足部修护协会"
START = date.today() - timedelta(days=40)


@pytest.fixture
def coordinator(auth, client):
    client.set_cookie("jfw_lang", "en")
    return auth.login("coordinator", county="610924")


@pytest.fixture
def cohort(make):
    return make.cohort(status=CohortStatus.FINISHED, start_date=START)


@pytest.fixture
def graduates(make, cohort):
    people = [make.graduate(cohort=cohort) for _ in range(3)]
    db.session.commit()
    return people


def upload(client, content: bytes, cohort, name="成绩单.xlsx", **fields):
    data = {"file": (io.BytesIO(content), name), "cohort_id": str(cohort.id), "issuer": ISSUER, **fields}
    return client.submit("/skillcerts/results/", data, content_type="multipart/form-data")


def commit(client, page_html: str):
    token = TOKEN.search(page_html).group(1)
    data = {"fingerprint": FINGERPRINT.search(page_html).group(1)}
    return client.submit(f"/skillcerts/results/{token}/commit", data, page=f"/skillcerts/results/{token}"), token


def recorded() -> int:
    return db.session.scalar(select(func.count()).select_from(ExternalCertificate))


def test_the_upload_page_is_in_the_coordinators_menu(client, coordinator):
    html = client.get("/skillcerts/results/").get_data(as_text=True)
    assert 'href="/skillcerts/results/"' in html
    assert "Import a result sheet" in html


def test_trainers_may_not_import_results(client, auth):
    auth.login("trainer", county="610924")
    assert client.get("/skillcerts/results/").status_code == 403


def test_only_running_and_finished_classes_of_the_coordinators_county_are_offered(client, coordinator, make):
    offered = [make.cohort(status=CohortStatus.RUNNING), make.cohort(status=CohortStatus.FINISHED)]
    not_offered = [
        make.cohort(status=CohortStatus.OPEN),
        make.cohort(status=CohortStatus.CLOSED),
        make.cohort(county_code="610902", status=CohortStatus.FINISHED),
    ]
    db.session.commit()
    html = client.get("/skillcerts/results/").get_data(as_text=True)
    assert all(f'value="{c.id}"' in html for c in offered)
    assert not any(f'value="{c.id}"' in html for c in not_offered)


def test_a_class_of_another_county_cannot_be_posted(client, coordinator, make, graduates):
    theirs = make.cohort(county_code="610902", status=CohortStatus.FINISHED, start_date=START)
    db.session.commit()
    html = upload(client, result_workbook([result_for(graduates[0])]), theirs).get_data(as_text=True)
    assert "Not a valid choice" in html
    assert TOKEN.search(html) is None


def test_the_preview_shows_every_rows_verdict_and_masked_id_numbers_only(client, coordinator, cohort, graduates):
    rows = [result_for(graduates[0]), result_for(graduates[1], name="王冒名"), result_for(graduates[2])]
    html = upload(client, result_workbook(rows), cohort).get_data(as_text=True)

    assert (texts(html, "count-record"), texts(html, "count-error")) == (["2"], ["1"])
    assert texts(html, "result-verdict") == [
        "To record",
        f"姓名: The registry has another name for this ID number: {graduates[1].trainee.name}.",
        "To record",
    ]
    for row in rows:
        assert row["id_number"] not in html
    assert rows[0]["id_number"][:6] + "********" + rows[0]["id_number"][-4:] in html
    assert rows[0]["number"] in html
    assert recorded() == 0


def test_the_issuer_must_be_given(client, coordinator, cohort, graduates):
    html = upload(client, result_workbook([result_for(graduates[0])]), cohort, issuer=" ").get_data(as_text=True)
    assert "Write who issued the certificates." in errors(html)


def test_committing_the_preview_records_the_certificates_and_shows_the_result(client, coordinator, cohort, graduates):
    page = upload(client, result_workbook([result_for(e) for e in graduates]), cohort).get_data(as_text=True)
    response, token = commit(client, page)

    html = response.get_data(as_text=True)
    assert texts(html, "result-recorded") == ["3"]
    assert f'href="/cohorts/{cohort.id}"' in html
    assert recorded() == 3
    assert RESULT_SHEETS.find(token, coordinator.id) is None  # the file is gone, and with it a second commit


def test_the_rows_to_fix_download_has_the_original_columns_and_the_reason(client, coordinator, cohort, graduates):
    rows = [result_for(graduates[0]), result_for(graduates[1], name="王冒名")]
    page = upload(client, result_workbook(rows), cohort).get_data(as_text=True)
    response, token = commit(client, page)
    assert f"/skillcerts/results/{token}/errors.xlsx" in response.get_data(as_text=True)

    download = client.get(f"/skillcerts/results/{token}/errors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0] == ("序号", "姓名", "身份证号", "证书类型", "证书编号", "等级", "发证日期", "错误原因/reason")
    assert lines[1][1:3] == ("王冒名", rows[1]["id_number"])
    assert lines[1][-1].startswith("姓名: The registry has another name")
    assert sheet.cell(row=2, column=3).number_format == "@"


def test_a_sheet_that_cannot_be_read_is_explained_on_the_form_and_not_kept(client, coordinator, cohort, app):
    before = set(RESULT_SHEETS.directory().iterdir())
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00", cohort)
    assert any("This file is not a spreadsheet" in error for error in errors(response.get_data(as_text=True)))
    assert set(RESULT_SHEETS.directory().iterdir()) == before


def test_another_user_cannot_see_or_commit_an_upload(client, coordinator, auth, cohort, graduates):
    page = upload(client, result_workbook([result_for(graduates[0])]), cohort).get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    auth.logout()
    auth.login("coordinator", county="610924")
    assert client.get(f"/skillcerts/results/{token}").status_code == 404
    assert client.get(f"/skillcerts/results/{token}/errors.xlsx").status_code == 404


def test_a_roster_uploads_token_is_nothing_to_the_result_import(client, coordinator):
    roster = uploads.store_upload(workbook([person()]), owner_id=coordinator.id, filename="roster.xlsx")
    assert client.get(f"/skillcerts/results/{roster.token}").status_code == 404
    client.submit(f"/skillcerts/results/{roster.token}/discard", page="/skillcerts/results/")
    assert uploads.find_upload(roster.token, coordinator.id) is not None


def test_a_class_that_left_the_coordinators_scope_is_refused_at_the_commit(client, coordinator, cohort, graduates):
    page = upload(client, result_workbook([result_for(graduates[0])]), cohort).get_data(as_text=True)
    coordinator.county_code = "610902"
    db.session.commit()
    response, _ = commit(client, page)
    assert response.status_code == 403
    assert recorded() == 0


def test_a_class_closed_since_the_upload_refuses_the_preview_and_discards_the_sheet(
    client, coordinator, cohort, graduates
):
    page = upload(client, result_workbook([result_for(graduates[0])]), cohort).get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    cohort.status = CohortStatus.CLOSED
    db.session.commit()
    html = client.get(f"/skillcerts/results/{token}").get_data(as_text=True)
    assert texts(html, "results-refused")[0].startswith("Results are imported into a running or finished class")
    assert RESULT_SHEETS.find(token, coordinator.id) is None


def test_a_change_since_the_preview_refuses_and_shows_the_new_preview(client, coordinator, make, cohort, graduates):
    rows = [result_for(e) for e in graduates]
    page = upload(client, result_workbook(rows), cohort).get_data(as_text=True)
    make.external_certificate(graduates[0], number=rows[0]["number"])
    db.session.commit()
    html = commit(client, page)[0].get_data(as_text=True)
    assert texts(html, "results-refusal") == [
        "The class's records changed since the preview, so nothing was recorded. Check the new preview."
    ]
    assert (texts(html, "count-record"), texts(html, "count-error")) == (["2"], ["1"])
    assert recorded() == 1


def test_the_template_is_offered_and_read_back_as_one_row_of_the_import(client, coordinator, cohort, graduates):
    assert 'href="/skillcerts/results/template.xlsx"' in client.get("/skillcerts/results/").get_data(as_text=True)
    template = client.get("/skillcerts/results/template.xlsx")
    assert template.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    html = upload(client, template.data, cohort).get_data(as_text=True)
    # The example person is nobody of the class; every cell of the row was read.
    assert texts(html, "result-verdict") == [f"身份证号: Nobody with this ID number is on the list of {cohort.code}."]


def test_a_file_over_the_upload_limit_keeps_the_class_and_issuer(client, coordinator, cohort, app):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = upload(client, b"x" * 4096, cohort, name="r.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert f'value="{ISSUER}"' in html and f'<option selected value="{cohort.id}">' in html


def statements_for_preview(client, cohort, rows) -> int:
    page = upload(client, result_workbook(rows), cohort).get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    db.session.expire_all()
    with statements_sent() as statements:
        assert client.get(f"/skillcerts/results/{token}").status_code == 200
    return len(statements)


def test_the_preview_costs_as_many_statements_for_60_rows_as_for_5(client, coordinator, make):
    small, large = (make.cohort(status=CohortStatus.FINISHED, start_date=START, capacity=60) for _ in range(2))
    few = [result_for(make.graduate(cohort=small)) for _ in range(5)]
    many = [result_for(make.graduate(cohort=large)) for _ in range(60)]
    db.session.commit()
    assert statements_for_preview(client, small, few) == statements_for_preview(client, large, many)


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    from tests.support.translations import compiled_translations

    return compiled_translations(tmp_path_factory)


def test_the_preview_gives_its_verdicts_and_errors_in_chinese(database_url, translation_directory):
    from tests.conftest import AuthActions, translated_app
    from tests.factories import Factories

    with translated_app(database_url, translation_directory) as app:
        make = Factories()
        cohort = make.cohort(status=CohortStatus.FINISHED, start_date=START)
        first, second = make.graduate(cohort=cohort), make.graduate(cohort=cohort)
        db.session.commit()
        client = app.test_client()
        AuthActions(client, make).login("coordinator", county="610924")
        rows = [result_for(first), result_for(second, name="王冒名")]
        html = upload(client, result_workbook(rows), cohort).get_data(as_text=True)

    assert texts(html, "result-verdict")[0] == "可登记"
    assert "姓名: 学员库里这个身份证号的姓名是" in texts(html, "result-verdict")[1]
    assert "核对成绩单" in html
