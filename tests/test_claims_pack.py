"""A claim's evidence pack: the documents, a folder per claimed trainee (attendance summary, certificate
or its scan, placement and its evidence files), a manifest whose SHA-256 match every file; built by a
background job, streamed into a temporary file renamed when complete, so that a worker killed midway
leaves no pack offered and the requeued job builds it; reached only within the claim's scope."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import signal
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.support.claims import build_claim
from tests.support.consumers import share_with_worker, start_consumer, stop_consumer
from training.certificates import issuing, storage
from training.claims import pack, pack_job
from training.extensions import db
from training.jobs import services
from training.jobs.queue import make_huey
from training.jobs.worker import run_job
from training.models import AuditEvent, ClaimStatus, Job, JobStatus, PlacementEvidence, utcnow

PDF_BYTES = b"%PDF-1.4\n% a contract\n" + bytes(range(256)) * 40
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"wage slip" * 500


@pytest.fixture
def folders(app, tmp_path):
    app.config.update(
        CERTIFICATE_DIR=str(tmp_path / "certificates"),
        EVIDENCE_DIR=str(tmp_path / "evidence"),
        CLAIM_PACK_DIR=str(tmp_path / "packs"),
    )
    return tmp_path


def stored(data: bytes) -> str:
    """An uploaded file as training/files.py keeps it: EVIDENCE_DIR/<sha[:2]>/<sha>."""
    sha = hashlib.sha256(data).hexdigest()
    path = Path(current_app.config["EVIDENCE_DIR"]) / sha[:2] / sha
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return sha


def evidenced_claim(make, trainees: int = 3, ineligible: int = 1, external: bool = True):
    """A claim whose claimed trainees have attendance (two of three sessions marked), an issued
    certificate (the first, if `external`, a scanned 职业技能等级证书 instead), and a placement with a
    contract and a wage slip stored as uploads."""
    claim = build_claim(make, trainees=trainees, ineligible=ineligible)
    cohort = claim.cohort
    start = datetime(2026, 5, 1, 1, tzinfo=UTC)
    sessions = [make.session(cohort, starts_at=start + timedelta(days=day), topic=f"第{day + 1}课") for day in range(3)]
    claimed = [line for line in claim.lines if line.eligible]
    issued = issuing.issue_batch(cohort.id, [line.enrollment_id for line in claimed], None).issued
    serials = {certificate.enrollment_id: certificate.serial for certificate in issued}
    for n, line in enumerate(claimed):
        snapshot = {**line.snapshot, "certificate_number": serials[line.enrollment_id]}
        if external and n == 0:
            scan = make.external_certificate(line.enrollment, scan_sha256=stored(PNG_BYTES), scan_type="image/png")
            snapshot |= {"certificate_kind": "skill_level", "certificate_number": scan.number}
        line.snapshot = snapshot
        make.attendance(line.enrollment, sessions[0], "present", method="qr", marked_at=start + timedelta(minutes=3))
        make.attendance(line.enrollment, sessions[1], "late", method="roster", marked_at=start + timedelta(days=1))
        placement = make.placement(enrollment=line.enrollment)
        for kind, name, kind_type, data in (
            ("contract", "劳动合同.pdf", "application/pdf", PDF_BYTES),
            ("wage_slip", "工资流水.png", "image/png", PNG_BYTES),
        ):
            db.session.add(
                PlacementEvidence(
                    placement=placement,
                    kind=kind,
                    filename=name,
                    content_type=kind_type,
                    size_bytes=len(data),
                    sha256=stored(data),
                )
            )
    db.session.commit()
    return claim


def build_now(claim, user=None) -> Job:
    """The pack's job, run here to its end."""
    from tests.factories import Factories

    user = user or Factories().user("coordinator")
    job, _ = pack_job.start(claim, user, "zh_CN", None)
    db.session.commit()
    services.run(job.id)
    db.session.expire_all()
    return db.session.get(Job, job.id)


def members(claim) -> dict[str, bytes]:
    with zipfile.ZipFile(pack.pack_path(claim.id)) as zipped:
        root = pack.folder_of(claim) + "/"
        return {info.filename.removeprefix(root): zipped.read(info) for info in zipped.infolist()}


def manifest(files: dict[str, bytes]) -> dict[str, str]:
    lines = files[pack.MANIFEST].decode().splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


@pytest.fixture
def claim(app, make, folders):
    return evidenced_claim(make)


