"""Background jobs through a real Huey consumer process, on SQLite storage and on Redis."""

from __future__ import annotations

import os
import time

import pytest

from tests.conftest import AuthActions
from tests.support import jobs_worker
from tests.support.consumers import start_consumer, stop_consumer
from training.extensions import db
from training.jobs import services
from training.jobs.queue import make_huey
from training.models import Job, JobStatus

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("JFW_TEST_REDIS_URL", "")


@pytest.fixture(params=["sqlite", "redis"])
def queue_env(request, tmp_path, database_url, monkeypatch) -> dict[str, str]:
    """The environment a worker and the enqueuing side share: queue storage and database."""
    env = {"DATABASE_URL": database_url, "JINFANWAN_INSTANCE": os.environ["JINFANWAN_INSTANCE"]}
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("JFW_TEST_REDIS_URL is not set (make test starts a Redis server and sets it)")
        env["REDIS_URL"] = REDIS_URL
        monkeypatch.delenv("HUEY_SQLITE_PATH", raising=False)
    else:
        env["HUEY_SQLITE_PATH"] = str(tmp_path / "queue.sqlite")
        monkeypatch.delenv("REDIS_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def queue(queue_env):
    """A Huey instance on the shared storage, with the real task registered under its real name."""
    huey = make_huey()
    huey.flush()  # nothing left over from an earlier run on the same Redis
    return huey.task(retries=2, retry_delay=5)(jobs_worker.run_job.func)


@pytest.fixture
def consumer(queue_env, queue, tmp_path):
    """A real consumer process: one thread, short polling delays; always stopped afterwards."""
    process, log = start_consumer(queue_env, tmp_path / "consumer.log", "tests.support.jobs_worker.huey", "-C")
    yield process
    stop_consumer(process, log)


def _wait_for(job_id: str, consumer, statuses=(JobStatus.DONE, JobStatus.FAILED), timeout: float = 30) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # end our snapshot: see what the worker committed
        job = db.session.get(Job, job_id)
        if job.status in statuses:
            return job
        assert consumer.poll() is None, "the consumer died"
        time.sleep(0.1)
    pytest.fail(f"job {job_id} still {job.status} after {timeout} s")


def _start(make, queue, kind="count_to", **params):
    owner = make.user("coordinator", county_code="610924")
    job = services.create_job(kind, params, created_by_id=owner.id)
    db.session.commit()
    queue(job.id)
    return owner, job.id


def test_a_job_runs_to_the_end_in_a_real_worker(app, make, queue, consumer):
    owner, job_id = _start(make, queue, n=5, refuse=[3])

    job = _wait_for(job_id, consumer)

    assert job.status == JobStatus.DONE
    assert (job.done, job.total, job.percent) == (5, 5, 100)
    assert job.failures == [{"row": 3, "error": "refused"}]
    assert job.result == {"counted": 4}
    assert job.started_at is not None and job.finished_at >= job.started_at


def test_a_job_that_crashes_is_marked_failed_with_the_work_done_so_far(app, make, queue, consumer):
    owner, job_id = _start(make, queue, kind="explode")

    job = _wait_for(job_id, consumer)

    assert job.status == JobStatus.FAILED
    assert (job.done, job.total) == (1, 2)
    assert job.finished_at is not None


def test_the_creator_sees_the_jobs_progress_and_others_do_not(app, client, make, queue, consumer):
    owner, job_id = _start(make, queue, n=3)
    _wait_for(job_id, consumer)

    AuthActions(client, make).login(owner)
    progress = client.get(f"/jobs/{job_id}.json")
    page = client.get(f"/jobs/{job_id}")
    stranger = app.test_client()
    AuthActions(stranger, make).login("coordinator", county="610924")

    assert progress.status_code == 200
    assert {k: progress.json[k] for k in ("id", "kind", "status", "done", "total", "percent", "failures")} == {
        "id": job_id,
        "kind": "count_to",
        "status": "done",
        "done": 3,
        "total": 3,
        "percent": 100,
        "failures": [],
    }
    assert page.status_code == 200
    assert stranger.get(f"/jobs/{job_id}.json").status_code == 404
    assert stranger.get(f"/jobs/{job_id}").status_code == 404


def test_an_unknown_job_kind_cannot_be_created(app):
    with pytest.raises(KeyError):
        services.create_job("no_such_kind", {}, created_by_id=None)
