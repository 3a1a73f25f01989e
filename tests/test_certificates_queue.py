"""Issuing through the real task queue: a huey consumer process issues a small cohort's certificates."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.support.consumers import start_consumer, stop_consumer
from training.certificates import qr, storage
from training.extensions import db
from training.models import Certificate, CohortStatus, Job, JobStatus

pytestmark = pytest.mark.slow


def wait_for(job_id: str, consumer, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            return job
        assert consumer.poll() is None, "the consumer died"
        time.sleep(0.1)
    pytest.fail(f"job {job_id} still {job.status} after {timeout} s")


def test_a_worker_process_issues_a_cohort_started_from_the_page(app, client, make, enqueue, consumer):
    cohort = make.cohort(status=CohortStatus.FINISHED, county_code="610924")
    for n in range(4):
        make.graduate(cohort=cohort, name=f"安康学员{n}")
    coordinator = make.user("coordinator", county_code="610924")
    db.session.commit()
    AuthActions(client, make).login(coordinator)

    response = client.submit(
        f"/cohorts/{cohort.id}/certificates/issue", {"scope": "all"}, page=f"/cohorts/{cohort.id}/certificates"
    )
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    job = wait_for(job_id, consumer)

    assert (job.status, job.done, job.total, job.failures) == ("done", 4, 4, [])
    assert client.get(f"/jobs/{job_id}.json").json["percent"] == 100
    issued = db.session.scalars(select(Certificate)).all()
    assert len(issued) == 4
    for certificate in issued:
        data = storage.path_for(certificate.serial).read_bytes()
        assert storage.sha256(data) == certificate.pdf_sha256
        [url] = qr.qr_texts(data)
        assert url.endswith(f"/verify/{certificate.serial}?t={certificate.token}")


@pytest.mark.parametrize("worker_kind", ["thread", "process"])
def test_a_large_batch_is_issued_by_thread_and_process_workers_alike(
    app, make, enqueue, worker_env, tmp_path, worker_kind
):
    """Thread workers lay a 24-page batch out in their render pool; a process worker (daemonic: it may
    not start processes) lays it out itself. Either way every certificate is issued, once."""
    job = make.issuing_job(graduates=24)
    env = worker_env | {"CERTIFICATE_BATCH_SIZE": "24", "CERTIFICATE_RENDER_PROCESSES": "2"}
    process, log = start_consumer(
        env, tmp_path / "consumer.log", "tests.support.jobs_worker.huey", "-C", "-k", worker_kind
    )
    try:
        enqueue(job.id)
        done = wait_for(job.id, process)
    finally:
        stop_consumer(process, log)

    assert (done.status, done.done, done.failures) == ("done", 24, [])
    issued = db.session.scalars(select(Certificate).order_by(Certificate.serial)).all()
    assert len({c.enrollment_id for c in issued}) == 24
    assert qr.qr_texts(storage.path_for(issued[-1].serial).read_bytes())[0].endswith(issued[-1].token)
