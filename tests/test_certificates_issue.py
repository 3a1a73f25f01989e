"""Issuing a cohort's certificates: files, hashes, text, idempotence, serials, failures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from training.certificates import services, storage
from training.certificates.cli import certificates_cli
from training.certificates.services import CertificateRefused
from training.extensions import db
from training.jobs import services as job_services
from training.models import AuditEvent, Certificate, CohortStatus, Enrollment, EnrollmentStatus, Job


@pytest.fixture(autouse=True)
def own_storage(app, tmp_path):
    """Certificate files and the signing key of this test only."""
    app.config["CERTIFICATE_DIR"] = str(tmp_path / "certificates")
    app.instance_path = str(tmp_path / "instance")


def issue_now(cohort, user=None, ticked=None) -> Job:
    """Start the job as the page does, then run it in this process with the queue's runner."""
    job = services.start_issuing(cohort, user, ticked, "en")
    db.session.commit()
    job_services.run(job.id)
    return db.session.get(Job, job.id)


def certificates() -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).order_by(Certificate.serial)))


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def finished_cohort(make):
    course = make.course(name="足部修护师（五级）", occupation="足部修护师", level=5, total_hours=120)
    cohort = make.cohort(course=course, status=CohortStatus.FINISHED, county_code="610924", code="ZY-T-01")
    for name in ("王秀英", "李桂兰", "张玉梅"):
        make.graduate(cohort=cohort, name=name)
    make.enrollment(cohort=cohort, status=EnrollmentStatus.FAILED, trainee=make.trainee(name="刘未过"))
    db.session.commit()
    return cohort


def test_issuing_a_cohort_stores_one_pdf_per_graduate_with_its_hash_and_the_name_as_text(app, make, finished_cohort):
    coordinator = make.user("coordinator", county_code="610924")

    job = issue_now(finished_cohort, coordinator)

    assert (job.status, job.done, job.total, job.failures) == ("done", 3, 3, [])
    assert job.result["issued"] == 3
    issued = certificates()
    assert sorted(c.snapshot["name"] for c in issued) == ["张玉梅", "李桂兰", "王秀英"]
    for certificate in issued:
        path = storage.path_for(certificate.serial)
        assert path.name == f"{certificate.serial}.pdf"
        assert storage.sha256(path.read_bytes()) == certificate.pdf_sha256
        text = pdftotext(path)
        assert certificate.snapshot["name"] in text
        assert certificate.serial in text and "五级/初级工" in text and "120" in text
        assert certificate.enrollment.trainee.id_number not in text
        assert certificate.enrollment.trainee.id_number[:6] + "********" in text
        assert certificate.issued_by_id == coordinator.id
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "certificate_issued"))
        == 3
    )


def test_serials_count_up_per_year_and_county(app, make, finished_cohort):
    other = make.cohort(status=CohortStatus.FINISHED, county_code="610929")
    make.graduate(cohort=other, name="白河人")
    db.session.commit()

    issue_now(finished_cohort)
    issue_now(other)

    serials = [c.serial for c in certificates()]
    year = certificates()[0].issued_at.year
    assert serials == [
        f"AK-{year}-610924-00001",
        f"AK-{year}-610924-00002",
        f"AK-{year}-610924-00003",
        f"AK-{year}-610929-00001",
    ]


def test_issuing_twice_never_makes_a_second_certificate(app, make, finished_cohort):
    issue_now(finished_cohort)

    with pytest.raises(CertificateRefused):
        services.start_issuing(finished_cohort, None, None, "en")
    assert len(certificates()) == 3


def test_two_jobs_started_together_issue_each_enrollment_once(app, make, finished_cohort):
    first = services.start_issuing(finished_cohort, None, None, "en")
    second = services.start_issuing(finished_cohort, None, None, "en")
    db.session.commit()

    job_services.run(first.id)
    job_services.run(second.id)

    assert len(certificates()) == 3
    second = db.session.get(Job, second.id)
    assert (second.status, second.done, second.failures) == ("done", 3, [])
    assert second.result == {"issued": 0, "skipped": 3, "failed": 0, "cohort_id": finished_cohort.id}


def test_only_the_ticked_trainees_get_certificates(app, make, finished_cohort):
    roster = services.cohort_roster(finished_cohort.id)
    ticked = [row.enrollment.id for row in roster if row.enrollment.trainee.name == "李桂兰"]

    issue_now(finished_cohort, ticked=ticked)

    assert [c.snapshot["name"] for c in certificates()] == ["李桂兰"]


