"""The background job that builds a claim's evidence pack (pack.py): the documents first, then one
trainee a step, each step committed with the progress the page polls.

A job whose worker died is put back on the queue by the runner (training.jobs) and starts the pack
over, under its own temporary name; the pack offered is only ever a complete one. The job does not
judge who may read the pack: the file is served only through the claim's scoped route."""

from __future__ import annotations

from collections.abc import Iterator

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training import audit
from training.claims import documents
from training.claims.pack import PackWriter, build, folder_of, pack_path, purge_temporary, temporary_path
from training.claims.pack_contents import Missing
from training.extensions import db
from training.jobs.services import Step, create_job, handler
from training.localtime import local_today
from training.models import Claim, ClaimLine, Cohort, Job, JobStatus, User

KIND = "claim_pack"
MISSING_MESSAGES = {
    "certificate_not_found": _l("Certificate %(number)s is not in the records."),
    "certificate_file_missing": _l("The file of certificate %(number)s is missing."),
    "scan_not_recorded": _l("No scan of certificate %(number)s was uploaded."),
    "file_missing": _l("A file is missing: %(file)s."),
    "hash_mismatch": _l("A file does not match the SHA-256 it was stored with: %(file)s."),
}


def current_job(claim_id: int) -> Job | None:
    """The claim's latest pack job, whatever its state."""
    return db.session.scalar(
        select(Job)
        .where(Job.kind == KIND, Job.params["claim_id"].as_integer() == claim_id)
        .order_by(Job.created_at.desc(), Job.id)
        .limit(1)
    )


def start(claim: Claim, user: User, locale: str, ip: str | None) -> tuple[Job, bool]:
    """The claim's pack job already waiting or running, or a new one, audited: (job, new?). The
    caller commits, then enqueues a new one."""
    job = current_job(claim.id)
    if job is not None and job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        return job, False
    job = create_job(KIND, {"claim_id": claim.id, "user_id": user.id, "locale": locale, "ip": ip}, user.id)
    db.session.flush()
    audit.record("claim_pack_requested", "claim", claim.id, after={"job_id": job.id})
    return job, True


def load_claim(claim_id: int) -> Claim | None:
    """The claim with what its documents and pack read, in a fixed number of statements."""
    return db.session.scalar(
        select(Claim)
        .where(Claim.id == claim_id)
        .options(
            selectinload(Claim.lines).selectinload(ClaimLine.objections),
            selectinload(Claim.cohort).selectinload(Cohort.course),
            selectinload(Claim.cohort).selectinload(Cohort.county),
            selectinload(Claim.prepared_by),
        )
    )


def _reason(missing: Missing) -> str:
    return str(MISSING_MESSAGES[missing.rule] % missing.params)


@handler(KIND)
def build_pack(job: Job) -> Iterator[Step]:
    """Write CLAIM_PACK_DIR/claim-<id>.zip for params["claim_id"]; a rerun starts over."""
    params = job.params
    user = db.session.get(User, params["user_id"])
    claim = load_claim(params["claim_id"])
    with force_locale(params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if user is None or not user.active or claim is None:
            yield Step(done=0, message=_("The evidence pack can no longer be built for this account."))
            return
        job.failures = []  # a rerun starts over: the failures it finds are its own
        lines = documents.claimed_lines(claim)
        yield Step(done=-job.done, total=len(lines) + 1, message=_("Writing the evidence pack…"))
        purge_temporary()
        writer = PackWriter(temporary_path(claim.id, job.id), pack_path(claim.id), folder_of(claim))
        missing = 0
        try:
            for progress in build(claim, writer, local_today()):
                missing += len(progress.missing)
                failures = [{"item": progress.item, "reason": _reason(m)} for m in progress.missing]
                yield Step(done=1, failures=failures)
            writer.finish()
        except BaseException:  # a failure, or the run stopped (taken over): nothing half-written stays
            writer.discard()
            raise
        size = pack_path(claim.id).stat().st_size
        yield Step(
            done=0,
            result={"claim_id": claim.id, "trainees": len(lines), "missing": missing, "bytes": size},
            message=_(
                "The evidence pack is ready: %(trainees)d trainees, %(missing)d files missing.",
                trainees=len(lines),
                missing=missing,
            ),
        )
