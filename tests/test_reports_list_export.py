"""The trainee list export: a background job writing a private file, masked IDs unless a reason
is given (and audited), county scope, no formulas, and a download for its creator only."""

from __future__ import annotations

import csv
import io
import os
import stat
from urllib.parse import urlencode

import openpyxl
import pytest
from sqlalchemy import select

from tests.support.reports import HANBIN, PERIOD
from training.extensions import db
from training.identity import mask_id_number
from training.jobs import services as jobs
from training.models import AuditEvent, Job, JobStatus
from training.reports import list_export
from training.reports import views as report_views

EXPORT_URL = "/reports/exports?" + urlencode(PERIOD)
PAGE = "/reports?" + urlencode(PERIOD)


@pytest.fixture(autouse=True)
def run_in_process(monkeypatch):
    monkeypatch.setattr(report_views, "enqueue", jobs.run)  # the worker, in this process


def export(client, **form) -> Job:
    response = client.submit(EXPORT_URL, {"format": "csv", **form}, page=PAGE)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    job = db.session.scalar(select(Job).order_by(Job.created_at.desc()))
    assert response.headers["Location"].endswith(f"/reports/exports/{job.id}")
    return job


def csv_list(path) -> tuple[list[list[str]], list[list[str]]]:
    """(preamble rows, list rows after the header)."""
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    header = next(i for i, row in enumerate(rows) if row[:2] == ["姓名", "身份证号"])
    return rows[:header], rows[header + 1 :]


def test_the_export_job_writes_a_private_file_of_every_admission(client, auth, small_city):
    auth.login("coordinator")
    job = export(client)
    db.session.refresh(job)
    assert job.status == JobStatus.DONE and job.done == job.total == 11
    path = list_export.export_path(job.id, "csv")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not path.with_name(path.name + ".part").exists()
    preamble, rows = csv_list(path)
    assert len(rows) == 11
    assert preamble[1][0] == "数据截至"
    assert any("就业率 = 结业后 6 个月内开始就业" in cell for row in preamble for cell in row)


def test_the_list_shows_status_certificate_job_and_follow_up(client, auth, small_city):
    auth.login("coordinator")
    job = export(client)
    _, rows = csv_list(list_export.export_path(job.id, "csv"))
    a1 = small_city.people["a1"]
    row = next(r for r in rows if r[0] == a1.trainee.name)
    assert row[1] == mask_id_number(a1.trainee.id_number)
    assert row[3] == "脱贫人口" and row[5] == "ZY-1" and row[9] == "结业"
    assert row[11] == "上海远元足部修护连锁有限公司" and row[13] == "定向输送" and row[14] == "省外"
    assert row[15] == "6000.00" and row[16] == "2024-02-20" and row[18:] == ["是", "在岗"]
    a4 = next(r for r in rows if r[0] == small_city.people["a4"].trainee.name)
    assert a4[18] == "否"  # a 6-month contract does not count


def test_id_numbers_are_masked_unless_full_ids_are_asked_for(client, auth, small_city):
    auth.login("coordinator")
    _, rows = csv_list(list_export.export_path(export(client).id, "csv"))
    assert all("********" in row[1] for row in rows)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "full_id_export")) is None


def test_full_ids_need_a_reason(client, auth, small_city):
    auth.login("coordinator")
    response = client.submit(EXPORT_URL, {"format": "csv", "full_id": "y", "reason": "  "}, page=PAGE)
    assert response.status_code == 302
    assert db.session.scalar(select(Job)) is None
    assert "Give the reason for exporting full ID numbers" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_a_refused_export_goes_back_to_the_dashboard_whatever_the_query_string_holds(client, auth, small_city):
    auth.login("coordinator")
    url = EXPORT_URL + "&_scheme=javascript&_external=1&_anchor=x"

    response = client.submit(url, {"format": "csv", "full_id": "y", "reason": ""}, page=PAGE)

    assert response.status_code == 302
    assert response.headers["Location"] == "/reports?" + urlencode(PERIOD)


def test_full_ids_with_a_reason_are_exported_and_audited(client, auth, small_city):
    user = auth.login("coordinator")
    job = export(client, full_id="y", reason="社保补贴申报需要完整身份证号")
    _, rows = csv_list(list_export.export_path(job.id, "csv"))
    ids = {p.trainee.id_number for key, p in small_city.people.items() if key not in ("a7", "a8", "d1")}
    assert {row[1] for row in rows} == ids
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "full_id_export"))
    assert (event.actor_id, event.entity_type, event.entity_id) == (user.id, "report_export", job.id)
    assert event.after["reason"] == "社保补贴申报需要完整身份证号"
    assert event.after["criteria"]["date_from"] == "2024-01-01"


def test_the_xlsx_list_has_a_definitions_sheet_and_neutralised_cells(client, auth, small_city):
    a1 = small_city.people["a1"].trainee
    a1.name = "=cmd|' /C calc'!A0"
    db.session.commit()
    auth.login("coordinator")
    job = export(client, format="xlsx")
    path = list_export.export_path(job.id, "xlsx")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["口径说明", "职业技能培训统计"]
    definitions = [cell for row in workbook["口径说明"].iter_rows(values_only=True) for cell in row if cell]
    assert "数据截至" in definitions and any("6个月稳岗率 =" in str(cell) for cell in definitions)
    rows = list(workbook["职业技能培训统计"].iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名", "身份证号") and len(rows) == 12
    names = {row[0] for row in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in names
    wages = {row[15] for row in rows[1:]}
    assert 6000 in wages


def test_a_county_coordinator_exports_only_their_county(client, auth, small_city):
    auth.login("coordinator", county=HANBIN)
    _, rows = csv_list(list_export.export_path(export(client).id, "csv"))
    assert sorted(row[5] for row in rows) == ["HB-1", "HB-1"]


def test_the_creator_downloads_the_file(client, auth, small_city):
    auth.login("coordinator")
    job = export(client)
    page = client.get(f"/reports/exports/{job.id}").get_data(as_text=True)
    assert f"/reports/exports/{job.id}/file" in page
    response = client.get(f"/reports/exports/{job.id}/file")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    response.close()


@pytest.mark.parametrize("other", [{"role_or_user": "coordinator"}, {"role_or_user": "admin"}])
def test_another_user_may_not_download_an_export(client, auth, small_city, other):
    auth.login("coordinator")
    job = export(client)
    auth.logout()
    auth.login(**other)
    assert client.get(f"/reports/exports/{job.id}/file").status_code == 403
    assert client.get(f"/reports/exports/{job.id}").status_code == 403
    denied = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access_denied"))
    assert denied.entity_type == "report_export"


def test_an_unknown_export_is_not_found(client, auth):
    auth.login("coordinator")
    assert client.get("/reports/exports/" + "0" * 32 + "/file").status_code == 404


def test_a_job_that_is_not_an_export_cannot_be_downloaded_through_reports(client, auth, app):
    user = auth.login("coordinator")
    job = Job(
        id="a" * 32,
        kind="certificates_issue",
        created_by_id=user.id,
        status=JobStatus.DONE,
        params={"format": "csv"},
        result={"file": "x"},
    )
    db.session.add(job)
    db.session.commit()
    assert client.get(f"/reports/exports/{job.id}/file").status_code == 403
