"""Step 2 of importing a roster: the file checked again and, if the plan is still the one the
coordinator saw, every valid row written (and optionally enrolled) in the caller's transaction.

Any failure leaves nothing behind: the caller rolls back. The upload waiting between the two
steps, the error rows and the background job are uploads.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training import audit
from training.enrollment.services import ENROLLABLE_COHORTS, EnrollmentRefused, enroll
from training.extensions import db
from training.imports.checking import ImportScope, PlannedRow, Preview, preview
from training.imports.sheets import ImportRefused
from training.models import Cohort, EnrollmentStatus, User
from training.permissions import cohort_scope
from training.sheets import PreviewChanged
from training.trainees import services


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0
    enrolled: int = 0
    waitlisted: int = 0
    cohort_code: str | None = None


def enrollable_cohorts(user: User):
    """The cohorts this user may enroll imported trainees into."""
    return db.session.scalars(
        select(Cohort)
        .options(selectinload(Cohort.course))
        .where(cohort_scope(user), Cohort.status.in_(ENROLLABLE_COHORTS))
        .order_by(Cohort.code)
    ).all()


def commit(
    path: Path,
    scope: ImportScope,
    *,
    expected: str | None = None,
    cohort: Cohort | None = None,
    decided_by_id: int | None = None,
    filename: str = "",
) -> tuple[Preview, ImportResult]:
    """Step 2: check the file again and write every valid row, enrolling them into cohort if given.

    Refuses with PreviewChanged when `expected` (the fingerprint of the preview the user saw) no
    longer matches. Writes into the caller's transaction: on any exception the caller rolls back,
    so either every valid row is written or none.
    """
    plan = preview(path, scope)
    if expected is not None and plan.fingerprint != expected:
        raise PreviewChanged(
            _(
                "The registry changed since the preview, so nothing was imported. Check the new preview and import again."
            ),
            plan,
        )
    return plan, apply(plan, cohort=cohort, decided_by_id=decided_by_id, filename=filename)


def _write_rows(plan: Preview, result: ImportResult) -> list[tuple[PlannedRow, int]]:
    creates = plan.of("create")
    try:
        ids = services.create_trainees([row.valid_data() for row in creates], audit_action="trainee_imported")
    except services.TraineeRefused as refusal:  # registered meanwhile, by another request
        raise ImportRefused(_("%(reason)s Nothing was imported.", reason=str(refusal))) from None
    created = dict(zip((row.row for row in creates), ids, strict=True))
    result.created = len(ids)
    imported = []
    for row in plan.rows:
        if row.action == "create":
            imported.append((row, created[row.row]))
        elif row.action in ("update", "skip"):
            trainee = row.trainee
            assert trainee is not None  # _match_registry found it
            if row.action == "update":
                services.update_trainee(trainee, row.valid_data(), audit_action="trainee_imported")
                result.updated += 1
            else:
                result.skipped += 1
            imported.append((row, trainee.id))
    return imported


def _enroll_rows(imported, cohort: Cohort, decided_by_id: int | None, result: ImportResult) -> None:
    for row, trainee_id in imported:
        try:
            enrollment = enroll(trainee_id, cohort.id, decided_by_id)
        except EnrollmentRefused as refusal:
            raise ImportRefused(
                _(
                    "Row %(row)d (%(name)s) cannot be enrolled in %(cohort)s: %(reason)s Nothing was imported: "
                    "import without enrollment, or fix the row.",
                    row=row.row,
                    name=row.data.name,
                    cohort=cohort.code,
                    reason=str(refusal),
                )
            ) from None
        if enrollment.status == EnrollmentStatus.ENROLLED:
            result.enrolled += 1
        else:
            result.waitlisted += 1


def apply(
    plan: Preview, *, cohort: Cohort | None = None, decided_by_id: int | None = None, filename: str = ""
) -> ImportResult:
    """Write a preview's valid rows (and enrollments) into the current transaction; the caller commits."""
    result = ImportResult(errors=len(plan.of("error")), cohort_code=cohort.code if cohort else None)
    imported = _write_rows(plan, result)
    if cohort is not None:
        _enroll_rows(imported, cohort, decided_by_id, result)
    audit.record("trainees_imported", "trainee_import", None, after={"file": filename[:200], **vars(result)})
    return result