# ---------------------------------------------------------------- what the pack holds


def test_the_manifest_gives_the_sha256_of_every_other_file_and_they_match(claim):
    build_now(claim)

    files = members(claim)
    listed = manifest(files)

    assert set(listed) == set(files) - {pack.MANIFEST}
    assert all(hashlib.sha256(files[name]).hexdigest() == digest for name, digest in listed.items())


def test_the_pack_holds_the_documents_and_one_folder_per_claimed_trainee(claim):
    build_now(claim)

    files = members(claim)

    assert {"补贴人员名册（身份证号完整）.xlsx", "补贴人员名册.pdf", "公示名单.pdf"} <= set(files)
    assert "审核报告.pdf" not in files  # not approved
    folders = sorted({name.split("/")[0] for name in files if "/" in name})
    assert folders == [f"{n:02d}-{line.snapshot['name']}" for n, line in enumerate(claim.lines[:2], 1)]


def test_an_approved_claims_pack_holds_the_review_report(claim, make):
    claim.status, claim.approved_by_id, claim.approved_at = ClaimStatus.APPROVED, make.user("reviewer").id, utcnow()
    db.session.commit()

    build_now(claim)

    assert "审核报告.pdf" in members(claim)


def test_a_trainees_folder_holds_attendance_certificate_placement_and_evidence(claim):
    build_now(claim)

    files = members(claim)
    second = f"02-{claim.lines[1].snapshot['name']}"
    serial = claim.lines[1].snapshot["certificate_number"]
    assert sorted(name.removeprefix(second + "/") for name in files if name.startswith(second)) == [
        "就业/01-劳动合同-劳动合同.pdf",
        "就业/02-工资流水-工资流水.png",
        "就业/就业记录.csv",
        "考勤记录.csv",
        f"证书/结业证书-{serial}.pdf",
    ]
    assert files[f"{second}/证书/结业证书-{serial}.pdf"] == storage.path_for(serial).read_bytes()
    assert files[f"{second}/就业/01-劳动合同-劳动合同.pdf"] == PDF_BYTES


def test_an_external_certificate_is_there_as_its_scan(claim):
    build_now(claim)

    files = members(claim)
    first = f"01-{claim.lines[0].snapshot['name']}"
    assert files[f"{first}/证书/{claim.lines[0].snapshot['certificate_number']}.png"] == PNG_BYTES


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_attendance_summary_lists_every_session_its_mark_method_and_time(claim):
    build_now(claim)

    rows = _csv(members(claim)[f"02-{claim.lines[1].snapshot['name']}/考勤记录.csv"])

    assert rows[0][:3] == ["序号", "日期", "开始"] and rows[0][7:10] == ["考勤", "方式", "记录时间"]
    assert [(r[0], r[1], r[6], r[7], r[8], r[9]) for r in rows[1:4]] == [
        ("1", "2026-05-01", "第1课", "出勤", "扫码签到", "2026-05-01 09:03"),
        ("2", "2026-05-02", "第2课", "迟到", "点名册", "2026-05-02 09:00"),
        ("3", "2026-05-03", "第3课", "未点名", "", ""),
    ]
    assert rows[-1][:3] == ["合计", "实到 8.0 课时", "应到 12.0 课时"]


def test_the_placement_summary_names_the_employer_and_lists_the_evidence(claim):
    build_now(claim)

    rows = _csv(members(claim)[f"02-{claim.lines[1].snapshot['name']}/就业/就业记录.csv"])

    assert rows[1][2] == "足部修护师" and rows[1][3] == "定向输送"
    assert [r[1] for r in rows if r and r[0] in ("劳动合同", "工资流水")] == [
        "就业/01-劳动合同-劳动合同.pdf",
        "就业/02-工资流水-工资流水.png",
    ]


def test_a_missing_evidence_file_is_listed_and_the_rest_of_the_pack_is_built(claim, folders):
    evidence = db.session.scalars(select(PlacementEvidence).where(PlacementEvidence.kind == "contract")).first()
    (folders / "evidence" / evidence.sha256[:2] / evidence.sha256).unlink()  # both trainees' contract: one file

    job = build_now(claim)

    files = members(claim)
    assert job.status == JobStatus.DONE and job.result["missing"] == 2
    assert files[pack.MISSING].decode().count("文件缺失") == 2
    assert [failure["item"] for failure in job.failures] == [
        f"0{n}-{claim.lines[n - 1].snapshot['name']}" for n in (1, 2)
    ]


