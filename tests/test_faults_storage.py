"""The certificate store fills up while a cohort is issued: the job names each certificate it
could not store, no row is committed without its file, and issuing again once there is room
issues exactly the missing ones. (tests/test_certificates_issue.py covers an unwritable folder
and a failed batch's files; these add a real full file system and a batch that fails after
another succeeded.)"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from training.certificates import services as certificate_services
from training.certificates import storage
from training.extensions import db
from training.jobs import services
from training.models import AuditEvent, Certificate, CohortStatus, Job


@pytest.fixture
def cohort(app, make):
    cohort = make.cohort(status=CohortStatus.FINISHED, county_code="610924")
    for n in range(12):
        make.graduate(cohort=cohort, name=f"存储学员{n:02d}")
    db.session.commit()
    return cohort


def _issue(cohort) -> Job:
    """Start issuing as the page does and run the job here, as the worker would."""
    job = certificate_services.start_issuing(cohort, None, None, "en")
    db.session.commit()
    services.run(job.id)
    db.session.expire_all()
    return db.session.get(Job, job.id)


def _every_row_has_its_file() -> list[Certificate]:
    rows = db.session.scalars(select(Certificate)).all()
    for certificate in rows:
        path = storage.path_for(certificate.serial)
        assert path.is_file() and storage.sha256(path.read_bytes()) == certificate.pdf_sha256, certificate.serial
    return rows


@pytest.fixture
def small_disk(app, tmp_path):
    """A real 8 MiB file system for the certificate folder (tmpfs: needs root)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.strip()}")
    app.config["CERTIFICATE_DIR"] = str(mount / "certificates")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(mount: Path) -> Path:
    filler = mount / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_fails_each_certificate_by_name_and_commits_none(app, cohort, small_disk):
    (small_disk / "certificates").mkdir()
    filler = _fill(small_disk)

    job = _issue(cohort)

    assert job.status == "done"
    assert sorted(f["item"] for f in job.failures) == [f"存储学员{n:02d}" for n in range(12)]
    assert all("No space left on device" in f["reason"] for f in job.failures)
    assert job.result["issued"] == 0 and job.result["failed"] == 12
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "certificate_issued"))
        == 0
    )
    assert [p.name for p in (small_disk / "certificates").iterdir()] == []

    filler.unlink()
    again = _issue(cohort)

    assert again.failures == [] and again.result["issued"] == 12
    assert len(_every_row_has_its_file()) == 12


def test_a_disk_that_fills_during_the_second_batch_keeps_the_first_and_names_the_rest(
    app, cohort, tmp_path, monkeypatch
):
    app.config["CERTIFICATE_DIR"] = str(tmp_path / "certificates")
    real_write, written = storage.write_durably, []

    def full_after_ten(path, data):
        if len(written) >= 10:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(path, data)
        written.append(path)

    monkeypatch.setattr(storage, "write_durably", full_after_ten)

    job = _issue(cohort)  # batches of 10 and 2

    assert job.result["issued"] == 10 and job.result["failed"] == 2
    assert sorted(f["item"] for f in job.failures) == ["存储学员10", "存储学员11"]
    assert len(_every_row_has_its_file()) == 10
    assert len(list(storage.certificate_dir().glob("*.pdf"))) == 10

    monkeypatch.setattr(storage, "write_durably", real_write)
    again = _issue(cohort)

    assert again.result == {"issued": 2, "skipped": 0, "failed": 0, "cohort_id": cohort.id}
    rows = _every_row_has_its_file()
    assert len(rows) == 12 and len({c.enrollment_id for c in rows}) == 12
