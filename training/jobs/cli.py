"""`flask --app app jobs requeue`: put jobs whose worker died back on the queue.

Workers do this themselves every minute (training.jobs.worker.requeue_stale_jobs); the
command is for an operator who does not want to wait, e.g. right after a worker machine died.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Background jobs.")


@jobs_cli.command("requeue")
@click.option(
    "--stale-minutes",
    type=click.IntRange(min=0),
    default=None,
    help="No sign of life for this long (default: JOB_STALE_MINUTES). 0 takes every job not finished: "
    "only when no worker is running.",
)
def requeue(stale_minutes: int | None) -> None:
    """Put back on the queue the jobs queued or running with no sign of life for a while."""
    from training.jobs.worker import put_back_stale

    minutes = current_app.config["JOB_STALE_MINUTES"] if stale_minutes is None else stale_minutes
    stale = put_back_stale(minutes)
    for job_id in stale:
        click.echo(f"requeued {job_id}")
    click.echo(f"{len(stale)} job(s) put back on the queue.")
