"""The import pages: upload, preview with masked ID numbers, commit, the rows to fix, and who may do it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.support.import_sheets import fail_after_the_trainees_are_written, person, sheet_of_rows, workbook
from tests.support.pages import errors, texts
from training.extensions import db
from training.imports import uploads, views
from training.models import AuditEvent, CohortStatus, Enrollment, EnrollmentStatus, Job, JobStatus, Trainee

TOKEN = re.compile(r"/trainees/import/([A-Za-z0-9_-]{32})/commit")


@pytest.fixture
def coordinator(auth, client):
    client.set_cookie("jfw_lang", "en")
    return auth.login("coordinator", county="610924")


def upload(client, content: bytes, name="roster.xlsx", **fields):
    data = {"file": (io.BytesIO(content), name), "county_code": "", "cohort_id": "", **fields}
    return client.submit("/trainees/import/", data, content_type="multipart/form-data")


def commit(client, page_html: str, **fields):
    token = TOKEN.search(page_html).group(1)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', page_html).group(1)
    data = {"fingerprint": fingerprint, "cohort_id": "", **fields}
    return client.submit(f"/trainees/import/{token}/commit", data, page=f"/trainees/import/{token}"), token


def trainees() -> int:
    return db.session.scalar(select(func.count()).select_from(Trainee))


def test_the_upload_page_is_in_the_coordinator_menu(client, coordinator):
    html = client.get("/trainees/import/").get_data(as_text=True)
    assert 'href="/trainees/import/"' in html
    assert "Import trainees" in html


def test_trainers_may_not_import(client, auth):
    auth.login("trainer", county="610924")
    assert client.get("/trainees/import/").status_code == 403


def test_the_preview_shows_counts_errors_and_masked_id_numbers_only(client, coordinator):
    people = [person(), person(), person(phone="555")]
    response = upload(client, workbook(people))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (texts(html, "count-create"), texts(html, "count-error")) == (["2"], ["1"])
    assert texts(html, "error-row") == [
        f"5 {people[2]['name']} 联系电话 A mobile number has 11 digits and starts with 1."
    ]
    for someone in people:
        assert someone["id_number"] not in html
    assert people[0]["id_number"][:6] + "********" + people[0]["id_number"][-4:] in html
    assert trainees() == 0


def test_committing_the_preview_imports_and_shows_the_result(client, coordinator):
    page = upload(client, workbook([person(), person()])).get_data(as_text=True)
    response, token = commit(client, page)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert texts(html, "result-created") == ["2"]
    assert trainees() == 2
    assert uploads.find_upload(token, coordinator.id) is None  # the file is gone


def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_message(client, coordinator):
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", name="roster.xlsx")
    assert "This file is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file." in errors(
        response.get_data(as_text=True)
    )


def test_a_file_of_another_kind_is_refused_by_its_name(client, coordinator):
    response = upload(client, b"hello", name="photo.png")
    assert "Upload an Excel workbook (.xlsx) or a CSV file." in errors(response.get_data(as_text=True))


def test_a_file_over_the_upload_limit_answers_413(client, coordinator, app):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    token = client.csrf_token("/trainees/import/")
    response = client.post(
        "/trainees/import/",
        data={"csrf_token": token, "file": (io.BytesIO(b"x" * 4096), "r.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_the_rows_to_fix_download_has_the_original_columns_and_the_reason(client, coordinator):
    people = [person(), person(phone="555", village="=1+1"), person(id_number="6.10924E+17")]
    content = workbook(people, text=[(1, "village")])
    page = upload(client, content).get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    response = client.get(f"/trainees/import/{token}/errors.xlsx")
    assert response.status_code == 200
    assert response.mimetype == views.XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "序号",
        "姓名",
        "身份证号",
        "联系电话",
        "区县",
        "乡镇",
        "村（社区）",
        "人员类别",
        "文化程度",
        "错误原因/reason",
    )
    assert [row[1] for row in rows[1:]] == [people[1]["name"], people[2]["name"]]
    assert rows[1][3] == "555" and rows[1][-1] == "联系电话: A mobile number has 11 digits and starts with 1."
    assert rows[1][6] == "=1+1" and sheet.cell(row=2, column=7).data_type == "s"  # text, not a formula
    assert "Excel stored this ID number as a number" in rows[2][-1]
    assert sheet.cell(row=3, column=3).number_format == "@"


def test_an_array_formula_in_a_row_to_fix_comes_back_as_written(client, coordinator):
    from openpyxl.worksheet.formula import ArrayFormula

    book = openpyxl.load_workbook(io.BytesIO(workbook([person(), person(phone="555")])))
    village = book.active.cell(row=4, column=7)  # the second person's 村（社区）
    village.value = ArrayFormula(village.coordinate, "=SUM(1,2)")
    buffer = io.BytesIO()
    book.save(buffer)
    token = TOKEN.search(upload(client, buffer.getvalue()).get_data(as_text=True)).group(1)

    response = client.get(f"/trainees/import/{token}/errors.xlsx")

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(row=2, column=7).value == "=SUM(1,2)" and sheet.cell(row=2, column=7).data_type == "s"


def test_the_rows_to_fix_stay_downloadable_after_the_commit(client, coordinator):
    page = upload(client, workbook([person(), person(phone="555")])).get_data(as_text=True)
    response, token = commit(client, page)
    assert f"/trainees/import/{token}/errors.xlsx" in response.get_data(as_text=True)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/trainees/import/{token}/errors.xlsx").data)).active
    assert sheet.max_row == 2
    assert client.get(f"/trainees/import/{token}").status_code == 404  # no second commit


def test_another_user_cannot_see_or_commit_an_upload(client, coordinator, auth):
    page = upload(client, workbook([person()])).get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    auth.logout()
    auth.login("coordinator", county="610924")
    assert client.get(f"/trainees/import/{token}").status_code == 404
    assert client.get(f"/trainees/import/{token}/errors.xlsx").status_code == 404


def test_a_county_coordinator_cannot_import_people_of_another_county(client, coordinator):
    html = upload(client, workbook([person(county="汉滨区"), person(county="")])).get_data(as_text=True)
    assert texts(html, "count-create") == ["1"]
    assert "You may import only trainees of your own county." in html


def test_rows_of_people_registered_in_another_county_say_neither_where_nor_who_and_are_audited(
    client, coordinator, make
):
    others = [make.trainee(county_code="610929", name=f"外县人{n}") for n in range(2)]
    db.session.commit()
    people = [person(id_number=other.id_number) for other in others]
    html = upload(client, workbook(people)).get_data(as_text=True)
    assert texts(html, "error-row") == [
        f"{3 + n} {someone['name']} 身份证号 This ID number is already registered. Contact the city coordinator."
        for n, someone in enumerate(people)
    ]
    assert "外县人" not in html and "610929" not in html
    db.session.rollback()  # what the request committed, not what it left in the session
    told = db.session.scalars(
        select(AuditEvent.entity_id).where(
            AuditEvent.action == "id_number_registered_elsewhere", AuditEvent.actor_id == coordinator.id
        )
    ).all()
    assert sorted(told) == sorted(str(other.id) for other in others)


def test_a_file_that_would_tell_of_too_many_people_registered_elsewhere_is_refused_whole(
    client, coordinator, make, app
):
    app.config["REGISTERED_ELSEWHERE_LIMIT"] = 1
    others = [make.trainee(county_code="610929") for _ in range(2)]
    db.session.commit()
    html = upload(client, workbook([person(id_number=other.id_number) for other in others] + [person()])).get_data(
        as_text=True
    )
    assert any("registering and importing are paused for you for 24 hours" in error for error in errors(html))
    assert "This ID number is already registered" not in html
    html = upload(client, workbook([person()])).get_data(as_text=True)  # nor any other file that day
    assert any("paused" in error for error in errors(html))


def test_a_county_coordinator_enrolls_only_into_cohorts_of_their_county(client, coordinator, make):
    ours = make.cohort(county_code="610924", status=CohortStatus.OPEN)
    theirs = make.cohort(county_code="610902", status=CohortStatus.OPEN)
    db.session.commit()
    html = client.get("/trainees/import/").get_data(as_text=True)
    assert f'value="{ours.id}"' in html and f'value="{theirs.id}"' not in html
    page = upload(client, workbook([person()])).get_data(as_text=True)
    response, _ = commit(client, page, cohort_id=str(theirs.id))
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert trainees() == 0


def test_commit_enrolls_into_the_chosen_cohort(client, coordinator, make):
    cohort = make.cohort(county_code="610924", status=CohortStatus.OPEN)
    db.session.commit()
    page = upload(client, workbook([person(), person()]), cohort_id=str(cohort.id)).get_data(as_text=True)
    assert f'<option selected value="{cohort.id}">' in page
    response, _ = commit(client, page, cohort_id=str(cohort.id))
    assert texts(response.get_data(as_text=True), "result-enrolled") == ["2"]
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 2


def test_an_enrollment_refusal_shows_the_row_and_the_rule_and_imports_nothing(client, coordinator, make):
    cohort = make.cohort(county_code="610924", status=CohortStatus.OPEN)
    done = make.trainee(name="赵已培训")
    earlier = make.cohort(course=cohort.course, start_date=cohort.start_date.replace(year=2023))
    make.enrollment(trainee=done, cohort=earlier, status=EnrollmentStatus.COMPLETED)
    db.session.commit()
    page = upload(client, workbook([person(), person(id_number=done.id_number, name="赵已培训")])).get_data(
        as_text=True
    )
    response, _ = commit(client, page, cohort_id=str(cohort.id))
    refusal = texts(response.get_data(as_text=True), "import-refusal")
    assert refusal and refusal[0].startswith("Row 4 (赵已培训) cannot be enrolled")
    assert trainees() == 1


def test_a_change_in_the_registry_since_the_preview_refuses_and_shows_the_new_preview(client, coordinator, make):
    people = [person(), person()]
    page = upload(client, workbook(people)).get_data(as_text=True)
    make.trainee(id_number=people[1]["id_number"], name="别人先登记")
    db.session.commit()
    response, _ = commit(client, page)
    html = response.get_data(as_text=True)
    assert "The registry changed since the preview" in html
    assert texts(html, "count-update") == ["1"]
    assert trainees() == 1


def test_a_large_file_is_committed_by_a_background_job(client, coordinator, monkeypatch):
    from training.jobs import services as jobs

    monkeypatch.setattr(uploads, "LARGE_IMPORT_ROWS", 2)
    monkeypatch.setattr(views, "enqueue", jobs.run)  # the worker, in this process
    page = upload(client, workbook([person(), person(), person()])).get_data(as_text=True)
    response, _ = commit(client, page)
    assert response.status_code == 302 and response.location.startswith("/jobs/")
    job = db.session.scalars(select(Job)).one()
    assert (job.status, job.result["created"]) == (JobStatus.DONE, 3)
    assert trainees() == 3


def test_discarding_an_upload_deletes_it(client, coordinator):
    page = upload(client, workbook([person()])).get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    client.submit(f"/trainees/import/{token}/discard", page=f"/trainees/import/{token}")
    assert uploads.find_upload(token, coordinator.id) is None


def test_a_failure_midway_through_the_commit_leaves_nothing_and_keeps_the_upload(client, coordinator, monkeypatch):
    page = upload(client, workbook([person() for _ in range(4)])).get_data(as_text=True)
    written = fail_after_the_trainees_are_written(monkeypatch)
    with pytest.raises(RuntimeError):
        commit(client, page)
    assert written == [4]
    assert trainees() == 0
    token = TOKEN.search(page).group(1)
    assert uploads.find_upload(token, coordinator.id) is not None  # the user can try again


def in_imports(app) -> set[str]:
    folder = Path(app.instance_path) / "imports"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def test_a_small_workbook_of_a_million_ignored_rows_is_refused_with_a_message_and_not_kept(client, coordinator, app):
    before = in_imports(app)
    response = upload(client, sheet_of_rows(1_048_574))
    assert response.status_code == 200
    assert any("The file holds more than 1,500,000 cells" in error for error in errors(response.get_data(as_text=True)))
    assert in_imports(app) == before


def test_an_upload_whose_reading_is_cut_short_is_not_kept(client, coordinator, app, monkeypatch):
    def timed_out(*args, **kwargs):
        raise SystemExit(1)  # what gunicorn's timeout raises in a sync worker

    monkeypatch.setattr(openpyxl, "load_workbook", timed_out)
    before = in_imports(app)
    with pytest.raises(SystemExit):
        upload(client, workbook([person()]))
    assert in_imports(app) == before


def test_the_roster_template_is_offered_and_read_back_as_one_valid_row(client, coordinator):
    page = client.get("/trainees/import/").get_data(as_text=True)
    assert 'href="/trainees/import/template.xlsx"' in page
    response = client.get("/trainees/import/template.xlsx")
    assert response.status_code == 200 and response.mimetype == views.XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == [
        "姓名",
        "身份证号",
        "联系电话",
        "区县",
        "乡镇",
        "村(社区)",
        "人员类别",
        "文化程度",
    ]
    assert sheet.column_dimensions["B"].number_format == "@" and sheet["B2"].number_format == "@"
    assert sheet["D2"].value == "紫阳县"  # the coordinator's county: the example is valid for them
    html = upload(client, response.data, name="trainee-roster-template.xlsx").get_data(as_text=True)
    assert [texts(html, f"count-{kind}") for kind in ("create", "update", "skip", "error")] == [
        ["1"],
        ["0"],
        ["0"],
        ["0"],
    ]
    assert errors(html) == [] and texts(html, "error-row") == []
    assert trainees() == 0
