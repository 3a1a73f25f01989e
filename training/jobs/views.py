"""Progress of a background job, for the page that started it to poll."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from training.extensions import db
from training.models import Job, Role

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


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
    return render_template("jobs/show.html", job=_visible_job(job_id))
