"""The background job that issues a cohort's certificates, batch by batch.

Each batch is one transaction (committed by the job runner with the progress), so the
page that polls the job sees certificates arrive, and a crash loses one batch at most.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from training import audit
from training.certificates import issuing
from training.extensions import db
from training.jobs.services import Step, handler
from training.models import Job, User

KIND = "certificates_issue"
MAX_BATCH = 50  # pages per write_pdf(): ~10× faster than one document per certificate, memory stays flat
MIN_BATCH = 10


def batch_size(total: int) -> int:
    """Large enough to share the font work, small enough that a small cohort's bar still moves."""
    configured = current_app.config.get("CERTIFICATE_BATCH_SIZE") or os.environ.get("CERTIFICATE_BATCH_SIZE")
    if configured:
        return int(configured)
    return max(MIN_BATCH, min(MAX_BATCH, math.ceil(total / 4)))


def batches(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def params_for(cohort_id: int, enrollment_ids: list[int], user: User | None, locale: str, ip: str | None) -> dict:
    return {
        "cohort_id": cohort_id,
        "enrollment_ids": enrollment_ids,
        "user_id": user.id if user else None,
        "locale": locale,
        "ip": ip,
    }


@handler(KIND)
def issue_certificates(job: Job) -> Iterator[Step]:
    """Issue to params["enrollment_ids"] of params["cohort_id"]; a redelivered job resumes after job.done.

    The tally (issued, skipped, failed) is committed with each batch as the job's result, and a
    resumed run carries it on: the summary counts the whole job, not what this run issued."""
    params = job.params
    ids = params["enrollment_ids"]
    user = db.session.get(User, params["user_id"]) if params.get("user_id") else None
    if user is not None:
        audit.set_actor(user.id, user.username, params.get("ip"))
    else:
        audit.set_actor(None, "command line", None)
    tally = {"issued": 0, "skipped": 0, "failed": 0, **(job.result or {}), "cohort_id": params["cohort_id"]}
    with force_locale(params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield Step(done=0, total=len(ids), message=_("Issuing certificates…"))
        size = batch_size(len(ids))
        for batch in batches(ids[job.done :], size):
            try:
                outcome = issuing.issue_batch(params["cohort_id"], batch, params.get("user_id"))
            except issuing.BatchFailed as failure:
                db.session.rollback()
                outcome = failure.outcome
            tally = {
                **tally,
                "issued": tally["issued"] + len(outcome.issued),
                "skipped": tally["skipped"] + outcome.skipped,
                "failed": tally["failed"] + len(outcome.refused),
            }
            yield Step(
                done=len(batch),
                failures=outcome.refused,
                result=tally,
                message=_("%(issued)d issued so far.", issued=tally["issued"]),
            )
        yield Step(
            done=0,
            result=tally,
            message=_(
                "Finished: %(issued)d certificates issued, %(skipped)d already had one, %(failed)d failed.", **tally
            ),
        )