def test_a_cohort_that_has_not_finished_issues_nothing(app, make):
    cohort = make.cohort(status=CohortStatus.RUNNING)
    make.graduate(cohort=cohort)

    with pytest.raises(CertificateRefused):
        services.start_issuing(cohort, None, None, "en")


def test_a_trainee_who_did_not_complete_is_reported_not_issued(app, make, finished_cohort):
    failed = db.session.scalar(
        select(Enrollment).where(
            Enrollment.cohort_id == finished_cohort.id, Enrollment.status == EnrollmentStatus.FAILED
        )
    )
    job = services.start_issuing(finished_cohort, None, None, "en")
    job.params = {**job.params, "enrollment_ids": [*job.params["enrollment_ids"], failed.id]}
    job.total += 1
    db.session.commit()

    job_services.run(job.id)

    job = db.session.get(Job, job.id)
    assert job.failures == [{"item": "刘未过", "reason": "Has not completed the training."}]
    assert len(certificates()) == 3


def test_unwritable_storage_fails_each_certificate_and_keeps_no_rows(app, make, finished_cohort, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the folder should be")
    app.config["CERTIFICATE_DIR"] = str(blocker / "certificates")

    job = issue_now(finished_cohort)

    assert job.status == "done"
    assert sorted(f["item"] for f in job.failures) == ["张玉梅", "李桂兰", "王秀英"]
    assert all("could not be stored" in f["reason"] for f in job.failures)
    assert certificates() == []
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "certificate_issued"))
        == 0
    )
    # the numbers were given back: the next run starts at 1 again
    app.config["CERTIFICATE_DIR"] = str(tmp_path / "certificates")
    issue_now(finished_cohort)
    assert certificates()[0].serial.endswith("-00001")


def test_a_failed_batch_leaves_no_file_behind(app, make, finished_cohort, monkeypatch):
    written = []
    real_write = storage.write_durably

    def disk_full_on_the_second(path, data):
        if path.name.endswith("-00002.pdf"):
            raise OSError(28, "No space left on device")
        real_write(path, data)
        written.append(path)

    monkeypatch.setattr(storage, "write_durably", disk_full_on_the_second)

    job = issue_now(finished_cohort)

    assert len(job.failures) == 3 and "No space left on device" in job.failures[0]["reason"]
    assert len(written) == 2 and not any(path.exists() for path in written)
    assert list(storage.certificate_dir().iterdir()) == []
    assert certificates() == []


def test_html_in_a_name_is_printed_as_text(app, make):
    [certificate] = make.issued(names=["<b>王</b><script>x</script>"])
    db.session.commit()

    text = pdftotext(storage.path_for(certificate.serial))

    assert "<b>王</b><script>x</script>" in text


def test_the_cli_issues_a_cohort_with_a_progress_bar(app, runner, finished_cohort):
    if "certificates" not in app.cli.commands:
        app.cli.add_command(certificates_cli)

    result = runner.invoke(args=["certificates", "issue", "--cohort", "ZY-T-01"])

    assert result.exit_code == 0, result.output
    assert "issued 3, skipped 0" in result.output
    assert len(certificates()) == 3
    job = db.session.scalar(select(Job))
    assert (job.status, job.done, job.total) == ("done", 3, 3)

    again = runner.invoke(args=["certificates", "issue", "--cohort", "ZY-T-01"])
    assert again.exit_code == 0 and "Nobody to issue to" in again.output
    assert len(certificates()) == 3


def test_issue_now_issues_a_finished_cohort_in_process_once(app, finished_cohort):
    assert services.issue_now("ZY-T-01") == 3
    db.session.commit()

    assert services.issue_now("ZY-T-01") == 0
    assert services.issue_now("NO-SUCH-COHORT") == 0
    assert len(certificates()) == 3


class WorkerDied(Exception):
    pass


def test_a_resumed_job_s_summary_counts_every_certificate_of_the_job(app, make):
    app.config["CERTIFICATE_BATCH_SIZE"] = 2
    job = make.issuing_job(graduates=5)

    def die_after_the_first_batch(step) -> None:
        if step.done:
            raise WorkerDied

    with pytest.raises(WorkerDied):
        job_services.run(job.id, on_step=die_after_the_first_batch)
    db.session.expire_all()
    assert db.session.get(Job, job.id).done == 2
    job_services.run(job.id, retry=True)  # the queue's retry takes the job up again

    db.session.expire_all()
    found = db.session.get(Job, job.id)
    assert (found.status, found.done, len(certificates())) == ("done", 5, 5)
    assert found.result == {"issued": 5, "skipped": 0, "failed": 0, "cohort_id": job.params["cohort_id"]}
    assert found.message == "Finished: 5 certificates issued, 0 already had one, 0 failed."
