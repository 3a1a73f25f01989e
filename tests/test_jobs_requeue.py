"""Jobs whose worker died: found by their old heartbeat, put back on the queue once, run by one worker."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from tests.support import jobs_worker  # noqa: F401  (registers the count_to job kind)
from training import audit
from training.extensions import db
from training.jobs import services, worker
from training.jobs.services import Step, handler
from training.models import AuditEvent, Job, JobStatus, utcnow

STALE = timedelta(minutes=10)


def job(make, status: str, heartbeat_minutes_ago: float | None, n: int = 3, done: int = 0) -> str:
    owner = make.user("coordinator", county_code="610924")
    created = services.create_job("count_to", {"n": n}, created_by_id=owner.id, total=n)
    created.status, created.done = status, done
    created.heartbeat_at = (
        None if heartbeat_minutes_ago is None else utcnow() - timedelta(minutes=heartbeat_minutes_ago)
    )
    if heartbeat_minutes_ago is None:
        created.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    return created.id


def status(job_id: str) -> tuple[str, int]:
    db.session.expire_all()
    found = db.session.get(Job, job_id)
    return found.status, found.done


def test_a_running_job_silent_for_too_long_goes_back_on_the_queue_once(make):
    lost = job(make, JobStatus.RUNNING, heartbeat_minutes_ago=11, done=1)

    first = services.requeue_stale(utcnow(), STALE)
    again = services.requeue_stale(utcnow(), STALE)  # another worker, a moment later

    assert first == [lost] and again == []
    assert status(lost) == (JobStatus.QUEUED, 1)  # the work done so far is kept


def test_a_queued_job_whose_task_was_lost_is_queued_again(make):
    forgotten = job(make, JobStatus.QUEUED, heartbeat_minutes_ago=30)

    assert services.requeue_stale(utcnow(), STALE) == [forgotten]


def test_a_job_from_before_heartbeats_counts_from_its_creation(make):
    old = job(make, JobStatus.RUNNING, heartbeat_minutes_ago=None)

    assert services.requeue_stale(utcnow(), STALE) == [old]


@pytest.mark.parametrize(
    "state, minutes",
    [
        (JobStatus.RUNNING, 2),  # its worker is still at it
        (JobStatus.QUEUED, 2),  # waiting its turn
        (JobStatus.DONE, 60),
        (JobStatus.FAILED, 60),  # failed for a reason: a person retries it, not the clock
    ],
)
def test_jobs_alive_or_finished_are_left_alone(make, state, minutes):
    left = job(make, state, heartbeat_minutes_ago=minutes)

    assert services.requeue_stale(utcnow(), STALE) == []
    assert status(left)[0] == state


def test_a_job_another_worker_runs_is_not_run_twice(make):
    running = job(make, JobStatus.RUNNING, heartbeat_minutes_ago=0.1, done=1)

    services.run(running)  # a copy of its task delivered to a second worker

    assert status(running) == (JobStatus.RUNNING, 1)


def test_a_requeued_job_resumes_where_its_worker_stopped_and_finishes(make):
    lost = job(make, JobStatus.RUNNING, heartbeat_minutes_ago=11, n=3, done=2)
    [requeued] = services.requeue_stale(utcnow(), STALE)

    services.run(requeued)

    found = db.session.get(Job, lost)
    assert (found.status, found.done, found.result) == (JobStatus.DONE, 3, {"counted": 3})
    assert utcnow() - found.heartbeat_at < timedelta(minutes=1)


def test_every_step_is_a_sign_of_life(make):
    queued = job(make, JobStatus.QUEUED, heartbeat_minutes_ago=5)

    services.run(queued)

    assert utcnow() - db.session.get(Job, queued).heartbeat_at < timedelta(minutes=1)


def test_the_workers_minute_task_enqueues_what_it_requeued(app, make, monkeypatch):
    lost = job(make, JobStatus.RUNNING, heartbeat_minutes_ago=app.config["JOB_STALE_MINUTES"] + 1)
    enqueued = []
    monkeypatch.setattr(worker, "worker_app", lambda: app)
    monkeypatch.setattr(worker, "enqueue", enqueued.append)

    worker.requeue_stale_jobs.call_local()

    assert enqueued == [lost]


def test_the_command_requeues_stale_jobs_and_says_which(app, make, monkeypatch):
    lost = job(make, JobStatus.RUNNING, heartbeat_minutes_ago=3)
    enqueued = []
    monkeypatch.setattr(worker, "enqueue", enqueued.append)

    output = app.test_cli_runner().invoke(args=["jobs", "requeue", "--stale-minutes", "2"]).output

    assert enqueued == [lost]
    assert f"requeued {lost}" in output and "1 job(s) put back on the queue." in output
    assert db.session.scalars(select(Job.status).where(Job.id == lost)).one() == JobStatus.QUEUED


@handler("slow_step")
def slow_step(job):
    """One step that takes longer than a heartbeat; says when it saw the job last marked alive."""
    yield Step(done=0, total=1)
    time.sleep(job.params["seconds"])
    with db.engine.connect() as connection:  # what another worker would read meanwhile
        seen = connection.execute(select(Job.heartbeat_at).where(Job.id == job.id)).scalar_one()
    yield Step(done=1, result={"seen": seen.isoformat()})


def test_a_long_step_keeps_the_job_alive(app, make):
    app.config["JOB_STALE_MINUTES"] = 0.02  # 1.2 s; a beat every second
    owner = make.user("coordinator", county_code="610924")
    long_one = services.create_job("slow_step", {"seconds": 2.5}, created_by_id=owner.id)
    db.session.commit()
    started = utcnow()

    services.run(long_one.id)

    seen = datetime.fromisoformat(db.session.get(Job, long_one.id).result["seen"])
    assert seen - started > timedelta(seconds=0.9)  # marked alive during the step, not only before it


def test_only_the_queues_retry_runs_a_failed_job_again(make):
    failed = job(make, JobStatus.FAILED, heartbeat_minutes_ago=1, n=2, done=1)

    services.run(failed)  # a duplicate of its task: the failure stands
    assert status(failed) == (JobStatus.FAILED, 1)

    services.run(failed, retry=True)
    assert status(failed) == (JobStatus.DONE, 2)


@handler("taken_over")
def taken_over(job):
    """A step that writes something, during which another worker takes the job over."""
    yield Step(done=0, total=1)
    audit.record("step_work", "job", job.id)
    with db.engine.begin() as connection:  # the other worker: the job requeued, then claimed
        connection.execute(update(Job).where(Job.id == job.id).values(claim="another-worker", status="running"))
    yield Step(done=1, message="this step must not be kept")
    raise AssertionError("a run taken over goes no further")


def test_a_run_whose_job_was_taken_over_keeps_nothing_and_stops(make):
    owner = make.user("coordinator", county_code="610924")
    lost = services.create_job("taken_over", {}, created_by_id=owner.id)
    db.session.commit()

    services.run(lost.id)

    db.session.expire_all()
    found = db.session.get(Job, lost.id)
    assert (found.claim, found.status, found.done) == ("another-worker", JobStatus.RUNNING, 0)
    assert found.message != "this step must not be kept"
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "step_work")).all() == []


def test_requeuing_takes_the_claim_away(make):
    lost = job(make, JobStatus.RUNNING, heartbeat_minutes_ago=11)
    db.session.get(Job, lost).claim = "dead-worker"
    db.session.commit()

    services.requeue_stale(utcnow(), STALE)

    assert db.session.get(Job, lost).claim is None
