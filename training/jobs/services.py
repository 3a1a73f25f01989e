"""Creating jobs and running them step by step, committing progress after every step.

A job handler is a generator: it does one unit of work (one certificate, one chunk of
rows), then yields a Step. The runner commits after each step, so the work and the
progress the page polls move together, and a crash loses only the unit in progress.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, select, update

from training.extensions import db
from training.models import Job, JobStatus, utcnow

log = logging.getLogger(__name__)


@dataclass
class Step:
    done: int = 1
    total: int | None = None
    failures: list[dict] = field(default_factory=list)
    message: str | None = None
    result: dict | None = None


Handler = Callable[[Job], Iterator[Step]]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str):
    """Register a generator function as the handler of a job kind."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def create_job(kind: str, params: dict, created_by_id: int | None, total: int = 0) -> Job:
    """A queued job row; the caller commits, then enqueues it."""
    if kind not in HANDLERS:
        raise KeyError(f"no handler for job kind {kind!r}")
    job = Job(
        id=secrets.token_hex(16),
        kind=kind,
        params=params,
        created_by_id=created_by_id,
        total=total,
        heartbeat_at=utcnow(),
    )
    db.session.add(job)
    return job


def run(job_id: str, *, retry: bool = False, on_step: Callable[[Step], None] | None = None) -> None:
    """Run a job to the end, if no other worker is running it; a job already done is left alone,
    so a task delivered twice is harmless. Only the queue's own retry (`retry`) runs a failed job again.

    Every commit first checks that the job is still this run's: a worker that was taken for dead
    (its job put back on the queue and claimed by another) stops and keeps nothing of its step.
    `on_step` hears of each step once it is committed (the command line's progress bar)."""
    claim = secrets.token_hex(16)
    job = _claim(job_id, utcnow(), retry, claim)
    if job is None:
        return
    stale_minutes = current_app.config["JOB_STALE_MINUTES"]
    with _heartbeat(db.engine, job_id, claim, seconds=min(60.0, max(1.0, stale_minutes * 60 / 10))):
        try:
            for step in HANDLERS[job.kind](job):
                _apply(job, step)
                if not _commit_if_ours(job_id, claim):
                    return
                if on_step is not None:
                    on_step(step)
        except Exception as error:  # the job's page must say it failed, whatever the cause
            db.session.rollback()
            log.exception("job failed", extra={"job_id": job_id})
            job = db.session.get_one(Job, job_id)  # claimed above: it exists
            job.status, job.finished_at = JobStatus.FAILED, utcnow()
            job.message = job.message or type(error).__name__
            if _commit_if_ours(job_id, claim):
                raise
            return
        job.status, job.finished_at = JobStatus.DONE, utcnow()
        _commit_if_ours(job_id, claim)


def _commit_if_ours(job_id: str, claim: str) -> bool:
    """Commit, if the job is still claimed by this run; otherwise roll back and say so. The row
    is locked from the check to the commit (PostgreSQL; SQLite has one writer at a time)."""
    current = db.session.scalar(select(Job.claim).where(Job.id == job_id).with_for_update())
    if current != claim:
        db.session.rollback()
        log.warning("job taken over by another worker: this run stops", extra={"job_id": job_id})
        return False
    db.session.commit()
    return True


@contextmanager
def _heartbeat(engine, job_id: str, claim: str, seconds: float) -> Iterator[None]:
    """While the job runs, a thread marks it alive every `seconds`, on a connection of its own:
    a step that takes long (a large import commits once, at its end) does not look like a dead
    worker. A beat that fails (the database busy or away) is tried again at the next."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(seconds):
            try:
                with engine.begin() as connection:
                    connection.execute(
                        update(Job).where(Job.id == job_id, Job.claim == claim).values(heartbeat_at=utcnow())
                    )
            except Exception:
                log.warning("job heartbeat failed", extra={"job_id": job_id}, exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _claim(job_id: str, now, retry: bool, claim: str) -> Job | None:
    """Mark the job running under this run's claim, in one statement that only one worker can
    win: a job queued (or failed, on the queue's retry), never one done or one another worker runs."""
    claimable = [JobStatus.QUEUED, JobStatus.FAILED] if retry else [JobStatus.QUEUED]
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_(claimable))
        .values(
            status=JobStatus.RUNNING,
            started_at=func.coalesce(Job.started_at, now),
            heartbeat_at=now,
            message="",
            finished_at=None,
            claim=claim,
        )
    ).rowcount  # type: ignore[attr-defined]  # Result.rowcount: CursorResult at run time
    db.session.commit()
    return db.session.get(Job, job_id) if claimed else None


def requeue_stale(now, stale_after: timedelta) -> list[str]:
    """Put back on the queue (status queued) the jobs with no sign of life for `stale_after`: running
    ones whose worker died, queued ones whose task was lost. Returns their ids, for the caller to
    enqueue. Each job is taken by one statement, so two workers doing this at once requeue it once."""
    is_stale = and_(
        Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        func.coalesce(Job.heartbeat_at, Job.created_at) < now - stale_after,
    )
    requeued = []
    for job_id in db.session.scalars(select(Job.id).where(is_stale)).all():
        taken = db.session.execute(
            update(Job).where(Job.id == job_id, is_stale).values(status=JobStatus.QUEUED, heartbeat_at=now, claim=None)
        ).rowcount  # type: ignore[attr-defined]  # Result.rowcount: CursorResult at run time
        if taken:
            requeued.append(job_id)
    db.session.commit()
    if requeued:
        log.warning("stale jobs put back on the queue", extra={"jobs": requeued})
    return requeued


def _apply(job: Job, step: Step) -> None:
    job.heartbeat_at = utcnow()
    if step.total is not None:
        job.total = step.total
    job.done += step.done
    if step.failures:
        job.failures = [*job.failures, *step.failures]
    if step.message is not None:
        job.message = step.message
    if step.result is not None:
        job.result = step.result
