"""What the consumer runs: `huey_consumer training.jobs.worker.huey`.

Importing this module registers every task; each task runs inside an app context of
an app built once per worker process.
"""
from __future__ import annotations

from functools import lru_cache

from training.jobs.queue import huey

__all__ = ["enqueue", "huey", "run_job"]


@lru_cache(maxsize=1)
def worker_app():
    from training import create_app

    return create_app()


@huey.task(retries=2, retry_delay=5)
def run_job(job_id: str) -> None:
    from training.jobs import services

    with worker_app().app_context():
        services.run(job_id)


def enqueue(job_id: str) -> None:
    """Hand a committed job to the queue."""
    run_job(job_id)
