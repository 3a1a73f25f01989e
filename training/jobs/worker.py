"""What the consumer runs: `huey_consumer training.jobs.worker.huey`.

Importing this module registers every task; each task runs inside an app context of
an app built once per worker process.
"""

from __future__ import annotations

import time
from datetime import timedelta
from functools import lru_cache

from huey import crontab

from training.jobs.queue import huey

__all__ = [
    "enqueue",
    "forget_expired_rate_limits",
    "forget_old_checkin_positions",
    "huey",
    "put_back_stale",
    "requeue_stale_jobs",
    "run_job",
]


@lru_cache(maxsize=1)
def worker_app():
    from training import create_app

    return create_app()


RETRIES = 2


@huey.task(retries=RETRIES, retry_delay=5, context=True)
def run_job(job_id: str, task=None) -> None:
    from training.jobs import services

    # A retry (the queue runs the task again after it failed) may take the failed job up again;
    # any other delivery (a duplicate, a requeue) may not.
    retry = task is not None and task.retries < RETRIES
    with worker_app().app_context():
        services.run(job_id, retry=retry)


def enqueue(job_id: str) -> None:
    """Hand a committed job to the queue."""
    run_job(job_id)


@huey.periodic_task(crontab(minute="*"))
def requeue_stale_jobs() -> None:
    """Every minute, in every consumer: jobs whose worker died go back on the queue."""
    app = worker_app()
    with app.app_context():
        put_back_stale(app.config["JOB_STALE_MINUTES"])


@huey.periodic_task(crontab(minute="*"))
def forget_expired_rate_limits() -> None:
    """Every minute: the database's rate-limit counters (no REDIS_URL) whose window has ended go."""
    from training import ratelimit
    from training.extensions import db

    with worker_app().app_context():
        ratelimit.forget_expired(db.engine, time.time())


@huey.periodic_task(crontab(minute="17", hour="*"))
def forget_old_checkin_positions() -> None:
    """Every hour: raw check-in coordinates older than CHECKIN_POSITION_KEEP_DAYS are removed
    (the distance, the accuracy and the state stay). Idempotent: any consumer may run it."""
    from training.attendance import position
    from training.extensions import db
    from training.models import utcnow

    app = worker_app()
    with app.app_context():
        position.forget_old_positions(utcnow(), app.config["CHECKIN_POSITION_KEEP_DAYS"])
        db.session.commit()


def put_back_stale(stale_minutes: int) -> list[str]:
    """Jobs with no sign of life for `stale_minutes`, marked queued and handed to the queue again
    (in an app context); their ids."""
    from training.jobs import services
    from training.models import utcnow

    stale = services.requeue_stale(utcnow(), timedelta(minutes=stale_minutes))
    for job_id in stale:
        enqueue(job_id)
    return stale