def test_a_stored_file_that_does_not_match_its_hash_is_flagged(claim, folders):
    evidence = db.session.scalars(select(PlacementEvidence).where(PlacementEvidence.kind == "contract")).first()
    (folders / "evidence" / evidence.sha256[:2] / evidence.sha256).write_bytes(b"%PDF-1.4 altered")

    job = build_now(claim)

    assert "与登记的 SHA-256 不符" in members(claim)[pack.MISSING].decode()
    assert "does not match the SHA-256" in job.failures[0]["reason"]


def test_a_not_eligible_trainee_has_no_folder(claim):
    build_now(claim)

    assert not [name for name in members(claim) if claim.lines[2].snapshot["name"] in name]


def test_the_pack_file_is_readable_by_the_service_only(claim):
    build_now(claim)

    assert pack.pack_path(claim.id).stat().st_mode & 0o077 == 0


# ---------------------------------------------------------------- a build that stops


def test_a_build_stopped_midway_leaves_no_pack_and_no_temporary_file(claim, make, folders):
    job, _ = pack_job.start(claim, make.user("coordinator"), "zh_CN", None)
    db.session.commit()
    steps = pack_job.build_pack(job)
    next(steps), next(steps), next(steps)  # the totals, the documents, the first trainee

    assert list((folders / "packs").glob(".claim-*.part"))
    steps.close()  # the runner lets go of it: the job was taken over, or failed

    assert list((folders / "packs").iterdir()) == []


def test_a_rebuild_replaces_the_pack_whole(claim):
    build_now(claim)
    first = pack.pack_path(claim.id).stat().st_ino

    build_now(claim)

    assert pack.pack_path(claim.id).stat().st_ino != first
    assert list(pack.pack_dir().glob(".claim-*")) == []


def test_temporary_files_a_day_old_are_removed(app, folders):
    directory = pack.pack_dir()
    old, fresh = directory / ".claim-1-a.part", directory / ".claim-1-b.part"
    for path in (old, fresh):
        path.write_bytes(b"PK")
    a_day_ago = time.time() - pack.TEMPORARY_KEEP_SECONDS - 60
    os.utime(old, (a_day_ago, a_day_ago))

    assert pack.purge_temporary() == 1
    assert not old.exists() and fresh.exists()


# ---------------------------------------------------------------- the pages


def test_starting_the_pack_queues_one_job_and_shows_its_progress(client, auth, claim, monkeypatch):
    queued = []
    monkeypatch.setattr("training.claims.document_views.enqueue", queued.append)
    auth.login("coordinator", county=claim.cohort.county_code)

    first = client.submit(f"/claims/{claim.id}/pack", page=f"/claims/{claim.id}/documents")
    again = client.submit(f"/claims/{claim.id}/pack", page=f"/claims/{claim.id}/documents")

    [job] = db.session.scalars(select(Job).where(Job.kind == pack_job.KIND)).all()
    assert queued == [job.id]
    assert first.headers["Location"] == again.headers["Location"] == f"/jobs/{job.id}"
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "claim_pack_requested")) == 1


def test_the_progress_page_leads_back_to_the_claims_documents(client, auth, claim, monkeypatch):
    monkeypatch.setattr("training.claims.document_views.enqueue", lambda job_id: None)
    auth.login("coordinator", county=claim.cohort.county_code)

    response = client.submit(f"/claims/{claim.id}/pack", page=f"/claims/{claim.id}/documents", follow_redirects=True)

    assert f'href="/claims/{claim.id}/documents"' in response.get_data(as_text=True)


@pytest.mark.parametrize("role, county", [("coordinator", "610902"), ("trainer", "610924"), ("trainee", "610924")])
def test_nobody_out_of_scope_starts_a_pack(client, auth, claim, monkeypatch, role, county):
    monkeypatch.setattr("training.claims.document_views.enqueue", lambda job_id: None)
    auth.login(role, county=county)

    response = client.post(f"/claims/{claim.id}/pack", data={"csrf_token": client.csrf_token("/account/password")})

    assert response.status_code in (403, 404)
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_pack_not_built_yet_is_not_offered(client, auth, claim):
    auth.login("coordinator", county=claim.cohort.county_code)

    response = client.get(f"/claims/{claim.id}/pack.zip", follow_redirects=True)

    assert response.request.path == f"/claims/{claim.id}/documents"
    assert "The evidence pack has not been built yet." in response.get_data(as_text=True)


