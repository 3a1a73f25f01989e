"""Rosters waiting between preview and commit, the rows in error as a workbook, large imports in the background.

An uploaded roster is kept under instance/imports/ (training/uploads.py: mode 0600, a random
token for a name) until it is committed or 24 hours pass; after a commit only its rows in
error stay, as a workbook to download. A file with more than LARGE_IMPORT_ROWS rows is
committed by the `trainee_import` job in the worker instead of in the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from training import audit, sheet_downloads
from training.extensions import db
from training.imports.checking import ImportScope, Preview
from training.imports.committing import commit
from training.imports.sheets import ImportRefused
from training.jobs.services import Step, handler
from training.models import Cohort, Job, User
from training.uploads import UPLOAD_MAX_AGE_SECONDS, Upload, UploadFolder

__all__ = ["UPLOAD_MAX_AGE_SECONDS", "RosterUpload"]

LARGE_IMPORT_ROWS = 2_000


# ---------------------------------------------------------------- uploads waiting between preview and commit


@dataclass
class RosterUpload(Upload):
    default_county: str | None = None
    cohort_id: int | None = None
    rows: int = 0  # counted by the preview at upload, to choose between now and the background


ROSTERS = UploadFolder("imports", RosterUpload)


def store_upload(
    content: bytes,
    *,
    owner_id: int | None,
    filename: str,
    default_county: str | None = None,
    cohort_id: int | None = None,
) -> RosterUpload:
    """Keep an uploaded roster (mode 0600) under a random token until it is committed or 24 hours pass."""
    return ROSTERS.store(
        content, owner_id=owner_id, filename=filename, default_county=default_county, cohort_id=cohort_id
    )


def find_upload(token: str, owner_id: int | None) -> RosterUpload | None:
    """The stored roster, if the token is well-formed, fresh and this user's."""
    return ROSTERS.find(token, owner_id)


def finish_upload(upload: RosterUpload, plan: Preview | None = None) -> None:
    """After a commit: the file goes; its rows in error stay as a workbook to download, if there are any."""
    ROSTERS.finish(upload, error_rows_workbook(plan) if plan is not None and plan.of("error") else None)


def discard_upload(upload: RosterUpload) -> None:
    ROSTERS.discard(upload)


def purge_stale_uploads(max_age: float = UPLOAD_MAX_AGE_SECONDS) -> None:
    ROSTERS.purge_stale(max_age)


# ---------------------------------------------------------------- the rows to fix, as a workbook


def error_rows_workbook(plan: Preview) -> bytes:
    """The rows in error with their original columns and a column saying what to fix."""
    text_columns = {plan.columns[name] for name in ("id_number", "phone") if name in plan.columns}
    return sheet_downloads.error_rows_workbook(plan.headers, plan.of("error"), text_columns)


# ---------------------------------------------------------------- large files, in the background


@handler("trainee_import")
def import_job(job: Job):
    """Commit a large import in the worker: one transaction, committed by the runner after the last step."""
    params = job.params
    user = db.session.get(User, params["user_id"])
    upload = find_upload(params["token"], params["user_id"])
    with force_locale(params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if user is None or upload is None:
            yield Step(done=0, message=_("This upload has expired or was already imported. Upload the file again."))
            return
        audit.set_actor(user.id, user.username, params.get("ip"))
        cohort = db.session.get(Cohort, params["cohort_id"]) if params.get("cohort_id") else None
        try:
            plan, result = commit(
                upload.path,
                ImportScope.of(user, params.get("default_county")),
                expected=params["fingerprint"],
                cohort=cohort,
                decided_by_id=user.id,
                filename=upload.filename,
            )
        except ImportRefused as refusal:
            db.session.rollback()
            yield Step(done=0, message=str(refusal), failures=[{"item": upload.filename, "reason": str(refusal)}])
            return
        yield Step(
            done=job.total,
            result=vars(result),
            message=_(
                "Imported: %(created)d new, %(updated)d updated, %(skipped)d unchanged, %(enrolled)d enrolled, "
                "%(waitlisted)d on the waiting list; %(errors)d rows in error were left out.",
                **vars(result),
            ),
        )
        finish_upload(upload, plan)  # only once the runner has committed the step above
