"""Progress of a background job, for the page that started it to poll, with a way back to
where the work shows (each feature registers its own with `way_back`)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from training.extensions import db
from training.labels import JOB_STATUSES
from training.models import Job, Role

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
# kind → (job → (url, link text)): the page the work of a job of that kind shows on.
WAYS_BACK: dict[str, Callable[[Job], tuple[str, str]]] = {}


def way_back(kind: str):
    """Register the link from a job's progress page back to where its work shows."""

    def register(function: Callable[[Job], tuple[str, str]]):
        WAYS_BACK[kind] = function
        return function

    return register


def _visible_job(job_id: str) -> Job:
    job = db.get_or_404(Job, job_id)
    if job.created_by_id != current_user.id and current_user.role != Role.ADMIN:
        abort(404)
    return job


@bp.get("/<job_id>.json")
@login_required
def progress(job_id: str):
    job = _visible_job(job_id)
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "status_label": str(JOB_STATUSES.get(job.status, job.status)),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "failures": job.failures,
        "message": job.message,
        "result": job.result,
    }


@bp.get("/<job_id>")
@login_required
def show(job_id: str):
    job = _visible_job(job_id)
    back = WAYS_BACK[job.kind](job) if job.kind in WAYS_BACK else None
    return render_template("jobs/show.html", job=job, status_label=JOB_STATUSES.get(job.status, job.status), back=back)