def test_the_built_pack_is_downloaded_and_the_download_audited(client, auth, claim):
    build_now(claim)
    user = auth.login("reviewer")

    response = client.get(f"/claims/{claim.id}/pack.zip")

    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.data == pack.pack_path(claim.id).read_bytes()
    response.close()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "claim_document_downloaded")).one()
    assert (event.actor_id, event.after) == (user.id, {"document": "pack.zip"})


def test_a_coordinator_of_another_county_cannot_download_the_pack(client, auth, claim):
    build_now(claim)
    auth.login("coordinator", county="610902")

    assert client.get(f"/claims/{claim.id}/pack.zip").status_code == 403


def test_the_documents_page_offers_the_built_pack(client, auth, claim):
    build_now(claim)
    auth.login("coordinator")

    html = client.get(f"/claims/{claim.id}/documents").get_data(as_text=True)

    assert f"/claims/{claim.id}/pack.zip" in html and "Build the evidence pack again" in html


def test_the_export_command_builds_the_pack_too(runner, claim, tmp_path):
    result = runner.invoke(args=["claims", "export", str(claim.id), "--out", str(tmp_path / "out"), "--pack"])

    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "out" / f"{pack.folder_of(claim)}.zip") as zipped:
        assert f"{pack.folder_of(claim)}/{pack.MANIFEST}" in zipped.namelist()


# ---------------------------------------------------------------- the worker killed


@pytest.fixture
def worker_env(app, database_url, tmp_path, monkeypatch) -> dict[str, str]:
    env = share_with_worker(app, database_url, tmp_path, monkeypatch)
    for name, folder in (("EVIDENCE_DIR", "evidence"), ("CLAIM_PACK_DIR", "packs")):
        env[name] = str(tmp_path / folder)
        monkeypatch.setenv(name, env[name])
        app.config[name] = env[name]
    return env


def _wait_until(check, process, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        if check():
            return
        assert process.poll() is None, f"the consumer died before {what}"
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.slow
def test_a_worker_killed_midway_leaves_no_pack_offered_and_the_requeued_job_builds_it(
    app, make, client, auth, worker_env, tmp_path
):
    claim = evidenced_claim(make, trainees=4, ineligible=0)
    job, _ = pack_job.start(claim, make.user("coordinator"), "zh_CN", None)
    db.session.commit()
    enqueue = make_huey().task(retries=2, retry_delay=5)(run_job.func)
    marker = tmp_path / "paused"
    pause = {"JFW_FAULT_PAUSE": "training.claims.pack_contents:attendance_summary:3", "JFW_FAULT_MARKER": str(marker)}
    first, first_log = start_consumer(worker_env | pause, tmp_path / "first.log", "tests.support.faults_worker.huey")
    second = None
    try:
        enqueue(job.id)
        _wait_until(marker.exists, first, "the third trainee")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        assert not pack.pack_path(claim.id).exists()
        assert list(Path(worker_env["CLAIM_PACK_DIR"]).glob(".claim-*.part"))  # the half-written one
        auth.login("coordinator", county=claim.cohort.county_code)
        assert client.get(f"/claims/{claim.id}/pack.zip").status_code == 302  # not offered

        second, second_log = start_consumer(worker_env, tmp_path / "second.log", "tests.support.faults_worker.huey")
        stale = timedelta(minutes=app.config["JOB_STALE_MINUTES"])
        assert services.requeue_stale(utcnow() + stale + timedelta(seconds=1), stale) == [job.id]
        enqueue(job.id)
        _wait_until(
            lambda: db.session.get(Job, job.id).status in (JobStatus.DONE, JobStatus.FAILED), second, "the rerun"
        )
    finally:
        stop_consumer(first, first_log)
        if second is not None:
            stop_consumer(second, second_log)

    done = db.session.get(Job, job.id)
    assert (done.status, done.done, done.total, done.failures) == (JobStatus.DONE, 5, 5, [])
    files = members(claim)
    assert len({name.split("/")[0] for name in files if "/" in name}) == 4
    assert all(hashlib.sha256(files[name]).hexdigest() == digest for name, digest in manifest(files).items())
    assert list(Path(worker_env["CLAIM_PACK_DIR"]).glob(".claim-*.part")) == []  # the rerun wrote the same name
