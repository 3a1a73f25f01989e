"""Creating jobs and running them step by step, committing progress after every step.

A job handler is a generator: it does one unit of work (one certificate, one chunk of
rows), then yields a Step. The runner commits after each step, so the work and the
progress the page polls move together, and a crash loses only the unit in progress.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

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
    job = Job(id=secrets.token_hex(16), kind=kind, params=params, created_by_id=created_by_id, total=total)
    db.session.add(job)
    return job


def run(job_id: str) -> None:
    """Run a job to the end; a job already done is left alone, so a redelivered task is harmless."""
    job = db.session.get(Job, job_id)
    if job is None or job.status == JobStatus.DONE:
        return
    job.status, job.started_at, job.message = JobStatus.RUNNING, job.started_at or utcnow(), ""
    db.session.commit()
    try:
        for step in HANDLERS[job.kind](job):
            _apply(job, step)
            db.session.commit()
    except Exception as error:  # the job's page must say it failed, whatever the cause
        db.session.rollback()
        log.exception("job failed", extra={"job_id": job_id})
        job = db.session.get(Job, job_id)
        job.status, job.finished_at = JobStatus.FAILED, utcnow()
        job.message = job.message or type(error).__name__
        db.session.commit()
        raise
    job.status, job.finished_at = JobStatus.DONE, utcnow()
    db.session.commit()


def _apply(job: Job, step: Step) -> None:
    if step.total is not None:
        job.total = step.total
    job.done += step.done
    if step.failures:
        job.failures = [*job.failures, *step.failures]
    if step.message is not None:
        job.message = step.message
    if step.result is not None:
        job.result = step.result
